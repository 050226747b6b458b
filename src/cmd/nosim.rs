//! `agentdeck sim` and `agentdeck demo` in a build without the simulator
//! (`--no-default-features`): they parse whatever follows and say what is missing.

use clap::{Args, Subcommand};

use crate::error::Error;

/// What follows `sim` or `demo` (not read: there is nothing to run it on).
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<String>,
}

/// `agentdeck sim`'s actions, none in this build.
#[derive(Debug, Subcommand)]
pub enum SimAction {
    #[command(hide = true)]
    Credential {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        rest: Vec<String>,
    },
}

/// The refusal of `demo` and `sim`.
pub fn unavailable() -> Error {
    Error::Usage(
        "built without the simulator: `demo` and `sim` need the default feature \
         (cargo install agentdeck, without --no-default-features)"
            .into(),
    )
}
