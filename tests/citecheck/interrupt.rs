//! Interrupts: a real citecheck process sent real signals while it waits
//! on slow pages. Once: the report is still written, atomically, with what
//! was checked and the rest `unchecked` ("interrupted"), exit code 130.
//! Twice: it leaves at once, leaving no partial file behind.

use crate::server::{Reply, Server};
use crate::support::{assert_valid_report, no_internet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn routes(path: &str, _: usize) -> Reply {
    let numbered = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|n| n.parse::<u32>().is_ok())
    };
    // The soft-404 probe of each folder (a random name) answers at once.
    if !numbered("/slow/") && !numbered("/fast/") && !numbered("/medium/") {
        return Reply::html(404, "<title>Not found</title>");
    }
    if numbered("/medium/") {
        // In flight when the signal comes, done within the grace period.
        Reply::After(
            Duration::from_millis(1500),
            Box::new(Reply::html(200, "<title>Medium</title>")),
        )
    } else if numbered("/slow/") {
        Reply::After(
            Duration::from_secs(30),
            Box::new(Reply::html(200, "<title>Slow</title>")),
        )
    } else {
        Reply::html(200, "<title>Fast</title>")
    }
}

/// Three hosts: 127.0.0.1 answers at once, 127.0.0.2 after 30 s, and
/// 127.0.0.3 after 1.5 s.
fn servers() -> (Server, Server, Server) {
    (
        Server::start(routes),
        Server::start_at("127.0.0.2", routes),
        Server::start_at("127.0.0.3", routes),
    )
}

/// Start citecheck on a memo of 3 fast, 2 medium and 12 slow pages (each
/// kind on its own host, two at a time), writing JSON to `report.json` in
/// `dir`; return once the fast pages are done and the medium and slow ones
/// are in flight.
fn start((fast, server, medium): &(Server, Server, Server), dir: &Path) -> Child {
    let mut memo = String::new();
    for i in 0..3 {
        memo.push_str(&format!("{}\n", fast.url(&format!("/fast/{i}"))));
    }
    for i in 0..2 {
        memo.push_str(&format!("{}\n", medium.url(&format!("/medium/{i}"))));
    }
    for i in 0..12 {
        memo.push_str(&format!("{}\n", server.url(&format!("/slow/{i}"))));
    }
    std::fs::write(dir.join("memo.txt"), memo).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    no_internet(&mut cmd);
    cmd.current_dir(dir)
        .args([
            "check",
            "memo.txt",
            "-f",
            "json=report.json",
            "--no-archive",
            "--allow-private",
            "--host-interval",
            "0",
            "--host-concurrency",
            "2",
            "--max-retries",
            "0",
            "--timeout",
            "60s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while (0..3).any(|i| fast.hits(&format!("/fast/{i}")) == 0)
        || (0..2).any(|i| medium.hits(&format!("/medium/{i}")) == 0)
        || (0..12).all(|i| server.hits(&format!("/slow/{i}")) == 0)
    {
        assert!(Instant::now() < deadline, "citecheck never got going");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The fast pages answered (they are done, or in flight and finish
    // in the grace period: ok either way).
    child
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(child: &mut Child, limit: Duration) -> i32 {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("citecheck did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn one_interrupt_writes_the_report_with_the_rest_unchecked() {
    let servers = servers();
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(&servers, dir.path());
    let signalled = Instant::now();
    signal(&child, "INT");
    let code = wait(&mut child, Duration::from_secs(15));
    // No new requests, the slow ones in flight get the grace period.
    assert!(
        // The slow pages take 30 s: ending well before that, on a busy
        // machine too, shows they were given up after the grace period.
        signalled.elapsed() < citecheck::interrupt::GRACE + Duration::from_secs(10),
        "took {:?}",
        signalled.elapsed()
    );
    assert_eq!(code, 130);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_valid_report(&report);
    assert_eq!(report["interrupted"], true);
    let links = report["memos"][0]["links"].as_array().unwrap();
    assert_eq!(links.len(), 17);
    for link in links {
        let url = link["url"].as_str().unwrap();
        // Fast pages were done; medium ones finished in the grace period.
        if url.contains("/fast/") || url.contains("/medium/") {
            assert_eq!(link["verdict"], "ok", "{link}");
        } else {
            assert_eq!(link["verdict"], "unchecked", "{link}");
            assert_eq!(link["reason"], "interrupted", "{link}");
        }
    }
    // Two were in flight; none started after the signal.
    let started_slow = (0..12)
        .filter(|i| servers.1.hits(&format!("/slow/{i}")) > 0)
        .count();
    assert_eq!(started_slow, 2);
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_second_signal_leaves_at_once_without_a_partial_file() {
    let servers = servers();
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(&servers, dir.path());
    let signalled = Instant::now();
    signal(&child, "TERM");
    std::thread::sleep(Duration::from_millis(100));
    signal(&child, "TERM");
    let code = wait(&mut child, Duration::from_secs(10));
    assert_eq!(code, 130);
    assert!(
        signalled.elapsed() < citecheck::interrupt::GRACE,
        "the second signal ends it before the grace period: {:?}",
        signalled.elapsed()
    );
    assert!(temporaries(dir.path()).is_empty());
    // Either no report at all, or a whole one.
    if let Ok(bytes) = std::fs::read(dir.path().join("report.json")) {
        assert_valid_report(&serde_json::from_slice(&bytes).unwrap());
    }
}
