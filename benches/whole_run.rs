//! Whole-run benchmark: citecheck against lychee on the same loopback run.
//!
//! `cargo bench --bench whole_run` writes 5,000 HTML pages of about 18 KB,
//! serves them with a small static file server of its own (HTTP/1.1,
//! keep-alive) on 127.0.0.1 to 127.0.0.50, writes one memo citing each page
//! with a fragment (1% of the fragments are missing and 1% of the pages are
//! 404, so both tools must find 100 problems), then runs the release
//! `citecheck` binary and, when it is on the `PATH` (or named by
//! `LYCHEE`), `lychee` with the same concurrency settings. Each tool runs
//! `BENCH_RUNS` times (default 3); the median wall time and the highest peak
//! resident memory are printed as a Markdown table. Peak memory comes from
//! `/usr/bin/time -f %M` when it exists, else from sampling `VmHWM`.
//!
//! `BENCH_PAGES` changes the number of pages. With `BENCH_MEMOS` above 1
//! it runs the scale benchmark instead: the URLs spread over that many
//! memo files, pages made by the server on request, one citecheck run
//! (`BENCH_PAGES=100000 BENCH_MEMOS=10000`: 10,000 memos, 100,000 URLs).
//!
//! With `BENCH_FLEET` set as well (`bash scripts/bench-fleet.sh`, which
//! starts a throwaway PostgreSQL cluster and names it in
//! `CITECHECK_TEST_PG`), the same workload runs as one process on the
//! SQLite store against four `--shard K/4` processes at once sharing one
//! PostgreSQL store (a new database each run), and against four whole
//! runs at once sharing it (four CI jobs over the same memos),
//! alternating, `BENCH_RUNS` times (default 3); requests are counted at
//! the server. With `BENCH_LATENCY=LOW-HIGH` (the script's default:
//! 50-300 ms on `BENCH_HOSTS=250` hosts) each page is answered after a wait
//! of its own, the processes run with the default politeness, and only one
//! process and four shards are compared: the run fails unless the shards
//! take at most 0.3× one process's time. The server counts the probes
//! (requests for paths that are no page) and the most requests any host
//! answered at once.
//!
//! Limits: with lychee measured, the run fails (exit code 1) unless
//! citecheck checks at least 2× lychee's URLs per second at no more than
//! 25% of its peak memory (medians of the alternating runs). The scale
//! run prints its peak in bytes per URL and fails when the peak passes
//! 48 MiB + 1,080 bytes per URL (`BENCH_PEAK_LIMIT_MIB` sets another).
//!
//! `BENCH_KEEP=1` leaves the pages, memo and cache behind; `BENCH_HOLD=1`
//! prints the two tools' commands and keeps the server up until stopped
//! (for profiling one run by hand).

#![allow(clippy::print_stdout)] // a benchmark reports on standard output

mod common;

use common::{Site, env_number, hosts, measure, median, start_server};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

/// Pages made on each request (for runs too large to hold), the ones
/// `missing` left out, answered after `latency`.
fn made_site(missing: fn(usize) -> bool, latency: Option<(u64, u64)>) -> Site {
    common::site_after(latency, move |path| {
        let i: usize = path
            .strip_prefix("/p/")?
            .strip_suffix(".html")?
            .parse()
            .ok()?;
        (!missing(i)).then(|| Arc::from(page(i).into_bytes()))
    })
}

/// The files of a directory, read into memory, served under `/p/`.
fn load_site(root: &Path) -> Site {
    let mut files: HashMap<String, Arc<[u8]>> = HashMap::new();
    for entry in std::fs::read_dir(root).expect("read the page directory") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(&path).expect("read page");
        files.insert(format!("/p/{name}"), Arc::from(body));
    }
    common::site(move |path| files.get(path).cloned())
}

/// One page of about 18 KB with headings that carry ids.
fn page(index: usize) -> String {
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Report {index}</title><style>body{{font-family:serif}}</style>\
         <script>var page = {index};</script></head><body><header><nav>\
         <a href=\"/\">Home</a> <a href=\"/about\">About</a></nav></header><main>\
         <h1>Report number {index}</h1>"
    );
    let mut section = 0;
    while html.len() < 18_000 {
        html.push_str(&format!(
            "<h2 id=\"section-{section}\">Section {section}</h2><p>Paragraph {section} of \
             report {index}: the committee heard <em>evidence</em> on energy security, \
             supply chains and the <a href=\"#note-{section}\">cost</a> of delay. \
             Officials said that 40 percent of the budget had been spent by March.</p>\
             <p id=\"note-{section}\">Note {section}. Witnesses disagreed on the timing \
             of the next review, and on whether the targets were still within reach.</p>"
        ));
        section += 1;
    }
    html.push_str("</main><footer>© The Institute</footer></body></html>");
    html
}

