//! agentdeck as a kubectl plugin: a binary (or link) named `kubectl-agentdeck` on PATH is
//! what `kubectl agentdeck …` runs, with the rest of the line as its arguments. Invoked so,
//! agentdeck is itself; only its help and usage say `kubectl agentdeck`.

use std::ffi::OsStr;
use std::path::Path;

/// The file name kubectl looks for on PATH.
pub const PLUGIN_FILE: &str = "kubectl-agentdeck";

/// Is `argv0` (the program's path as invoked) the kubectl plugin's name? A `.exe` suffix
/// (Windows) is allowed.
pub fn is_plugin_name(argv0: &OsStr) -> bool {
    let Some(name) = Path::new(argv0).file_name().and_then(OsStr::to_str) else {
        return false;
    };
    name.strip_suffix(".exe").unwrap_or(name) == PLUGIN_FILE
}

/// Invoked as `kubectl-agentdeck`?
pub fn invoked_as_plugin() -> bool {
    std::env::args_os()
        .next()
        .is_some_and(|a| is_plugin_name(&a))
}

/// `cmd` named `kubectl agentdeck` when `plugin`.
pub fn named(cmd: clap::Command, plugin: bool) -> clap::Command {
    if plugin {
        cmd.bin_name("kubectl agentdeck")
            .display_name("kubectl agentdeck")
    } else {
        cmd.bin_name("agentdeck")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> clap::Command {
        clap::Command::new("agentdeck").subcommand(clap::Command::new("status"))
    }

    #[test]
    fn the_plugin_is_known_by_its_file_name_only() {
        assert!(is_plugin_name(OsStr::new(
            "/home/a/.local/bin/kubectl-agentdeck"
        )));
        assert!(is_plugin_name(OsStr::new("kubectl-agentdeck.exe")));
        assert!(!is_plugin_name(OsStr::new("/usr/bin/agentdeck")));
        assert!(!is_plugin_name(OsStr::new(
            "/x/kubectl-agentdeck/agentdeck"
        )));
    }

    #[test]
    fn under_kubectl_the_usage_says_kubectl_agentdeck() {
        let mut cmd = named(cli(), true);
        let help = cmd.render_help().to_string();
        assert!(help.contains("Usage: kubectl agentdeck"), "{help}");
        let usage = named(cli(), false).render_usage().to_string();
        assert!(usage.contains("Usage: agentdeck"), "{usage}");
    }
}
