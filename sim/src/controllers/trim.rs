//! A controller pass decodes every pod for a moment (the store keeps only their JSON):
//! hundreds of MiB at 50,000 pods, freed at the end of the pass. glibc's malloc keeps freed
//! memory in its per-thread arenas, so the process would stay at its peak size: give it
//! back to the system after a pass, at most once a second.

use std::sync::Mutex;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(1);

static LAST: Mutex<Option<Instant>> = Mutex::new(None);

pub fn after_pass() {
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if last.is_some_and(|t| t.elapsed() < EVERY) {
        return;
    }
    *last = Some(Instant::now());
    release();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release() {
    // SAFETY: malloc_trim only returns free heap pages to the system; it takes the
    // allocator's own locks and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release() {}