/// The row of the median wall time among single runs, with the highest
/// peak memory of them all.
fn median_row(mut rows: Vec<Row>) -> Row {
    let peak_kib = rows.iter().filter_map(|r| r.peak_kib).max();
    rows.sort_by_key(|row| row.wall);
    let mut row = rows.swap_remove(rows.len() / 2);
    row.peak_kib = peak_kib;
    row
}

/// What `lychee --version` says.
fn lychee_version(lychee: &Path) -> String {
    Command::new(lychee)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|_| "lychee".to_owned())
}

fn find_lychee() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LYCHEE") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("lychee"))
            .find(|p| p.is_file())
    })
}

/// Count citecheck's link verdicts from its JSON report.
fn citecheck_counts(stdout: &[u8]) -> HashMap<String, u64> {
    let report: serde_json::Value = serde_json::from_slice(stdout).expect("citecheck JSON report");
    report["summary"]["links_by_verdict"]
        .as_object()
        .expect("links_by_verdict")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect()
}

/// lychee's total and error counts from its JSON output.
fn lychee_counts(stdout: &[u8]) -> (u64, u64) {
    let report: serde_json::Value = serde_json::from_slice(stdout).unwrap_or_default();
    (
        report["total"].as_u64().unwrap_or(0),
        report["errors"].as_u64().unwrap_or(0),
    )
}

struct Row {
    tool: String,
    urls: usize,
    wall: Duration,
    peak_kib: Option<u64>,
}

/// One row of the results table.
fn print_row(row: &Row) {
    let secs = row.wall.as_secs_f64();
    println!(
        "| {} | {} | {:.2} s | {:.0} | {} |",
        row.tool,
        row.urls,
        secs,
        row.urls as f64 / secs,
        row.peak_kib.map_or("unknown".to_owned(), |k| format!(
            "{:.1} MB",
            k as f64 / 1024.0
        )),
    );
}

/// Run a tool `runs` times, checking each run's output with `check`.
fn run_tool(
    tool: String,
    program: &Path,
    args: &str,
    runs: usize,
    urls: usize,
    dir: &Path,
    check: impl Fn(&[u8]),
) -> Row {
    let args: Vec<String> = args.split_whitespace().map(String::from).collect();
    let mut walls = Vec::new();
    let mut peak_kib = None;
    for _ in 0..runs {
        let m = measure(program, &args, dir);
        check(&m.stdout);
        walls.push(m.wall);
        peak_kib = peak_kib.max(m.peak_kib);
    }
    Row {
        tool,
        urls,
        wall: median(walls),
        peak_kib,
    }
}

/// One line per page `i`: its URL on its host, with a fragment (one that
/// is missing for 1% of them).
fn cite(out: &mut impl Write, pages: impl Iterator<Item = usize>, port: u16) {
    for i in pages {
        let host = 1 + (i % usize::from(hosts()));
        let anchor = if missing_anchor(i) {
            "no-such-section".to_owned()
        } else {
            format!("section-{}", i % 7)
        };
        writeln!(
            out,
            "[{i}] http://127.0.0.{host}:{port}/p/{i}.html#{anchor}"
        )
        .unwrap();
    }
}

/// The expected problems: 404 pages and missing fragments.
fn expected_problems(pages: usize) -> u64 {
    (0..pages)
        .filter(|&i| missing_page(i) || missing_anchor(i))
        .count() as u64
}

fn missing_page(i: usize) -> bool {
    i % 100 == 37
}

fn missing_anchor(i: usize) -> bool {
    i % 100 == 73
}

/// The scale workload: `memos` memo files in a temporary folder's
/// `memos/` citing `pages` distinct URLs, served by pages made on request.
struct Workload {
    temp: tempfile::TempDir,
    site: Site,
    port: u16,
    /// The problems citecheck must find: 404s and missing fragments.
    expected: u64,
}

