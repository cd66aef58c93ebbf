//! The `clout` binary: parses the command line, runs one command, maps the outcome to
//! an exit code. Everything else goes through `clout-app`.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not the system allocator: a recompute or an import allocates and frees
/// millions of small strings and vectors, and glibc's malloc spent about 15 % of a full
/// recompute's CPU on them (ARCHITECTURE.md says what was measured).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A reader that went away (`clout channels | head`) is a normal end, not an error.
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
