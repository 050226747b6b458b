//! While busy, the controllers hold every pod decoded (the store keeps only their JSON):
//! hundreds of MiB at 50,000 pods, freed when they rest. glibc's malloc keeps freed memory
//! in its per-thread arenas, so the process would stay at its peak size: give it back to
//! the system then.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release() {
    // SAFETY: malloc_trim only returns free heap pages to the system; it takes the
    // allocator's own locks and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release() {}