fn workload(pages: usize, memos: usize) -> Workload {
    let temp = tempfile::tempdir().expect("temporary directory");
    let site = made_site(missing_page, latency());
    let port = start_server(site.clone());
    let dir = temp.path().join("memos");
    std::fs::create_dir(&dir).unwrap();
    write_memos(&dir, pages, memos, port);
    Workload {
        temp,
        site,
        port,
        expected: expected_problems(pages),
    }
}

/// `memos` memo files in `dir` that cite `pages` distinct URLs between
/// them, each URL once.
fn write_memos(dir: &Path, pages: usize, memos: usize, port: u16) {
    for m in 0..memos {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(dir.join(format!("memo-{m:05}.txt"))).unwrap(),
        );
        writeln!(out, "Memo {m}. Sources:\n").unwrap();
        cite(&mut out, (m..pages).step_by(memos), port);
    }
}

/// The options every process of the fleet benchmark runs with.
const FLEET_OPTIONS: &str = "--host-concurrency 8 --host-interval 0 --max-concurrency 128 \
                             --no-archive --allow-private -q";

/// The options of the fleet benchmark on a web with latency: the
/// default politeness (2 requests at once per host, 100 ms apart, 64 in
/// all).
const REALISTIC_OPTIONS: &str = "--no-archive --allow-private -q";

/// `BENCH_LATENCY=LOW-HIGH` (milliseconds): the server answers each page
/// after a wait in that range (the same for a page every time).
fn latency() -> Option<(u64, u64)> {
    let value = std::env::var("BENCH_LATENCY").ok()?;
    let (low, high) = value.split_once('-')?;
    let (low, high) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
    (low <= high).then_some((low, high))
}

