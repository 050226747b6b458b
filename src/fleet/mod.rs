//! The fleet: every cluster of the kubeconfig (or those chosen) at once, one row each —
//! the data side of the fleet view and of `status --all-contexts`. Each cluster is read
//! on its own task and fails alone ([`poll`]); a row needs only a light look at its
//! cluster ([`light`]) and its metrics, from its own Prometheus or a shared backend where
//! a label tells the clusters apart ([`source`]). Nothing here draws.

pub mod light;
pub mod poll;
pub mod row;
pub mod select;
pub mod source;
pub mod words;

pub use poll::{Fleet, Setup, spawn};
pub use row::{Reach, Row, Totals, sort, totals};
pub use select::Selection;
