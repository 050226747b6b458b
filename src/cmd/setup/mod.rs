//! Setting agentdeck up in a shell and beside kubectl: shell completions, a man page, the
//! kubectl plugin name and `agentdeck config`. Nothing here talks to the cluster.

pub mod completions;
pub mod config_cmd;
pub mod plugin;

use clap::Subcommand;

use crate::error::Error;

pub use config_cmd::ConfigFlags;

pub use crate::output::{OpOutput, Output};

/// The setup subcommands (flattened into `agentdeck`'s own).
#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish, e.g.
    /// `source <(agentdeck completions bash)`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `agentdeck man | man -l -`; `agentdeck man status`
    /// prints agentdeck-status(1).
    Man {
        /// A subcommand, for its own page (its options, in full).
        subcommand: Option<String>,
    },
    /// The config file: where it is, what is in effect, a commented default to start from.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

impl SetupCommand {
    /// The options of its own (`config …`'s), to lay over those given before it.
    pub fn flags(&self) -> Option<&crate::cli_flags::ConfigCmdFlags> {
        match self {
            SetupCommand::Config { action } => Some(match action {
                ConfigAction::Path(f) | ConfigAction::Show(f) | ConfigAction::Init(f) => f,
            }),
            _ => None,
        }
    }
}

/// `agentdeck config …`
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the path of the config file in use (--config, else the XDG default).
    Path(crate::cli_flags::ConfigCmdFlags),
    /// Print the effective config (TOML), each value with where it came from: default,
    /// the file, an environment variable or a flag.
    Show(crate::cli_flags::ConfigCmdFlags),
    /// Write a commented default config at the path in use; never overwrites a file.
    Init(crate::cli_flags::ConfigCmdFlags),
}

/// A text printed to stdout: a reader that stopped early (`| head`) is not an error, as
/// with kubectl and other tools of the shell.
fn printed(r: std::io::Result<()>, what: &str) -> Result<u8, Error> {
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io(what, e)),
        _ => Ok(0),
    }
}

/// Run a setup subcommand on the command line `cli` (the parser's, for completions and
/// the man page): its exit code, or the error the caller prints.
pub fn run(cmd: SetupCommand, g: &ConfigFlags, cli: clap::Command) -> Result<u8, Error> {
    match cmd {
        SetupCommand::Completions { shell } => {
            let r = completions::print(cli, shell, &mut std::io::stdout());
            printed(r, "writing the completion script")
        }
        SetupCommand::Man { subcommand } => {
            let mut cmd = plugin::named(cli, plugin::invoked_as_plugin());
            cmd.build();
            let page = match subcommand.as_deref() {
                None => cmd,
                Some(name) => {
                    let Some(sub) = cmd.find_subcommand(name).filter(|s| !s.is_hide_set()) else {
                        let all: Vec<&str> = cmd
                            .get_subcommands()
                            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                            .map(|s| s.get_name())
                            .collect();
                        return Err(Error::Usage(format!(
                            "no subcommand {name:?}: give one of {}",
                            all.join(", ")
                        )));
                    };
                    let page = format!("{}-{name}", cmd.get_name());
                    sub.clone().name(page)
                }
            };
            let man = clap_mangen::Man::new(page);
            printed(man.render(&mut std::io::stdout()), "writing the man page")
        }
        SetupCommand::Config { action, .. } => match action {
            ConfigAction::Path(_) => config_cmd::path(g),
            ConfigAction::Show(_) => config_cmd::show(g),
            ConfigAction::Init(_) => config_cmd::init(g),
        },
    }
}
