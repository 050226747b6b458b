//! `agentdeck timeline [--since 1h] [--format text|md|json] [--utc]`: the dashboard's
//! timeline (`T`) printed once, e.g. for the incident document.

use clap::{Args, ValueEnum};

use crate::cluster::Target;
use crate::config::Config;
use crate::error::Error;
use crate::metrics::Feed;
use crate::timeline::{Request, render};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Md,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct TimelineArgs {
    /// How far back, e.g. 15m, 1h, 6h, 7d (at most a week).
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub since: String,
    /// Output: text, md (Markdown for an incident document) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Times in UTC (default: the local time zone).
    #[arg(long)]
    pub utc: bool,
}

/// Gather once and print; exit 0 (the sources that failed are notes in the output).
pub async fn run(
    cfg: &Config,
    target: &Target,
    prometheus_url: Option<&str>,
    a: TimelineArgs,
) -> Result<u8, Error> {
    let since = crate::cmd::writes::parse_duration("--since", &a.since)?;
    let conn = crate::cluster::connect(target, &cfg.stack.namespace).await?;
    let feed = Feed::from_config(cfg, prometheus_url)?;
    let req = Request { since, utc: a.utc };
    let tl = crate::timeline::gather(&conn, cfg, &feed, &req).await;
    let out = match a.format {
        Format::Text => render::text(&tl),
        Format::Md => render::markdown(&tl),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&render::json(&tl)).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    print!("{out}");
    Ok(0)
}
