//! The configuration loader: any text is a configuration or an error
//! naming a line, never a panic.
#![no_main]

use clap::CommandFactory;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let command = citecheck::cli::Cli::command();
    let check = command.find_subcommand("check").expect("check exists");
    let path = std::path::Path::new("citecheck.toml");
    if let Err(citecheck::error::Error::Config { line, .. }) =
        citecheck::settings::file::parse(text, path, check, &|_| Some("x".to_owned()))
    {
        assert!(line >= 1 && line as usize <= text.lines().count().max(1) + 1);
    }
});
