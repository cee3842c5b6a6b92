//! Processes sharing one PostgreSQL store (`--store postgres://…`), as a
//! CI matrix or several audits at once run: each page fetched once
//! across them, the per-host cap and interval held across them, and a
//! process killed while holding claims blocking the others no longer
//! than its claims last.

use crate::server::{Reply, Server};
use crate::support::TestStore;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `citecheck check MEMO` with `store` and `extra`, JSON on standard
/// output, started (not waited for).
fn spawn(memo: &Path, store: &TestStore, extra: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(["check", memo.to_str().unwrap(), "--allow-private"])
        .args(["--no-archive", "--max-retries", "0", "-f", "json"])
        .args(store.args())
        .args(extra);
    crate::support::no_internet(&mut cmd);
    cmd.env_remove("CITECHECK_NO_CACHE");
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn report(child: Child) -> Value {
    let out = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    crate::support::assert_valid_report(&json);
    json
}

/// Memo `k` of four: the pages `i` of `0..n` with `(i + k) % 4 != 0`, so
/// that any two memos share half their pages.
fn memos(dir: &Path, server: &Server, n: usize) -> Vec<PathBuf> {
    (0..4)
        .map(|k| {
            let links: Vec<String> = (0..n)
                .filter(|i| (i + k) % 4 != 0)
                .map(|i| server.url(&format!("/p/{i}")))
                .collect();
            let path = dir.join(format!("memo-{k}.txt"));
            std::fs::write(&path, links.join("\n")).unwrap();
            path
        })
        .collect()
}

fn page(path: &str) -> Reply {
    Reply::html(
        200,
        &format!("<title>{path}</title><p>The page at {path}.</p>"),
    )
}

/// Requests to the cited pages (not to the soft-404 probes' made-up
/// names).
fn page_hits(server: &Server, n: usize) -> Vec<usize> {
    (0..n).map(|i| server.hits(&format!("/p/{i}"))).collect()
}

/// Requests to the soft-404 probes' made-up names (every path but the
/// cited pages).
fn probe_hits(server: &Server, n: usize) -> usize {
    let cited: Vec<String> = (0..n).map(|i| format!("/p/{i}")).collect();
    server
        .paths()
        .iter()
        .filter(|path| !cited.contains(path))
        .map(|path| server.hits(path))
        .sum()
}

#[test]
fn four_processes_sharing_a_store_fetch_each_page_once() {
    let n = 40;
    let slow_pages = |path: &str, _| match path {
        p if p.starts_with("/p/") => Reply::After(Duration::from_millis(30), Box::new(page(p))),
        _ => Reply::html(404, "<title>Not found</title>"),
    };
    let server = Server::start(slow_pages);
    let dir = tempfile::tempdir().unwrap();
    let memos = memos(dir.path(), &server, n);
    let store = TestStore::postgres();
    let options = ["--host-concurrency", "8", "--host-interval", "0"];
    // All four at once, on a database none of them has set up yet.
    let children: Vec<Child> = memos.iter().map(|m| spawn(m, &store, &options)).collect();
    for child in children {
        let json = report(child);
        assert_eq!(json["summary"]["links_by_verdict"]["ok"], 30, "{json}");
        assert!(json.get("notices").is_none(), "{json}");
    }
    assert_eq!(page_hits(&server, n), vec![1; n], "each page fetched once");
    // One parent path on one host: one probe for the fleet.
    assert_eq!(probe_hits(&server, n), 1, "the probe made once");

    // The same four with a store each fetch every page they cite: 30
    // each, 120 in all (so the count above is the shared store's doing).
    let alone = Server::start(slow_pages);
    let memos = self::memos(dir.path(), &alone, n);
    let children: Vec<Child> = memos
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let folder = TestStore::Folder(dir.path().join(format!("cache-{k}")));
            spawn(m, &folder, &options)
        })
        .collect();
    children.into_iter().for_each(|c| drop(report(c)));
    assert_eq!(page_hits(&alone, n).iter().sum::<usize>(), 120);
    assert_eq!(probe_hits(&alone, n), 4, "a probe each");
}

