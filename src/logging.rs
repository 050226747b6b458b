//! Logs go to a file, never to the terminal the TUI draws on; errors are logged with their
//! whole source chain while the user sees one line.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the log goes, once `init` found a place.
static LOG_FILE: OnceLock<PathBuf> = OnceLock::new();

/// When the process started (its first call of [`started`]: `main`'s first line).
static STARTED: OnceLock<std::time::Instant> = OnceLock::new();

/// The process's start: the first call marks it.
pub fn started() -> std::time::Instant {
    *STARTED.get_or_init(std::time::Instant::now)
}

/// The log file in use, if any.
pub fn file() -> Option<&'static Path> {
    LOG_FILE.get().map(PathBuf::as_path)
}

/// How many log lines may wait for the writer thread.
const QUEUED_LINES: usize = 4096;

/// Log to `file` (default: the state folder's agentdeck.log), created private to the user.
/// The guard flushes on drop.
pub fn init(file: Option<PathBuf>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // No named file and no state folder (HOME unset): no log rather than a shared place.
    let path = file.or_else(|| Some(crate::files::state_dir()?.join("agentdeck.log")))?;
    let file = crate::files::append_private(&path).ok()?;
    let _ = LOG_FILE.set(path);
    // The default queue holds 128,000 lines, allocated at once (4 MiB, a tenth of the
    // dashboard's memory); lines beyond a few thousand waiting are dropped, not blocked on.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .lossy(true)
        .finish(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENTDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// The sources of `e`, outermost first, as text (for the log file).
pub fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = Vec::new();
    let mut src = e.source();
    while let Some(s) = src {
        out.push(s.to_string());
        src = s.source();
    }
    out
}
