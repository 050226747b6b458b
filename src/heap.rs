//! The allocator's settings for a long-running dashboard (glibc only; elsewhere nothing).
//!
//! glibc's malloc gives each thread that contends an arena of its own and keeps up to
//! 128 KiB… 32 MiB of freed memory at each arena's top: the dashboard's memory at rest would
//! be mostly what its first lists freed. One arena (its threads are mostly idle), an eager
//! trim of the top, and now and then a trim of the free pages inside the heap keep its
//! memory at what it holds (README, "Performance"; mimalloc was measured too and kept more).

#![allow(unsafe_code)] // mallopt/malloc_trim: each block says why it is sound.

/// Set the allocator up: call first thing in `main`, before any other thread exists.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}

/// Give the free pages inside the heap back to the system (the first lists' decoding
/// leaves megabytes of holes between what is kept).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let t = std::time::Instant::now();
        // SAFETY: malloc_trim is thread-safe and only releases free memory.
        unsafe {
            libc::malloc_trim(0);
        }
        tracing::debug!("heap trimmed in {} µs", t.elapsed().as_micros());
    }
}
