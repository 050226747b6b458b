//! A followed log stream (the dashboard's): picks the pod (a workload's best, again after each end),
//! reads its lines with the kubelet's timestamps, and sends them in batches — at most
//! every [`BATCH_EVERY`] or [`BATCH_LINES`] lines — so a chatty pod costs a few redraws a
//! second, not one per line. While following, a stream that ends (the container
//! restarted, the connection closed) is read again after a backoff from the last line's
//! time, without repeating lines; a pod that is gone or a refusal (403) ends it for good.
//! It knows nothing of the dashboard: it sends `LogEvent`s over a channel.

use std::time::Duration;

use futures::{Stream, StreamExt};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::Connection;
use super::logs::{LogError, LogEvent, LogLine, LogRequest, Refusal, containers, pick_pod, stream};

/// Lines sent at once at most.
pub const BATCH_LINES: usize = 500;
/// How long a line may wait for others before it is sent.
pub const BATCH_EVERY: Duration = Duration::from_millis(50);
/// The longest wait between two reconnects, seconds.
const MAX_BACKOFF: u64 = 10;

/// Stream `req`'s lines as `LogEvent`s on `tx` until the task is aborted or the receiver
/// is gone; `buffer` is the reader's bound in lines (told with `Started`).
pub fn start(
    conn: Connection,
    req: LogRequest,
    buffer: usize,
    tx: mpsc::Sender<LogEvent>,
) -> tokio::task::JoinHandle<()> {
    let reader = Reader {
        conn,
        req,
        buffer,
        tx,
        seen: Seen::default(),
        got_lines: false,
    };
    tokio::spawn(reader.run())
}

/// How one read ended.
enum End {
    /// The stream ended by itself.
    Done,
    /// It failed or could not start; worth another try while following.
    Retry(String),
    /// It cannot work (the pod is gone, RBAC refuses).
    Stop(String),
    /// The view is gone.
    Closed,
}

/// Where the last read stopped: its pod and container, the last line's time and how many
/// lines had that time (sinceTime is whole seconds: what comes again is skipped).
struct Mark {
    pod: String,
    container: String,
    ts: Timestamp,
    same: usize,
    skip: usize,
}

struct Reader {
    conn: Connection,
    req: LogRequest,
    buffer: usize,
    tx: mpsc::Sender<LogEvent>,
    seen: Seen,
    got_lines: bool,
}

impl Reader {
    async fn send(&self, ev: LogEvent) -> bool {
        self.tx.send(ev).await.is_ok()
    }

