// mimalloc: it returns freed memory to the system where glibc's malloc keeps it in
// per-thread arenas; the dashboard's resident set at rest is about half (README,
// "Performance").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    agentdeck::cli::main()
}
