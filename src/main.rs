fn main() -> std::process::ExitCode {
    tune_malloc();
    agentdeck::cli::main()
}

/// glibc's malloc gives each thread that contends an arena of its own and keeps up to
/// 128 KiB… 32 MiB of freed memory at each arena's top: the dashboard's memory at rest would
/// be mostly what its first lists freed. One arena (its threads are mostly idle) and an
/// eager trim halve its anonymous memory at rest (README, "Performance"; mimalloc was
/// measured too and kept more).
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
    }
}