/// The fleet benchmark (see the module's doc): one process on SQLite,
/// four shards sharing PostgreSQL, four whole runs sharing PostgreSQL.
fn fleet(pages: usize, memos: usize) {
    let server = std::env::var("CITECHECK_TEST_PG")
        .expect("CITECHECK_TEST_PG: run it with `bash scripts/bench-fleet.sh`");
    let runs = env_number("BENCH_RUNS", 3).max(1);
    let Workload {
        temp,
        site,
        port,
        expected,
    } = workload(pages, memos);
    let base = temp.path();
    let last_host = hosts();
    println!(
        "fleet benchmark: {memos} memos citing {pages} distinct URLs on \
         127.0.0.1-127.0.0.{last_host}:{port}, {expected} expected problems, {runs} runs each"
    );
    let citecheck = PathBuf::from(env!("CARGO_BIN_EXE_citecheck"));
    let mut databases = 0;
    let mut new_database = || {
        databases += 1;
        let name = format!("citecheck_bench_{}_{databases}", std::process::id());
        let status = Command::new("psql")
            .args([
                server.as_str(),
                "-q",
                "-c",
                &format!("CREATE DATABASE {name}"),
            ])
            .status()
            .expect("psql runs");
        assert!(status.success(), "cannot create the database {name}");
        let mut url = url::Url::parse(&server).unwrap();
        url.set_path(&name);
        url.to_string()
    };
    // Each process's JSON report; the verdicts over all memos must be
    // the expected ones (a whole run's alone, the shards' merged).
    let check = |reports: &[PathBuf]| {
        let mut bad = 0;
        let mut fine = 0;
        let mut seen = 0;
        for report in reports {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(report).expect("a report"))
                    .expect("a JSON report");
            let counts = &json["summary"]["links_by_verdict"];
            let count = |v: &str| counts[v].as_u64().unwrap_or(0);
            bad += count("broken") + count("anchor_missing");
            fine += count("ok");
            seen += json["memos"].as_array().unwrap().len();
        }
        (bad, fine, seen)
    };
    type Variant = (&'static str, usize, bool);
    let mut variants: Vec<Variant> = vec![
        ("one process, SQLite store", 1, false),
        (
            "4 shards at once (`--shard K/4`), one PostgreSQL store",
            4,
            true,
        ),
        ("4 whole runs at once, one PostgreSQL store", 4, false),
    ];
    // On a web with latency, the question is what shards gain.
    let realistic = site.latency.is_some();
    let options = if realistic {
        variants.truncate(2);
        REALISTIC_OPTIONS
    } else {
        FLEET_OPTIONS
    };
    let mut results: Vec<FleetRuns> = vec![FleetRuns::default(); variants.len()];
    for run in 0..runs {
        for (v, &(name, processes, sharded)) in variants.iter().enumerate() {
            let store: Vec<String> = if processes == 1 {
                let cache = base.join(format!("cache-{run}"));
                vec!["--cache-dir".into(), cache.display().to_string()]
            } else {
                vec!["--store".into(), new_database()]
            };
            use std::sync::atomic::Ordering::Relaxed;
            let served = site.served.load(Relaxed);
            let other = site.other.load(Relaxed);
            for most in &site.most_in_flight {
                most.store(0, Relaxed);
            }
            let began = std::time::Instant::now();
            let children: Vec<(std::process::Child, PathBuf)> = (1..=processes)
                .map(|k| {
                    let report = base.join(format!("report-{v}-{k}.json"));
                    let mut cmd = Command::new(&citecheck);
                    cmd.current_dir(base)
                        .args(["check", "memos"])
                        .args(options.split_whitespace())
                        .args(&store)
                        .arg("-f")
                        .arg(format!("json={}", report.display()));
                    if sharded {
                        cmd.args(["--shard", &format!("{k}/{processes}")]);
                    }
                    let child = cmd
                        .stdout(std::process::Stdio::null())
                        .spawn()
                        .expect("citecheck starts");
                    (child, report)
                })
                .collect();
            let reports: Vec<PathBuf> = children
                .into_iter()
                .map(|(mut child, report)| {
                    child.wait().expect("citecheck ends");
                    report
                })
                .collect();
            let wall = began.elapsed();
            let requests = site.served.load(Relaxed) - served;
            let probes = site.other.load(Relaxed) - other;
            let most = site.most_in_flight_per_host();
            let (bad, fine, seen) = check(&reports);
            let whole = if sharded { 1 } else { processes as u64 };
            assert_eq!(
                (bad, fine, seen),
                (
                    expected * whole,
                    (pages as u64 - expected) * whole,
                    memos * whole as usize
                ),
                "{name}: wrong verdicts"
            );
            println!(
                "run {}: {name}: {:.1} s, {requests} requests ({probes} probes), \
                 at most {most} at once per host",
                run + 1,
                wall.as_secs_f64()
            );
            let runs = &mut results[v];
            runs.walls.push(wall);
            runs.requests.push(requests);
            runs.probes.push(probes);
            runs.most = runs.most.max(most);
        }
    }
    println!(
        "\n| processes | URLs checked | median wall time | URLs per second | requests (median) \
         | probes (median) | most at once per host |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut walls = Vec::new();
    for ((name, processes, sharded), mut runs) in variants.iter().zip(results) {
        let wall = median(runs.walls);
        walls.push(wall);
        runs.requests.sort_unstable();
        runs.probes.sort_unstable();
        let checked = if *sharded { pages } else { pages * processes };
        println!(
            "| {name} | {checked} | {:.1} s | {:.0} | {} | {} | {} |",
            wall.as_secs_f64(),
            checked as f64 / wall.as_secs_f64(),
            runs.requests[runs.requests.len() / 2],
            runs.probes[runs.probes.len() / 2],
            runs.most,
        );
    }
    if realistic {
        let share = walls[1].as_secs_f64() / walls[0].as_secs_f64();
        println!("\n4 shards take {share:.2}× one process's time (limit {SHARDS_SHARE}×)");
        if share > SHARDS_SHARE {
            println!("LIMIT BROKEN: 4 shards take {share:.2}× one process's time");
            std::process::exit(1);
        }
    }
}

/// On the web with latency, 4 shards must finish within this share of one
/// process's time.
const SHARDS_SHARE: f64 = 0.3;

/// What the runs of one fleet variant measured.
#[derive(Clone, Default)]
struct FleetRuns {
    walls: Vec<Duration>,
    requests: Vec<usize>,
    probes: Vec<usize>,
    most: usize,
}

/// The scale run: `pages` distinct URLs cited by `memos` memo files, pages
/// made by the server on each request. One citecheck run with a JSON
/// report to a file; its wall time, peak memory, and the server's
/// requests per second sampled every second (to show whether throughput
/// holds up from start to end).
fn scale(pages: usize, memos: usize) {
    let Workload {
        temp,
        site,
        port,
        expected,
    } = workload(pages, memos);
    let base = temp.path();
    let last_host = hosts();
    println!(
        "scale benchmark: {memos} memos citing {pages} distinct URLs on 127.0.0.1-127.0.0.{last_host}:{port}, \
         pages made on request, {expected} expected problems"
    );
    let citecheck = PathBuf::from(env!("CARGO_BIN_EXE_citecheck"));
    let args: Vec<String> =
        "check memos --host-concurrency 8 --host-interval 0 --max-concurrency 128 \
                             --no-archive --allow-private --no-cache -f json=report.json"
            .split_whitespace()
            .map(String::from)
            .collect();
    common::hold(
        base,
        &[format!("{} {}", citecheck.display(), args.join(" "))],
    );
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (site, done) = (site.clone(), done.clone());
        std::thread::spawn(move || {
            let mut rates = Vec::new();
            let mut last = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(1));
                let now = site.served.load(std::sync::atomic::Ordering::Relaxed);
                rates.push(now - last);
                last = now;
            }
            rates
        })
    };
    let m = measure(&citecheck, &args, base);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let rates = sampler.join().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(base.join("report.json")).expect("the report"))
            .expect("a JSON report");
    let counts = &report["summary"]["links_by_verdict"];
    let count = |v: &str| counts[v].as_u64().unwrap_or(0);
    assert_eq!(
        (count("broken") + count("anchor_missing"), count("ok")),
        (expected, pages as u64 - expected),
        "citecheck verdicts are wrong: {counts}"
    );
    assert_eq!(report["memos"].as_array().unwrap().len(), memos);
    // Whole seconds of the run, without the first (start-up) and the last
    // (partial) one.
    let mut steady: Vec<usize> = rates
        .iter()
        .copied()
        .skip(1)
        .take(rates.len().saturating_sub(2))
        .collect();
    steady.sort_unstable();
    println!("\n| memos | URLs | wall time | URLs per second | peak memory |");
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {memos} | {pages} | {:.1} s | {:.0} | {} |",
        m.wall.as_secs_f64(),
        pages as f64 / m.wall.as_secs_f64(),
        m.peak_kib
            .map_or("?".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0))
    );
    if let (Some(min), Some(max)) = (steady.first(), steady.last()) {
        println!(
            "\nrequests per second, second by second: {rates:?}\n\
             steady part: min {min}, median {}, max {max}",
            steady[steady.len() / 2]
        );
    }
    if let Some(peak_kib) = m.peak_kib {
        guard_memory(peak_kib * 1024, pages);
    }
}