    async fn run(mut self) {
        let mut backoff = 1;
        loop {
            self.got_lines = false;
            let end = self.read().await;
            if self.got_lines {
                backoff = 1;
            }
            let follow = self.req.follow;
            let (why, retry) = match end {
                End::Closed => return,
                End::Done if !follow => (None, false),
                End::Done => (Some("the log stream ended".to_string()), true),
                End::Retry(why) => (Some(why), follow),
                End::Stop(why) => (Some(why), false),
            };
            let retry = retry.then_some(backoff);
            if !self.send(LogEvent::Ended { why, retry }).await || retry.is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(backoff)).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Is the target a pod named directly (it cannot come back once gone)?
    fn names_a_pod(&self) -> bool {
        self.req.target.names_a_pod()
    }

    fn gone(&self, pod: &str) -> End {
        let why = format!(
            "pod {pod} is gone: it no longer exists in {}",
            self.conn.namespace
        );
        if self.names_a_pod() {
            End::Stop(why)
        } else {
            End::Retry(format!(
                "{why}; looking for another pod of {}",
                self.req.target
            ))
        }
    }

    /// One read: pick the pod, say which, stream its lines until the end.
    async fn read(&mut self) -> End {
        let picked = pick_pod(&self.conn, &self.req.target).await;
        let (pod, of) = match picked {
            Ok(p) => p,
            Err(LogError(why)) => return End::Retry(why),
        };
        let (names, default) = match containers(&self.conn, &pod).await {
            Ok(Some(c)) => c,
            Ok(None) => return self.gone(&pod),
            Err(LogError(why)) => return End::Retry(why),
        };
        let container = (self.req.container.clone())
            .filter(|c| names.contains(c))
            .unwrap_or(default);
        let started = LogEvent::Started {
            pod: pod.clone(),
            of,
            containers: names,
            container: container.clone(),
            buffer: self.buffer,
        };
        if !self.send(started).await {
            return End::Closed;
        }
        let since = self.seen.resume(&pod, &container);
        let mut r = self.req.clone();
        r.container = Some(container.clone());
        r.timestamps = true;
        match stream(&self.conn, &pod, &r, since).await {
            Ok(lines) => self.pump(lines, &pod, &container).await,
            Err(Refusal {
                code: Some(404), ..
            }) => self.gone(&pod),
            Err(Refusal {
                why,
                code: Some(401 | 403),
            }) => End::Stop(why),
            Err(Refusal { why, .. }) => End::Retry(why),
        }
    }

    /// Forward the lines in batches until the stream ends.
    async fn pump(
        &mut self,
        lines: impl Stream<Item = Result<String, LogError>>,
        pod: &str,
        container: &str,
    ) -> End {
        let mut lines = std::pin::pin!(lines);
        let mut batch: Vec<LogLine> = Vec::new();
        let mut due: Option<Instant> = None;
        loop {
            let flush = tokio::select! {
                l = lines.next() => match l {
                    Some(Ok(l)) => {
                        if let Some(line) = self.seen.keep(LogLine::parse(&l), pod, container) {
                            batch.push(line);
                        }
                        due.get_or_insert_with(|| Instant::now() + BATCH_EVERY);
                        batch.len() >= BATCH_LINES
                    }
                    Some(Err(LogError(why))) => {
                        return self.last(batch, End::Retry(why)).await;
                    }
                    None => return self.last(batch, End::Done).await,
                },
                _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => true,
            };
            if flush {
                due = None;
                if !batch.is_empty() {
                    self.got_lines = true;
                    if !self.send(LogEvent::Lines(std::mem::take(&mut batch))).await {
                        return End::Closed;
                    }
                }
            }
        }
    }

    async fn last(&mut self, batch: Vec<LogLine>, end: End) -> End {
        if !batch.is_empty() {
            self.got_lines = true;
            if !self.send(LogEvent::Lines(batch)).await {
                return End::Closed;
            }
        }
        end
    }
}

/// What earlier reads of the stream had: where the last one stopped.
#[derive(Default)]
struct Seen {
    mark: Option<Mark>,
}

impl Seen {
    /// Where a new read of `pod`'s `container` starts: None (its tail) unless an earlier
    /// read of the same had lines; then a second before its last line (sinceTime is
    /// whole seconds), what comes again being skipped by [`Seen::keep`].
    fn resume(&mut self, pod: &str, container: &str) -> Option<Timestamp> {
        match &mut self.mark {
            Some(m) if m.pod == pod && m.container == container => {
                m.skip = m.same;
                Some(m.ts - SignedDuration::from_secs(1))
            }
            _ => {
                self.mark = None;
                None
            }
        }
    }

    /// The line, unless an earlier read of this container had it already.
    fn keep(&mut self, line: LogLine, pod: &str, container: &str) -> Option<LogLine> {
        let Some(ts) = line.ts else {
            return Some(line);
        };
        match &mut self.mark {
            Some(m) if ts < m.ts => return None,
            Some(m) if ts == m.ts => {
                if m.skip > 0 {
                    m.skip -= 1;
                    return None;
                }
                m.same += 1;
            }
            Some(m) => (m.ts, m.same, m.skip) = (ts, 1, 0),
            None => {
                self.mark = Some(Mark {
                    pod: pod.to_string(),
                    container: container.to_string(),
                    ts,
                    same: 1,
                    skip: 0,
                })
            }
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str, text: &str) -> LogLine {
        LogLine::parse(&format!("{t} {text}"))
    }

    #[test]
    fn a_reconnect_repeats_no_line() {
        let mut seen = Seen::default();
        assert_eq!(seen.resume("p", "c"), None, "the first read: its tail");
        let first = [
            line("2026-11-30T10:00:00.5Z", "a"),
            line("2026-11-30T10:00:01.2Z", "b"),
            line("2026-11-30T10:00:01.2Z", "c"),
        ];
        for l in first.clone() {
            assert!(seen.keep(l, "p", "c").is_some());
        }
        let since = seen.resume("p", "c").unwrap();
        assert_eq!(since, "2026-11-30T10:00:00.2Z".parse().unwrap());
        // The server sends from a whole second: the old lines again, then new ones.
        let mut again: Vec<LogLine> = first.to_vec();
        again.push(line("2026-11-30T10:00:01.2Z", "d"));
        again.push(line("2026-11-30T10:00:02Z", "e"));
        let kept: Vec<String> = again
            .into_iter()
            .filter_map(|l| seen.keep(l, "p", "c"))
            .map(|l| l.text)
            .collect();
        assert_eq!(kept, ["d", "e"]);
        // Another container starts from its tail.
        assert_eq!(seen.resume("p", "other"), None);
        assert!(
            seen.keep(line("2026-11-30T09:00:00Z", "x"), "p", "other")
                .is_some()
        );
    }

    #[test]
    fn lines_without_a_timestamp_are_kept() {
        let mut seen = Seen::default();
        let l = LogLine::parse("no time here");
        assert_eq!(l.ts, None);
        assert!(seen.keep(l, "p", "c").is_some());
    }
}
