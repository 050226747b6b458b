fn main() -> std::process::ExitCode {
    agentdeck::logging::started();
    agentdeck::heap::tune();
    agentdeck::cli::main()
}