/// A redirect's hop is claimed like a cited page: a page one process
/// reaches through a redirect and another cites directly is fetched once
/// across them, whichever comes first.
#[test]
fn a_page_reached_by_a_redirect_in_one_process_and_cited_in_another_is_fetched_once() {
    let n = 24;
    let server = Server::start(|path, _| match path {
        p if p.starts_with("/p/") => Reply::After(Duration::from_millis(30), Box::new(page(p))),
        p if p.starts_with("/old/") => Reply::redirect(301, &p.replace("/old/", "/p/")),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    // Memo k cites page i through its old address when i + k is even,
    // directly when odd: every page is reached both ways.
    let memos: Vec<PathBuf> = (0..4)
        .map(|k| {
            let links: Vec<String> = (0..n)
                .map(|i| match (i + k) % 2 {
                    0 => server.url(&format!("/old/{i}")),
                    _ => server.url(&format!("/p/{i}")),
                })
                .collect();
            let path = dir.path().join(format!("memo-{k}.txt"));
            std::fs::write(&path, links.join("\n")).unwrap();
            path
        })
        .collect();
    let store = TestStore::postgres();
    let options = ["--host-concurrency", "8", "--host-interval", "0"];
    let children: Vec<Child> = memos.iter().map(|m| spawn(m, &store, &options)).collect();
    for child in children {
        let json = report(child);
        let verdicts = &json["summary"]["links_by_verdict"];
        assert_eq!(verdicts["ok"], n / 2, "{json}");
        assert_eq!(verdicts["redirected"], n / 2, "{json}");
    }
    assert_eq!(page_hits(&server, n), vec![1; n], "each page fetched once");
    let old: Vec<usize> = (0..n).map(|i| server.hits(&format!("/old/{i}"))).collect();
    assert_eq!(old, vec![1; n], "each old address asked once");
}

#[test]
fn the_host_cap_and_interval_hold_across_processes() {
    let n = 32;
    let server = Server::start(|path, _| match path {
        p if p.starts_with("/p/") => Reply::After(Duration::from_millis(150), Box::new(page(p))),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    let memos = memos(dir.path(), &server, n);
    let store = TestStore::postgres();
    let cap = ["--host-concurrency", "2", "--host-interval", "0"];
    let children: Vec<Child> = memos.iter().map(|m| spawn(m, &store, &cap)).collect();
    for child in children {
        let json = report(child);
        assert_eq!(json["summary"]["links_by_verdict"]["ok"], 24, "{json}");
        assert!(json.get("notices").is_none(), "{json}");
    }
    assert!(
        server.max_in_flight() <= 2,
        "{} requests at once to one host from four processes capped at 2",
        server.max_in_flight()
    );

    // The interval: four processes, three pages each, 300 ms apart across
    // all of them. However late a process wakes, the last request cannot
    // come before its turn: the requests span at least (N − 2) intervals
    // (one spared for the first request's own lateness). Four processes
    // spacing only their own requests would span about two.
    let spaced = Server::start(|path, _| match path {
        p if p.starts_with("/q/") => page(p),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let store = TestStore::postgres();
    let memos: Vec<PathBuf> = (0..4)
        .map(|k| {
            let links: Vec<String> = (0..3).map(|i| spaced.url(&format!("/q/{k}-{i}"))).collect();
            let path = dir.path().join(format!("spaced-{k}.txt"));
            std::fs::write(&path, links.join("\n")).unwrap();
            path
        })
        .collect();
    let interval = ["--host-concurrency", "4", "--host-interval", "300ms"];
    let children: Vec<Child> = memos.iter().map(|m| spawn(m, &store, &interval)).collect();
    children.into_iter().for_each(|c| drop(report(c)));
    let mut times: Vec<Instant> = spaced
        .paths()
        .iter()
        .flat_map(|p| spaced.times(p))
        .collect();
    times.sort();
    // The pages and each process's soft-404 probe of `/q/`.
    assert!(times.len() >= 12, "{}", times.len());
    let span = *times.last().unwrap() - times[0];
    let least = Duration::from_millis(300) * (times.len() as u32 - 2);
    assert!(
        span >= least,
        "{} requests spanned {span:?}, less than {least:?}",
        times.len()
    );
}

#[test]
fn a_process_killed_holding_claims_blocks_the_others_only_until_they_expire() {
    // The first request for each page never gets an answer; later ones
    // do (the soft-404 probes' made-up names are not found at once).
    let server = Server::start(|path, n| {
        let cited = path
            .strip_prefix("/p/")
            .is_some_and(|i| i.parse::<usize>().is_ok());
        match (cited, n) {
            (true, 1) => Reply::After(Duration::from_secs(600), Box::new(page(path))),
            (true, _) => page(path),
            (false, _) => Reply::html(404, "<title>Not found</title>"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    let links: Vec<String> = (0..3).map(|i| server.url(&format!("/p/{i}"))).collect();
    std::fs::write(&memo, links.join("\n")).unwrap();
    let store = TestStore::postgres();
    let TestStore::Postgres(url) = &store else {
        unreachable!()
    };
    let options = [
        "--claim-ttl",
        "3s",
        "--timeout",
        "600s",
        "--host-interval",
        "0",
        "--host-concurrency",
        "4",
    ];
    let mut first = spawn(&memo, &store, &options);
    // Wait (on the database's state, not the clock) until it holds a
    // claim on every page and has asked for each.
    let mut db = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let began = Instant::now();
    let remaining_ms = loop {
        let claims = db
            .query(
                "SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint - expires_at
                 FROM citecheck.claims",
                &[],
            )
            .unwrap_or_default();
        if claims.len() == 3 && page_hits(&server, 3) == [1, 1, 1] {
            break claims.iter().map(|r| -r.get::<_, i64>(0)).max().unwrap();
        }
        assert!(
            began.elapsed() < Duration::from_secs(120),
            "the first process never claimed and asked for every page: {} claims, {:?}",
            claims.len(),
            server.paths()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let expiry = Instant::now() + Duration::from_millis(remaining_ms.max(0) as u64);
    first.kill().unwrap();
    first.wait().unwrap();

    let json = report(spawn(&memo, &store, &options));
    assert_eq!(json["summary"]["links_by_verdict"]["ok"], 3, "{json}");
    assert!(json.get("notices").is_none(), "{json}");
    assert_eq!(page_hits(&server, 3), [2, 2, 2]);
    for i in 0..3 {
        let taken_over = server.times(&format!("/p/{i}"))[1];
        assert!(
            taken_over + Duration::from_millis(250) >= expiry,
            "page {i} was fetched again before the dead process's claim expired"
        );
    }
    let left: i64 = db
        .query_one("SELECT COUNT(*) FROM citecheck.claims", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "the second process let its claims go");
}

/// `sslmode=require` (or `verify-full`) connects over TLS and verifies the
/// server's certificate: against `SSL_CERT_FILE` (the roots the fetcher
/// trusts too) or the URL's `sslrootcert`; a certificate from a CA not
/// trusted means no store (the run goes on without it and says why).
#[test]
fn a_store_over_tls_is_verified() {
    let ca = std::env::var("CITECHECK_TEST_PG_CA").expect("scripts/test.sh names the test CA");
    let other = std::env::var("CITECHECK_TEST_PG_OTHER_CA").unwrap();
    let server = Server::start(|path, _| match path {
        "/a" => page(path),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, server.url("/a")).unwrap();
    let database = crate::support::new_pg_database();
    let run = |url: String, roots: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
        cmd.args(["check", memo.to_str().unwrap(), "--allow-private"])
            .args(["--no-archive", "--host-interval", "0", "-f", "json"])
            .args(["--store", &url]);
        crate::support::no_internet(&mut cmd);
        cmd.env_remove("CITECHECK_NO_CACHE")
            .env("SSL_CERT_FILE", roots)
            .env_remove("SSL_CERT_DIR");
        let out = cmd.output().unwrap();
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(json["summary"]["links_by_verdict"]["ok"], 1, "{json}");
        json
    };
    let first = run(format!("{database}?sslmode=require"), &ca);
    assert!(first.get("notices").is_none(), "{first}");
    assert_eq!(server.hits("/a"), 1);
    // The page is in the store: the rerun, over TLS again, asks nothing.
    run(format!("{database}?sslmode=verify-full"), &ca);
    assert_eq!(
        server.hits("/a"),
        1,
        "the rerun was answered from the store"
    );

    // The URL's own root certificate, whatever SSL_CERT_FILE says.
    let rooted = format!("{database}?sslmode=verify-full&sslrootcert={ca}");
    assert!(run(rooted, &other).get("notices").is_none());
    assert_eq!(server.hits("/a"), 1);

    // A server whose certificate no trusted CA signed: no store, the run
    // goes on (it fetches the page itself) and the report says why.
    let refused = run(format!("{database}?sslmode=require"), &other);
    let notice = refused["notices"][0].as_str().unwrap();
    assert!(
        notice.contains("not using the cache") && notice.contains("cannot connect to the store"),
        "{notice}"
    );
    assert!(notice.to_lowercase().contains("certificate"), "{notice}");
    assert_eq!(server.hits("/a"), 2);
}

/// A TCP relay to the test PostgreSQL server that the test can cut: every
/// connection through it closed, and new ones refused.
struct Relay {
    port: u16,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    sockets: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl Relay {
    fn to(target: std::net::SocketAddr) -> Self {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let relay = Self {
            port,
            cut: Default::default(),
            sockets: Default::default(),
        };
        let (cut, sockets) = (relay.cut.clone(), relay.sockets.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if cut.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let Ok(server) = std::net::TcpStream::connect(target) else {
                    continue;
                };
                let mut held = sockets.lock().unwrap();
                held.push(client.try_clone().unwrap());
                held.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        relay
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for socket in self.sockets.lock().unwrap().iter() {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// The database goes away in the middle of a run: the process gives the
/// fleet up with a warning and goes on under its own per-host limits
/// (never none); every page is still checked and the report written.
#[test]
fn a_database_lost_mid_run_leaves_the_process_to_its_own_limits() {
    let database = crate::support::new_pg_database();
    let direct = url::Url::parse(&database).unwrap();
    let target: std::net::SocketAddr = format!("127.0.0.1:{}", direct.port().unwrap())
        .parse()
        .unwrap();
    let relay = std::sync::Arc::new(Relay::to(target));
    let mut relayed = direct.clone();
    relayed.set_port(Some(relay.port)).unwrap();
    // Trust authentication ignores it; the report must not show it.
    relayed.set_password(Some("secret")).unwrap();
    let cutter = relay.clone();
    // The first page's request cuts the database off; every page is slow
    // enough that the cap would show if it were lost with the fleet.
    let server = Server::start(move |path, _| match path {
        "/p/0" => {
            cutter.cut();
            Reply::After(Duration::from_millis(100), Box::new(page(path)))
        }
        p if p.starts_with("/p/") => Reply::After(Duration::from_millis(100), Box::new(page(p))),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    let links: Vec<String> = (0..12).map(|i| server.url(&format!("/p/{i}"))).collect();
    std::fs::write(&memo, links.join("\n")).unwrap();
    let store = TestStore::Postgres(relayed.to_string());
    let options = ["--host-concurrency", "2", "--host-interval", "0"];
    let json = report(spawn(&memo, &store, &options));
    assert_eq!(json["summary"]["links_by_verdict"]["ok"], 12, "{json}");
    let notices = json["notices"].to_string();
    assert!(
        notices.contains("stopped answering") && notices.contains("for this process only"),
        "{notices}"
    );
    assert!(!notices.contains("secret"), "{notices}");
    assert!(server.max_in_flight() <= 2, "{}", server.max_in_flight());
    assert_eq!(page_hits(&server, 12), vec![1; 12]);
}
