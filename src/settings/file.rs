//! `citecheck.toml`: every `citecheck check` option under its long name
//! (`host-concurrency = 4`, `exclude = ["^mailto:"]`, `format =
//! ["terminal", "json=report.json"]`, `paths = ["memos/"]`), plus what the
//! command line cannot say:
//!
//! ```toml
//! fail-on = "warning"
//!
//! [severity]          # the severity of a verdict
//! redirected = "error"
//!
//! [hosts."example.org"]   # that host and its subdomains
//! concurrency = 1
//! interval = "1s"
//! accept = "200-299,403"
//! headers = { Authorization = "Bearer ${EXAMPLE_TOKEN}" }
//! ```
//!
//! The options become command-line arguments placed before the real ones,
//! so clap checks them and the command line overrides the file (a list
//! given on the command line replaces the file's). Each value is checked
//! here with the option's own parser, so a bad value or an unknown key is
//! an error naming the file, line and key.

use crate::error::Error;
use crate::fetch::HostSettings;
use crate::model::{Severity, Verdict};
use crate::settings::{Accept, Config};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The file looked for in the working directory.
pub const FILE_NAME: &str = "citecheck.toml";

/// What a configuration file says.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    /// Options, as command-line arguments (`--host-concurrency`, `4`).
    pub args: Vec<OsString>,
    /// Memo paths, used when the command line gives none.
    pub paths: Vec<OsString>,
    /// Severities by verdict.
    pub severity: HashMap<Verdict, Severity>,
    /// Settings by host name.
    pub hosts: Vec<(String, HostSettings)>,
}

impl FileConfig {
    /// Give `config` what the file adds beyond the options: severities and
    /// per-host settings.
    pub fn apply(&self, config: &mut Config) {
        config
            .checks
            .severity
            .extend(self.severity.iter().map(|(v, s)| (*v, *s)));
        for (host, settings) in &self.hosts {
            config.fetch.hosts.insert(host.clone(), settings.clone());
        }
    }
}

/// Read and parse a configuration file for the `check` command.
pub fn read(path: &Path, check: &clap::Command) -> Result<FileConfig, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigRead {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path, check, &|name| std::env::var(name).ok())
}

