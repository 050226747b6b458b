fn main() -> std::process::ExitCode {
    agentdeck::cli::main()
}
