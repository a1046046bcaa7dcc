//! The `idcap` binary: parses the command line, runs it (`idcap::cli`) with the process's stdout
//! and stderr, and exits with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = idcap::cli::Cli::parse();
    // Unlocked streams: `capture` and the app run the window on this thread, and a lock held here
    // would block any other thread that prints.
    let status = idcap::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(status)
}
