//! The `rollsafe` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    rollsafe::cli::main()
}
