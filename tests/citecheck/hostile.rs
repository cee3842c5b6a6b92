//! Hostile servers: each misbehaves in one way on its own loopback port,
//! all are cited by one memo beside a good page, and every one must end
//! within the configured timeouts with a precise reason while the good
//! page is checked as if nothing happened.

use crate::server::{Reply, Server};
use crate::support::check_memo;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Serve every connection on a new loopback port with `behave`, each in
/// its own thread, for the life of the test process.
fn raw_server(behave: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behave(stream));
        }
    });
    format!("127.0.0.1:{}", addr.port())
}

/// Read the request head (up to the blank line), so the client is not
/// reset before it has sent it.
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Reads the request, then closes without a word.
fn hangs_up(mut s: TcpStream) {
    read_head(&mut s);
    drop(s);
}

fn endless_chunks(mut s: TcpStream) {
    read_head(&mut s);
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n",
    );
    while s.write_all(b"10\r\n<p>more and more\r\n").is_ok() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn endless_fast(mut s: TcpStream) {
    read_head(&mut s);
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n",
    );
    let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
    while s.write_all(chunk.as_bytes()).is_ok() {}
}

fn one_byte_a_second(mut s: TcpStream) {
    read_head(&mut s);
    for b in b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello" {
        if s.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn huge_header(mut s: TcpStream) {
    read_head(&mut s);
    let _ = s.write_all(b"HTTP/1.1 200 OK\r\nx-padding: ");
    let _ = s.write_all(&vec![b'a'; 1024 * 1024]);
    let _ = s.write_all(b"\r\ncontent-length: 2\r\n\r\nok");
}

fn not_http(mut s: TcpStream) {
    read_head(&mut s);
    let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n");
}

fn tls_garbage(mut s: TcpStream) {
    // Whatever the client hello says, answer with noise.
    let mut hello = [0u8; 512];
    let _ = s.read(&mut hello);
    let _ = s.write_all(&[0x16, 0x03, 0x03, 0xff, 0xff, 0x42, 0x42, 0x42, 0x42]);
    let _ = s.write_all(&[0x5a; 4096]);
}

fn short_body(mut s: TcpStream) {
    read_head(&mut s);
    let _ = s.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 100000\r\n\r\n<p>only this",
    );
    // Then close: the promised length never comes.
}

fn silent(mut s: TcpStream) {
    read_head(&mut s);
    std::thread::sleep(Duration::from_secs(60));
}

/// 1 GiB of zeros, gzipped (about 1 MB): made once, before any request
/// is timed (compressing it takes seconds on a busy machine).
fn bomb() -> &'static [u8] {
    use std::sync::OnceLock;
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..1024 {
            gz.write_all(&zeros).unwrap();
        }
        gz.finish().unwrap()
    })
}

fn gzip_bomb(mut s: TcpStream) {
    let bomb = bomb();
    read_head(&mut s);
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        bomb.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(bomb);
}

fn redirect_chain(path: &str, _: usize) -> Reply {
    if path == "/good" {
        return Reply::html(200, "<title>Good</title><h2 id=\"here\">Here</h2>");
    }
    let n: usize = path.trim_start_matches("/hop/").parse().unwrap_or(0);
    Reply::redirect(302, &format!("/hop/{}", n + 1))
}

fn link<'a>(report: &'a Value, url: &str) -> &'a Value {
    report["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == url)
        .unwrap_or_else(|| panic!("no link {url} in {report}"))
}

#[test]
fn every_hostile_server_ends_as_a_precise_result() {
    let chain = Server::start(redirect_chain);
    let good = chain.url("/good#here");
    let https = |addr: &str| format!("https://{addr}/");
    let http = |addr: &str| format!("http://{addr}/");
    let cases: Vec<(String, &str, &str)> = vec![
        (http(&raw_server(endless_chunks)), "broken", "timed out"),
        (
            http(&raw_server(endless_fast)),
            "ok",
            "body cut at the size limit",
        ),
        (http(&raw_server(one_byte_a_second)), "broken", "timed out"),
        (
            http(&raw_server(huge_header)),
            "broken",
            "headers are too large",
        ),
        (http(&raw_server(not_http)), "broken", "not valid HTTP"),
        (https(&raw_server(tls_garbage)), "broken", "TLS error"),
        (
            http(&raw_server(short_body)),
            "broken",
            "before the length its Content-Length promised",
        ),
        (http(&raw_server(silent)), "broken", "timed out"),
        (
            http(&raw_server(gzip_bomb)),
            "ok",
            "body cut at the size limit",
        ),
        (chain.url("/hop/0"), "broken", "more than 10 redirects"),
        (
            http(&raw_server(hangs_up)),
            "broken",
            "the server closed the connection before its answer was complete",
        ),
    ];
    // Everything a server sends is made before the run starts.
    bomb();
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("hostile.txt");
    let mut text = format!("The good page: {good}\n");
    for (url, _, _) in &cases {
        text.push_str(&format!("See {url}\n"));
    }
    std::fs::write(&memo, text).unwrap();
    let started = Instant::now();
    let (report, code) = check_memo(
        &memo,
        &[
            "--no-archive",
            "--max-retries",
            "0",
            "--timeout",
            "3s",
            "--connect-timeout",
            "2s",
            "--max-body",
            "1M",
        ],
    );
    let took = started.elapsed();
    // Every timeout is 3 s and they run at once; the silent server would
    // hold a connection for 60 s and the slow ones longer. A wide margin
    // for a busy machine that still proves no server held the run.
    assert!(took < Duration::from_secs(45), "took {took:?}");
    assert_eq!(code, 1);
    assert_eq!(link(&report, &good)["verdict"], "ok", "{report}");
    for (url, verdict, reason) in &cases {
        let l = link(&report, url);
        assert_eq!(l["verdict"], *verdict, "{url}: {l}");
        let why = l["reason"].as_str().unwrap_or_default();
        assert!(!why.is_empty(), "{url}: no reason in {l}");
        assert!(why.contains(reason), "{url}: {why:?} lacks {reason:?}");
        // The HTTP library's words come after the plain ones, never first.
        let first = why.split("; ").next().unwrap_or_default();
        assert!(
            !first.contains("SendRequest") && !first.contains("hyper"),
            "{url}: {why:?}"
        );
    }
}
