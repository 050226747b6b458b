//! The subcommands' front ends: each turns its flags into a request of the data side and
//! prints the answer (`cli` only parses and dispatches to them). The dashboard is the other
//! face of the same operations (`dashboard`, `tui`).

pub mod alerts;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod fleet;
pub mod logs;
pub mod metrics;
pub mod rules;
pub mod setup;
#[cfg(not(feature = "simulator"))]
#[path = "nosim.rs"]
pub mod sim;
#[cfg(feature = "simulator")]
pub mod sim;
pub mod timeline;
pub mod writes;
