//! The `citecheck` binary: parse arguments, run the command, print what
//! it hands back, set the exit code. All logic lives in the library.

use citecheck::cli::Command;
use citecheck::command::{self, Exit, check::Terminal};
use citecheck::interrupt::{GRACE, Interrupt, Signal};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    no_huge_pages();
    let (cli, file) = match citecheck::cli::parse(std::env::args_os().collect()) {
        Ok(parsed) => parsed,
        Err(e) => return fail(&e),
    };
    let text = match cli.command {
        Command::History(args) => command::history::run(&args),
        Command::Cache(args) => command::cache::run(&args),
        Command::Fix(args) => {
            let interrupt = Interrupt::new();
            on_signals(&interrupt);
            return match command::fix::run(*args, file.as_ref(), terminal(), &interrupt) {
                Ok(fixed) => {
                    print_bytes(&fixed.diff);
                    for line in &fixed.checked.stderr {
                        print_err(line);
                    }
                    ExitCode::from(fixed.checked.exit.code())
                }
                Err(e) => fail(&e),
            };
        }
        Command::Merge(args) => {
            return match command::merge::run(&args, terminal()) {
                Ok(merged) => {
                    for line in &merged.stderr {
                        print_err(line);
                    }
                    ExitCode::from(merged.exit.code())
                }
                Err(e) => fail(&e),
            };
        }
        Command::Check(args) => {
            let interrupt = Interrupt::new();
            on_signals(&interrupt);
            return match command::check::run(*args, file.as_ref(), terminal(), &interrupt) {
                Ok(checked) => {
                    for line in &checked.stderr {
                        print_err(line);
                    }
                    // The process ends now: freeing a large report piece
                    // by piece would only delay the exit.
                    std::mem::forget(checked.report);
                    ExitCode::from(checked.exit.code())
                }
                Err(e) => fail(&e),
            };
        }
    };
    match text {
        Ok(text) => {
            print_out(&text);
            ExitCode::from(Exit::Clean.code())
        }
        Err(e) => fail(&e),
    }
}

/// What this process's terminals take.
fn terminal() -> Terminal {
    Terminal {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        progress: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
    }
}

/// Ctrl-C or SIGTERM once: finish gracefully (the report is still
/// written, exit code 130). Twice: leave at once, removing any report
/// file being written.
fn on_signals(interrupt: &Arc<Interrupt>) {
    let interrupt = interrupt.clone();
    let installed = ctrlc::set_handler(move || match interrupt.signal(GRACE) {
        Signal::First => print_err(&format!(
            "interrupted: no new requests; those in flight have {} s; Ctrl-C again to quit at once",
            GRACE.as_secs()
        )),
        Signal::Again => {
            citecheck::command::output::remove_partial_files();
            std::process::exit(i32::from(Exit::Interrupted.code()));
        }
    });
    if let Err(e) = installed {
        print_err(&format!(
            "warning: cannot handle interrupts ({e}); Ctrl-C ends the run without a report"
        ));
    }
}

/// Bytes to standard output as they are (a diff in a memo's encoding).
fn print_bytes(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}

#[allow(clippy::print_stdout)]
fn print_out(text: &str) {
    print!("{text}");
}

#[allow(clippy::print_stderr)]
fn print_err(line: &str) {
    eprintln!("{line}");
}

/// Print an error with its causes and exit with code 2.
fn fail(error: &dyn std::error::Error) -> ExitCode {
    let mut message = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    print_err(&message);
    ExitCode::from(Exit::Trouble.code())
}

/// Transparent huge pages off for the process (and the browser it may
/// start): mimalloc asks for them on its arenas, and a huge page is
/// resident whole however little of it is used. On the whole-run
/// benchmark the peak fell from about 72 MB to 58 MB at the same speed.
/// Where the kernel refuses, nothing changes but the memory.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// mimalloc: a rerun from the cache allocates and frees hundreds of
/// thousands of small records; glibc's allocator made that a third slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
