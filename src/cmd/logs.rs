//! `agentdeck logs`: a pod's lines on stdout (a workload's best pod, named on stderr as
//! kubectl does), once or followed.

use std::io::Write;

use futures::StreamExt;

use crate::cluster::Target;
use crate::cluster::logs::{self, LogRequest};
use crate::cmd::writes::parse_duration;
use crate::config::Config;
use crate::error::Error;

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// POD, pod/POD, deploy/NAME, sts/NAME, or a Deployment's name.
    pub target: String,
    /// The container (needed when the pod has several).
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Keep printing new lines as they come.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// The previous container's logs (what a crash loop needs).
    #[arg(short = 'p', long)]
    pub previous: bool,
    /// Only the last N lines (-1: all, as kubectl).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub tail: Option<i64>,
    /// Only lines newer than this, e.g. 30s, 5m, 1h.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Prefix each line with its time.
    #[arg(long)]
    pub timestamps: bool,
}

impl LogsArgs {
    /// The request, with the flags checked.
    fn request(self) -> Result<LogRequest, Error> {
        let tail = match self.tail {
            Some(-1) | None => None,
            Some(n) if n < 0 => {
                return Err(Error::Usage(format!(
                    "--tail {n}: give a number of lines, 0 or more (-1: all)"
                )));
            }
            Some(n) => Some(n),
        };
        let since_seconds = match &self.since {
            Some(s) => Some(parse_duration("--since", s)?.as_secs() as i64),
            None => None,
        };
        Ok(LogRequest {
            target: crate::cluster::logs::LogTarget::parse(&self.target)?,
            container: self.container,
            follow: self.follow,
            previous: self.previous,
            tail,
            since_seconds,
            timestamps: self.timestamps,
        })
    }
}

/// Print the lines; 0 when done (or stdout closed, as with `| head`).
pub async fn run(cfg: &Config, target: &Target, args: LogsArgs) -> Result<u8, Error> {
    let req = args.request()?;
    let conn = crate::cluster::connect(target, &cfg.stack.namespace).await?;
    let (pod, of) = logs::pick_pod(&conn, &req.target).await?;
    if of > 1 {
        eprintln!("Found {of} pods, using pod/{pod}");
    }
    let mut lines = std::pin::pin!(logs::lines(&conn, &pod, &req).await?);
    let mut out = std::io::stdout().lock();
    while let Some(line) = lines.next().await {
        if writeln!(out, "{}", line?).is_err() {
            return Ok(0);
        }
    }
    Ok(0)
}
