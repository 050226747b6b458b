//! `agentdeck completions SHELL`: clap_complete's script for the command line, with value
//! hints where an argument names something: files for the path flags, the contexts of the
//! kubeconfig as it is when the script is made, the bundled stack's namespaces,
//! Deployments and objects (a static list: other names can still be typed).

use std::io::Write;

use clap::ValueHint;
use clap::builder::PossibleValuesParser;
use clap_complete::Shell;

/// The names completion offers, from the bundled manifests.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Names {
    pub namespaces: Vec<String>,
    pub deployments: Vec<String>,
    /// `kind/name` of every bundled object (for `deploy --only`).
    pub objects: Vec<String>,
}

/// The bundled stack's names (empty lists if the manifests do not parse, which a test
/// rules out).
pub fn bundled_names() -> Names {
    let mut n = Names::default();
    for d in crate::manifests::bundled().unwrap_or_default() {
        let kind = d.object["kind"].as_str().unwrap_or_default();
        let Some(name) = d.object["metadata"]["name"].as_str() else {
            continue;
        };
        match kind {
            "Namespace" => n.namespaces.push(name.to_string()),
            "Deployment" => n.deployments.push(name.to_string()),
            _ => {}
        }
        n.objects.push(format!("{}/{name}", kind.to_lowercase()));
    }
    n
}

/// The context names of the user's kubeconfig ($KUBECONFIG, else ~/.kube/config); none
/// when there is no readable one.
fn contexts() -> Vec<String> {
    kube::config::Kubeconfig::read()
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

fn values(names: &[String]) -> PossibleValuesParser {
    PossibleValuesParser::new(
        names
            .iter()
            .map(|s| clap::builder::PossibleValue::new(s.clone())),
    )
}

/// The command line `cli` as completion sees it: with the hints added.
pub fn command(cli: clap::Command, names: &Names, contexts: &[String]) -> clap::Command {
    let file = |a: clap::Arg| a.value_hint(ValueHint::FilePath);
    let deployments = |a: clap::Arg| a.value_parser(values(&names.deployments));
    let mut cmd = super::plugin::named(cli, false);
    for id in ["kubeconfig", "config", "log_file"] {
        cmd = everywhere(cmd, id, &file);
    }
    cmd = everywhere(cmd, "namespace", &|a| {
        a.value_parser(values(&names.namespaces))
    });
    if !contexts.is_empty() {
        cmd = everywhere(cmd, "context", &|a| a.value_parser(values(contexts)));
    }
    // `-o`: the formats each command takes, not file names.
    cmd = cmd.mut_subcommand("status", |s| {
        s.mut_arg("output", |a| a.value_parser(["json", "yaml", "wide"]))
    });
    for sub in [
        "metrics",
        "scale",
        "deploy",
        "set-resources",
        "rotate-key",
        "restart",
        "delete",
    ] {
        cmd = cmd.mut_subcommand(sub, |s| {
            s.mut_arg("output", |a| a.value_parser(["json", "yaml"]))
        });
    }
    // `mut_arg` moves the argument last: the positionals after it are moved too, to keep
    // their order.
    cmd.mut_subcommand("scale", |s| {
        s.mut_arg("deployment", deployments)
            .mut_arg("replicas", |a| a)
    })
    .mut_subcommand("restart", |s| s.mut_arg("deployment", deployments))
    .mut_subcommand("set-resources", |s| s.mut_arg("workload", deployments))
    .mut_subcommand("logs", |s| s.mut_arg("target", deployments))
    .mut_subcommand("delete", |s| {
        s.mut_arg("what", |a| a.value_parser(["pod"]))
            .mut_arg("name", |a| a)
    })
    .mut_subcommand("deploy", |s| {
        s.mut_arg("only", |a| a.value_parser(values(&names.objects)))
            .mut_arg("manifests", |a| a.value_hint(ValueHint::DirPath))
    })
}

/// `f` applied to the option `id` wherever a command (or subcommand, at any depth) has it.
fn everywhere(cmd: clap::Command, id: &str, f: &dyn Fn(clap::Arg) -> clap::Arg) -> clap::Command {
    let mut cmd = if cmd.get_arguments().any(|a| a.get_id() == id) {
        cmd.mut_arg(id, f)
    } else {
        cmd
    };
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, |s| everywhere(s, id, f));
    }
    cmd
}

/// Write `shell`'s completion script of the command line `cli`.
pub fn print(cli: clap::Command, shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut cmd = command(cli, &bundled_names(), &contexts());
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "agentdeck", &mut buf);
    out.write_all(&buf)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_names_are_found() {
        let n = bundled_names();
        assert!(n.namespaces.contains(&"ai-agents".to_string()), "{n:?}");
        assert!(
            n.deployments.contains(&"ai-agent-service".to_string()),
            "{n:?}"
        );
        assert!(
            n.objects
                .contains(&"networkpolicy/allow-holysheep-api".to_string()),
            "{n:?}"
        );
    }
}
