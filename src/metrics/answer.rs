//! The answer for one quantity of a plan: its samples, or why there are none.

use super::prom::{QueryError, Sample};

pub enum Answer {
    Samples(Result<Vec<Sample>, QueryError>),
    Cannot(String),
}