/// Parse a configuration file's text. `check` is the `check` command (its
/// options are the keys); `env` looks up environment variables.
pub fn parse(
    text: &str,
    path: &Path,
    check: &clap::Command,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<FileConfig, Error> {
    let err = |span: std::ops::Range<usize>, key: &str, message: String| Error::Config {
        path: path.to_owned(),
        line: line_of(text, span.start),
        key: key.to_owned(),
        message,
    };
    let table = DeTable::parse(text)
        .map_err(|e| err(e.span().unwrap_or(0..0), "", e.message().trim().to_owned()))?;
    let mut config = FileConfig::default();
    for (key, value) in table.get_ref() {
        let name = key.get_ref().as_ref();
        let span = value.span();
        match name {
            "severity" => config.severity = severities(value, text, path)?,
            "hosts" => config.hosts = hosts(value, text, path, env)?,
            "paths" => {
                config.paths = strings(value)
                    .ok_or_else(|| err(span, name, "expected a list of paths".into()))?
                    .into_iter()
                    .map(OsString::from)
                    .collect();
            }
            _ => {
                let arg = check
                    .get_arguments()
                    .find(|a| a.get_long() == Some(name) && name != "config")
                    .ok_or_else(|| {
                        let longs = check
                            .get_arguments()
                            .filter_map(clap::Arg::get_long)
                            .filter(|l| *l != "config");
                        let known: Vec<&str> = longs.chain(SECTIONS.iter().copied()).collect();
                        err(key.span(), name, unknown_key(name, &known))
                    })?;
                let flag = format!("--{name}");
                if matches!(arg.get_action(), clap::ArgAction::SetTrue) {
                    match value.get_ref() {
                        DeValue::Boolean(true) => config.args.push(flag.into()),
                        DeValue::Boolean(false) => {}
                        _ => return Err(err(span, name, "expected true or false".into())),
                    }
                    continue;
                }
                let values = match value.get_ref() {
                    DeValue::Array(_) if matches!(arg.get_action(), clap::ArgAction::Append) => {
                        strings(value)
                    }
                    _ => scalar(value.get_ref()).map(|v| vec![v]),
                }
                .ok_or_else(|| err(span.clone(), name, "expected a value".into()))?;
                for v in values {
                    // The option's own parser says whether the value works.
                    let parsed = check.clone().no_binary_name(true).try_get_matches_from([
                        flag.as_str(),
                        v.as_str(),
                        "memo.txt",
                    ]);
                    if let Err(e) = parsed {
                        let why = e.to_string();
                        let why = why
                            .lines()
                            .next()
                            .unwrap_or_default()
                            .trim_start_matches("error: ");
                        return Err(err(span.clone(), name, why.to_owned()));
                    }
                    config.args.push(flag.clone().into());
                    config.args.push(v.into());
                }
            }
        }
    }
    Ok(config)
}

/// 1-based line of a byte offset.
/// The file's own sections, beside the options.
const SECTIONS: &[&str] = &["severity", "hosts", "paths"];

/// The keys of a `[hosts."…"]` table.
const HOST_KEYS: &[&str] = &["concurrency", "interval", "accept", "headers"];

/// "unknown key" with the key meant, when one is close (`fail_on` for
/// `fail-on`, `host-concurency`), else the keys there are.
fn unknown_key(name: &str, known: &[&str]) -> String {
    let hyphenated = name.replace('_', "-");
    let close = known
        .iter()
        .map(|k| (strsim::jaro_winkler(&hyphenated, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match close {
        Some((_, meant)) => format!("unknown key {name:?}: did you mean {meant:?}?"),
        None => {
            let mut sorted = known.to_vec();
            sorted.sort_unstable();
            format!("unknown key {name:?} (the keys: {})", sorted.join(", "))
        }
    }
}

fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    1 + text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
}

fn scalar(value: &DeValue<'_>) -> Option<String> {
    match value {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(i) => Some(i.as_str().replace('_', "")),
        DeValue::Float(f) => Some(f.as_str().replace('_', "")),
        DeValue::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(value: &Spanned<DeValue<'_>>) -> Option<Vec<String>> {
    match value.get_ref() {
        DeValue::Array(items) => items.iter().map(|v| scalar(v.get_ref())).collect(),
        other => scalar(other).map(|v| vec![v]),
    }
}

fn table<'a, 'i>(
    value: &'a Spanned<DeValue<'i>>,
    text: &str,
    path: &Path,
    key: &str,
) -> Result<&'a DeTable<'i>, Error> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        _ => Err(Error::Config {
            path: path.to_owned(),
            line: line_of(text, value.span().start),
            key: key.to_owned(),
            message: "expected a table".into(),
        }),
    }
}

fn severities(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    path: &Path,
) -> Result<HashMap<Verdict, Severity>, Error> {
    let mut out = HashMap::new();
    for (key, v) in table(value, text, path, "severity")? {
        let name = key.get_ref().as_ref();
        let full = format!("severity.{name}");
        let known = Verdict::by_name(name);
        let fail = |message: String| Error::Config {
            path: path.to_owned(),
            line: line_of(text, v.span().start),
            key: full.clone(),
            message,
        };
        let Some(verdict) = known else {
            return Err(Error::Config {
                path: path.to_owned(),
                line: line_of(text, key.span().start),
                key: full.clone(),
                message: {
                    let names = crate::model::LinkVerdict::ALL
                        .iter()
                        .map(|v| v.name())
                        .chain(crate::model::QuoteVerdict::ALL.iter().map(|v| v.name()));
                    let names: Vec<&str> = names.collect();
                    match unknown_key(name, &names).split_once(": did you mean ") {
                        Some((_, meant)) => {
                            format!("{name:?} is not a verdict: did you mean {meant}")
                        }
                        None => format!(
                            "{name:?} is not a verdict (the verdicts: {})",
                            names.join(", ")
                        ),
                    }
                },
            });
        };
        let severity = match scalar(v.get_ref()).as_deref() {
            Some("error") => Severity::Error,
            Some("warning") => Severity::Warning,
            Some("info") => Severity::Info,
            _ => return Err(fail("expected \"error\", \"warning\" or \"info\"".into())),
        };
        out.insert(verdict, severity);
    }
    Ok(out)
}

fn hosts(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, HostSettings)>, Error> {
    let mut out = Vec::new();
    for (host, settings) in table(value, text, path, "hosts")? {
        let host = host.get_ref().to_ascii_lowercase();
        let mut parsed = HostSettings::default();
        for (key, v) in table(settings, text, path, &format!("hosts.{host}"))? {
            let name = key.get_ref().as_ref();
            let full = format!("hosts.{host}.{name}");
            let fail = |message: String| Error::Config {
                path: path.to_owned(),
                line: line_of(text, v.span().start),
                key: full.clone(),
                message,
            };
            let value = scalar(v.get_ref());
            match name {
                "concurrency" => {
                    parsed.concurrency = Some(
                        value
                            .and_then(|n| n.parse::<usize>().ok())
                            .filter(|n| *n > 0)
                            .ok_or_else(|| fail("expected a number of at least 1".into()))?,
                    );
                }
                "interval" => {
                    let text = value.ok_or_else(|| fail("expected a duration".into()))?;
                    parsed.interval = Some(
                        crate::settings::values::duration(&text)
                            .map_err(|e| fail(e.to_string()))?,
                    );
                }
                "accept" => {
                    let text = value.ok_or_else(|| fail("expected a list of statuses".into()))?;
                    parsed.accept = Some(Accept::parse(&text).map_err(|e| fail(e.to_string()))?);
                }
                "headers" => {
                    for (header, hv) in table(v, text, path, &full)? {
                        let header = header.get_ref().to_string();
                        let raw = scalar(hv.get_ref())
                            .ok_or_else(|| fail(format!("header {header:?} needs a string")))?;
                        let value = substitute(&raw, env).map_err(|e| fail(e.to_string()))?;
                        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err()
                            || reqwest::header::HeaderValue::from_str(&value).is_err()
                        {
                            return Err(fail(format!("{header:?} is not a usable header")));
                        }
                        parsed.headers.push((header, value));
                    }
                }
                _ => {
                    return Err(Error::Config {
                        path: path.to_owned(),
                        line: line_of(text, key.span().start),
                        key: full.clone(),
                        message: unknown_key(name, HOST_KEYS),
                    });
                }
            }
        }
        out.push((host, parsed));
    }
    Ok(out)
}

/// `${NAME}` replaced by the environment variable, which must be set.
fn substitute(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, super::ValueError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find('}')
            .ok_or(super::ValueError::UnclosedVariable)?;
        let name = &rest[at + 2..at + end];
        let value = env(name).ok_or_else(|| super::ValueError::UnsetVariable(name.to_owned()))?;
        out.push_str(&value);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The configuration file for a run: `--config FILE` if given among
/// `args` (the `check` arguments), else `citecheck.toml` in `dir` when it
/// exists.
pub fn locate(args: &[OsString], dir: &Path) -> Option<PathBuf> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let arg = arg.to_string_lossy();
        if arg == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
        if arg == "--" {
            break;
        }
    }
    let default = dir.join(FILE_NAME);
    default.is_file().then_some(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::time::Duration;

    fn check() -> clap::Command {
        crate::cli::Cli::command()
            .find_subcommand("check")
            .unwrap()
            .clone()
    }

    fn parse_text(text: &str) -> Result<FileConfig, Error> {
        let env = |name: &str| (name == "TOKEN").then(|| "s3cret".to_owned());
        parse(text, Path::new("citecheck.toml"), &check(), &env)
    }

    #[test]
    fn options_become_arguments() {
        let c = parse_text(
            "host-concurrency = 4\nhost-interval = \"250ms\"\nallow-private = true\n\
             offline = false\nexclude = [\"^mailto:\", \"internal\"]\n\
             format = [\"terminal\", \"json=r.json\"]\nquote-threshold = 0.9\n\
             paths = [\"memos/\"]\nfail-on = \"warning\"\narchive-budget = \"30s\"\n\
             memento-archive = [\"https://arquivo.pt/wayback/timemap/link/\", \
             \"https://webarchive.loc.gov/all/timemap/link/\"]\n",
        )
        .unwrap();
        let args: Vec<String> = c.args.iter().map(|a| a.to_string_lossy().into()).collect();
        assert_eq!(
            args,
            [
                "--allow-private",
                "--archive-budget",
                "30s",
                "--exclude",
                "^mailto:",
                "--exclude",
                "internal",
                "--fail-on",
                "warning",
                "--format",
                "terminal",
                "--format",
                "json=r.json",
                "--host-concurrency",
                "4",
                "--host-interval",
                "250ms",
                "--memento-archive",
                "https://arquivo.pt/wayback/timemap/link/",
                "--memento-archive",
                "https://webarchive.loc.gov/all/timemap/link/",
                "--quote-threshold",
                "0.9"
            ]
        );
        assert_eq!(c.paths, [OsString::from("memos/")]);
    }

    #[test]
    fn a_shared_store_is_set_in_the_file_and_checked_as_an_option() {
        let c = parse_text(
            "store = \"postgres://ci@db.example.org/citecheck?sslmode=require\"\n\
             claim-ttl = \"90s\"\n",
        )
        .unwrap();
        let args: Vec<String> = c.args.iter().map(|a| a.to_string_lossy().into()).collect();
        assert_eq!(
            args,
            [
                "--claim-ttl",
                "90s",
                "--store",
                "postgres://ci@db.example.org/citecheck?sslmode=require"
            ]
        );
        let Err(Error::Config { message, .. }) = parse_text("store = \"/var/cache/citecheck\"\n")
        else {
            panic!("a store that is no postgres:// URL is refused");
        };
        assert!(message.contains("postgres://"), "{message}");
    }

    #[test]
    fn severities_and_hosts() {
        let c = parse_text(
            "[severity]\nredirected = \"error\"\napproximate = \"info\"\n\n\
             [hosts.\"Example.org\"]\nconcurrency = 1\ninterval = \"1s\"\naccept = \"200-299,403\"\n\
             headers = { Authorization = \"Bearer ${TOKEN}\" }\n",
        )
        .unwrap();
        let severity = |name: &str| c.severity[&Verdict::by_name(name).unwrap()];
        assert_eq!(severity("redirected"), Severity::Error);
        assert_eq!(severity("approximate"), Severity::Info);
        let (host, s) = &c.hosts[0];
        assert_eq!(host, "example.org");
        assert_eq!(s.concurrency, Some(1));
        assert_eq!(s.interval, Some(Duration::from_secs(1)));
        assert!(s.accept.as_ref().unwrap().contains(403));
        assert_eq!(
            s.headers,
            [("Authorization".to_owned(), "Bearer s3cret".to_owned())]
        );
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let cases = [
            ("offline = true\nbogus = 1\n", 2, "bogus", "unknown key"),
            ("\n\nhost-interval = \"soon\"\n", 3, "host-interval", "soon"),
            ("max-retries = -1\n", 1, "max-retries", ""),
            (
                "allow-private = \"yes\"\n",
                1,
                "allow-private",
                "true or false",
            ),
            (
                "[severity]\nbroken = \"fatal\"\n",
                2,
                "severity.broken",
                "expected",
            ),
            (
                "[severity]\nfine = \"error\"\n",
                2,
                "severity.fine",
                "not a verdict",
            ),
            (
                "[hosts.a]\nheaders = { X = \"${NOPE}\" }\n",
                2,
                "hosts.a.headers",
                "NOPE",
            ),
            ("[hosts.a]\nspeed = 3\n", 2, "hosts.a.speed", "unknown key"),
            ("format = [\"yaml\"]\n", 1, "format", "yaml"),
            ("offline = \n", 1, "", ""),
        ];
        for (text, line, key, fragment) in cases {
            let e = parse_text(text).unwrap_err();
            let Error::Config {
                line: l,
                key: k,
                message,
                path,
            } = &e
            else {
                panic!("{text:?}: {e}");
            };
            assert_eq!((*l, k.as_str()), (line, key), "{text:?}: {e}");
            assert!(message.contains(fragment), "{text:?}: {e}");
            assert_eq!(path, Path::new("citecheck.toml"));
            assert!(
                e.to_string().starts_with(&format!("citecheck.toml:{line}")),
                "{e}"
            );
        }
    }

    #[test]
    fn the_config_option_or_the_file_in_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            locate(&args(&["--config", "x.toml", "m.txt"]), dir.path()),
            Some(PathBuf::from("x.toml"))
        );
        assert_eq!(
            locate(&args(&["--config=y.toml"]), dir.path()),
            Some(PathBuf::from("y.toml"))
        );
        assert_eq!(locate(&args(&["m.txt"]), dir.path()), None);
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(
            locate(&args(&["m.txt"]), dir.path()),
            Some(dir.path().join(FILE_NAME))
        );
    }
}
