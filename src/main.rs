//! The `citecheck` binary: parse arguments, run the library, set the exit
//! code. All logic lives in the library.

use citecheck::cli::Command;
use citecheck::report::Status;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let (cli, file) = match citecheck::cli::parse(std::env::args_os().collect()) {
        Ok(parsed) => parsed,
        Err(e) => return fail(&e),
    };
    match cli.command {
        Command::History(args) => match args.run() {
            Ok(text) => {
                print_out(&text);
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        Command::Cache(args) => match args.run() {
            Ok(text) => {
                print_out(&text);
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        Command::Check(args) => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let progress = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
            let mut config = match args.into_config(color, progress) {
                Ok(config) => config,
                Err(e) => return fail(&e),
            };
            if let Some(file) = &file {
                config.apply_file(file);
            }
            on_signals(&config.interrupt);
            let report = citecheck::run::run(&config);
            if !config
                .outputs
                .iter()
                .any(|o| o.path.is_none() && o.format == citecheck::config::ReportFormat::Terminal)
                && config.show < citecheck::model::Severity::Error
            {
                summary_to_stderr(&report);
            }
            if let Err(e) = citecheck::output::write_all(&report, &config) {
                return fail(&e);
            }
            let code = match report.status(config.fail_on) {
                Status::Clean => ExitCode::SUCCESS,
                Status::Findings => ExitCode::from(1),
                Status::InputError => ExitCode::from(2),
                Status::Interrupted => ExitCode::from(130),
            };
            // The process ends here: freeing a large report piece by piece
            // would only delay the exit.
            std::mem::forget(report);
            code
        }
    }
}

/// Ctrl-C or SIGTERM once: finish gracefully (the report is still
/// written, exit code 130). Twice: leave at once, removing any report
/// file being written.
#[allow(clippy::print_stderr)]
fn on_signals(interrupt: &std::sync::Arc<citecheck::interrupt::Interrupt>) {
    use citecheck::interrupt::{GRACE, Signal};
    let interrupt = interrupt.clone();
    let installed = ctrlc::set_handler(move || match interrupt.signal(GRACE) {
        Signal::First => eprintln!(
            "interrupted: no new requests; those in flight have {} s; Ctrl-C again to quit at once",
            GRACE.as_secs()
        ),
        Signal::Again => {
            citecheck::output::remove_partial_files();
            std::process::exit(130);
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: cannot handle interrupts ({e}); Ctrl-C ends the run without a report");
    }
}

/// One summary line on standard error when standard output carries no
/// terminal report.
#[allow(clippy::print_stderr)]
fn summary_to_stderr(report: &citecheck::report::Report) {
    for notice in &report.notices {
        eprintln!("note: {notice}");
    }
    eprintln!("{}", citecheck::report::terminal::summary_line(report));
}

#[allow(clippy::print_stdout)]
fn print_out(text: &str) {
    print!("{text}");
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

/// mimalloc: a rerun from the cache allocates and frees hundreds of
/// thousands of small records; glibc's allocator made that a third slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