/// The scale run's memory limit for `pages` URLs, in MiB
/// (`BENCH_PEAK_LIMIT_MIB` overrides it): 48 MiB for the process and what
/// is in flight, and 1,080 bytes per URL (measured 2026-12-08: 116 MiB
/// at 100,000 URLs in 1,000 memos, 135 MiB in 10,000, 1,011 MiB at
/// 1,000,000 in 10,000). See docs/benchmarks.md.
fn memory_limit_mib(pages: usize) -> f64 {
    std::env::var("BENCH_PEAK_LIMIT_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48.0 + 1_080.0 * pages as f64 / f64::from(1 << 20))
}

/// Print the peak's bytes per URL and fail the benchmark when the peak
/// passes its limit.
fn guard_memory(peak_bytes: u64, pages: usize) {
    let mib = peak_bytes as f64 / f64::from(1 << 20);
    let limit = memory_limit_mib(pages);
    println!(
        "\npeak memory {mib:.1} MiB, {} bytes per URL; limit {limit:.0} MiB",
        peak_bytes / pages.max(1) as u64
    );
    if mib > limit {
        println!("LIMIT BROKEN: {mib:.1} MiB of peak memory, over {limit:.0} MiB");
        std::process::exit(1);
    }
}

/// nginx serving `root` as `/p/` on every benchmark host, one worker,
/// its files under `base`; the port and the process (killed when
/// dropped).
fn start_nginx(root: &Path, base: &Path) -> (u16, NginxProcess) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let prefix = base.join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let listen: String = (1..=hosts())
        .map(|h| format!("        listen 127.0.0.{h}:{port};\n"))
        .collect();
    let user = if cfg!(unix) && std::env::var("USER").is_ok_and(|u| u == "root") {
        "user root root;\n"
    } else {
        ""
    };
    let conf = format!(
        "{user}worker_processes 1;\npid {pid};\nerror_log {log} error;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n    access_log off;\n    types {{ text/html html; }}\n\
             charset utf-8;\n    sendfile on;\n\
             client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n\
             fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n\
             scgi_temp_path {tmp}/scgi;\n\
             server {{\n{listen}        location /p/ {{ alias {root}/; }}\n    }}\n}}\n",
        pid = prefix.join("nginx.pid").display(),
        log = prefix.join("logs/error.log").display(),
        tmp = prefix.display(),
        root = root.display(),
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let nginx = ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .find(|n| Command::new(n).arg("-v").output().is_ok())
        .expect("nginx: run `bash scripts/bench-nginx.sh`, which installs it");
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf_path)
        .args(["-g", "daemon off;"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nginx starts");
    let process = NginxProcess(child);
    // Ready once every host answers.
    for h in 1..=hosts() {
        let addr = std::net::SocketAddr::from(([127, 0, 0, h], port));
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(std::time::Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    (port, process)
}

/// A running nginx, stopped when dropped.
struct NginxProcess(std::process::Child);

impl Drop for NginxProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// lychee's options for the same run as citecheck's.
const LYCHEE_ARGS: &str = "--include-fragments --host-concurrency 8 --host-request-interval 0ms \
                           --max-concurrency 128 --no-progress --format json memo.txt";

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let pages = env_number("BENCH_PAGES", 5_000);
    let memos = env_number("BENCH_MEMOS", 1);
    if std::env::var_os("BENCH_FLEET").is_some() {
        fleet(pages, memos.max(1));
        return;
    }
    if memos > 1 {
        scale(pages, memos);
        return;
    }
    let runs = env_number("BENCH_RUNS", 5).max(1);
    let temp = tempfile::tempdir().expect("temporary directory");
    // BENCH_KEEP=1 leaves the pages, memo and cache behind for profiling.
    let (base, _cleanup) = if std::env::var_os("BENCH_KEEP").is_some() {
        let kept = temp.keep();
        println!("keeping {}", kept.display());
        (kept, None)
    } else {
        (temp.path().to_owned(), Some(temp))
    };
    let root = base.as_path().join("site");
    std::fs::create_dir(&root).unwrap();
    for i in 0..pages {
        if !missing_page(i) {
            std::fs::write(root.join(format!("{i}.html")), page(i)).unwrap();
        }
    }
    // `BENCH_SERVER=nginx`: the pages served by nginx (one worker), as
    // most sites are, rather than by the benchmark's own server.
    let nginx = std::env::var("BENCH_SERVER").is_ok_and(|s| s == "nginx");
    let (port, nginx_process) = if nginx {
        let (port, child) = start_nginx(&root, &base);
        (port, Some(child))
    } else {
        (start_server(load_site(&root)), None)
    };
    let memo = base.as_path().join("memo.txt");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&memo).unwrap());
        writeln!(out, "Sources cited in this memo:\n").unwrap();
        cite(&mut out, 0..pages, port);
    }
    let expected_problems = expected_problems(pages);
    let last_host = hosts();
    println!(
        "whole-run benchmark: {pages} pages of ~{} KB on 127.0.0.1-127.0.0.{last_host}:{port} \
         served by {}, {runs} run(s) per tool, {expected_problems} expected problems",
        page(0).len() / 1024,
        if nginx {
            "nginx (one worker)"
        } else {
            "the benchmark's own server"
        }
    );

    let mut rows = Vec::new();
    let citecheck = PathBuf::from(env!("CARGO_BIN_EXE_citecheck"));
    // No archive lookups: lychee makes none, and a benchmark stays on
    // loopback. No cache for the comparison: every run fetches everything.
    let args = "check memo.txt --host-concurrency 8 --host-interval 0 --max-concurrency 128 --no-archive \
                --allow-private --format json";
    let check_verdicts = |stdout: &[u8]| {
        let counts = citecheck_counts(stdout);
        let count = |v: &str| counts.get(v).copied().unwrap_or(0);
        assert_eq!(
            (count("broken") + count("anchor_missing"), count("ok")),
            (expected_problems, pages as u64 - expected_problems),
            "citecheck verdicts are wrong: {counts:?}"
        );
    };
    common::hold(
        &base,
        &[
            format!("{} {args} --no-cache", citecheck.display()),
            format!("lychee {LYCHEE_ARGS}"),
        ],
    );
    // citecheck and lychee alternate, run after run, so that whatever
    // else the machine is doing falls on both alike.
    let lychee = find_lychee();
    let lychee_args = LYCHEE_ARGS;
    let check_lychee = |stdout: &[u8]| {
        let (total, errors) = lychee_counts(stdout);
        if total != pages as u64 || errors != expected_problems {
            println!(
                "note: lychee reported {total} links and {errors} errors \
                 (expected {pages} and {expected_problems})"
            );
        }
    };
    let ours_args = format!("{args} --no-cache");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..runs {
        ours.push(run_tool(
            format!("citecheck {}", env!("CARGO_PKG_VERSION")),
            &citecheck,
            &ours_args,
            1,
            pages,
            base.as_path(),
            check_verdicts,
        ));
        if let Some(lychee) = &lychee {
            theirs.push(run_tool(
                lychee_version(lychee),
                lychee,
                lychee_args,
                1,
                pages,
                base.as_path(),
                check_lychee,
            ));
        }
    }
    rows.push(median_row(ours));
    if theirs.is_empty() {
        println!("lychee is not on the PATH (set LYCHEE=/path/to/lychee): skipped");
    } else {
        rows.push(median_row(theirs));
    }
    // The same run with a cache: filling an empty one (median of `runs`,
    // each from an empty cache), then reruns answered from it (median of
    // at least 7: a rerun takes tens of milliseconds, where this machine's
    // noise is ±30%).
    let cached = format!("{args} --cache-dir cache");
    let mut colds = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(base.join("cache"));
        colds.push(run_tool(
            "citecheck, filling an empty cache".to_owned(),
            &citecheck,
            &cached,
            1,
            pages,
            base.as_path(),
            check_verdicts,
        ));
    }
    colds.sort_by_key(|row| row.wall);
    let cold = colds.swap_remove(colds.len() / 2);
    let warm = run_tool(
        "citecheck, rerun from the cache".to_owned(),
        &citecheck,
        &cached,
        runs.max(7),
        pages,
        base.as_path(),
        check_verdicts,
    );
    // Stopped before any limit ends the process.
    drop(nginx_process);
    println!("\n| tool | URLs | median wall time | URLs per second | peak memory |");
    println!("|---|---:|---:|---:|---:|");
    for row in &rows {
        print_row(row);
    }
    let cache_rows = [cold, warm];
    for row in &cache_rows {
        print_row(row);
    }
    println!(
        "\nrerun from the cache: {:.1}% of the first run's time",
        100.0 * cache_rows[1].wall.as_secs_f64() / cache_rows[0].wall.as_secs_f64()
    );
    if let [ours, theirs] = &rows[..] {
        let speed = theirs.wall.as_secs_f64() / ours.wall.as_secs_f64();
        print!("\ncitecheck: {speed:.1}× lychee's URLs per second");
        let memory = match (ours.peak_kib, theirs.peak_kib) {
            (Some(a), Some(b)) => Some(a as f64 / b as f64),
            _ => None,
        };
        if let Some(memory) = memory {
            print!(", {:.0}% of its peak memory", 100.0 * memory);
        }
        println!();
        let broken = limits_broken(speed, memory);
        for why in &broken {
            println!("LIMIT BROKEN: {why}");
        }
        if !broken.is_empty() {
            std::process::exit(1);
        }
        println!(
            "limits held: at least {MIN_SPEEDUP}× lychee's URLs per second, at most \
             {:.0}% of its peak memory",
            100.0 * MAX_MEMORY_SHARE
        );
    }
}

/// The whole run's limits against lychee on the same machine and run: at
/// least this many times its URLs per second…
const MIN_SPEEDUP: f64 = 2.0;
/// …at no more than this share of its peak memory.
const MAX_MEMORY_SHARE: f64 = 0.25;

/// What the medians break of the limits, in words.
fn limits_broken(speed: f64, memory: Option<f64>) -> Vec<String> {
    let mut broken = Vec::new();
    if speed < MIN_SPEEDUP {
        broken.push(format!(
            "{speed:.2}× lychee's URLs per second, under {MIN_SPEEDUP}×"
        ));
    }
    if let Some(memory) = memory.filter(|m| *m > MAX_MEMORY_SHARE) {
        broken.push(format!(
            "{:.0}% of lychee's peak memory, over {:.0}%",
            100.0 * memory,
            100.0 * MAX_MEMORY_SHARE
        ));
    }
    broken
}
