//! The `citecheck` binary: parse arguments, run the library, set the exit
//! code. All logic lives in the library.

use citecheck::cli::{Cli, Command};
use citecheck::report::Status;
use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let config = match args.into_config(color) {
                Ok(config) => config,
                Err(e) => return fail(&e),
            };
            let report = citecheck::run::run(&config);
            if let Err(e) = citecheck::output::write_all(&report, &config) {
                return fail(&e);
            }
            match report.status(config.fail_on) {
                Status::Clean => ExitCode::SUCCESS,
                Status::Findings => ExitCode::from(1),
                Status::InputError => ExitCode::from(2),
            }
        }
    }
}

/// Print an error with its causes and exit with code 2.
#[allow(clippy::print_stderr)]
fn fail(error: &dyn std::error::Error) -> ExitCode {
    let mut message = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("{message}");
    ExitCode::from(2)
}
