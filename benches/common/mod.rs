//! What the benchmarks share: a static HTTP/1.1 server (keep-alive) on
//! 127.0.0.1 to 127.0.0.50 (or as many as `BENCH_HOSTS` says, up to 250),
//! answering at once or after a latency of its own per path; running a tool
//! under `/usr/bin/time` for its wall time, CPU time and peak memory, and
//! medians.

#![allow(dead_code)] // each benchmark uses its part

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Loopback addresses the server binds (127.0.0.1 to 127.0.0.HOSTS) unless
/// `BENCH_HOSTS` says otherwise.
pub const HOSTS: u8 = 50;

/// The loopback addresses the server binds: `BENCH_HOSTS` (1 to 250), or
/// [`HOSTS`].
pub fn hosts() -> u8 {
    u8::try_from(env_number("BENCH_HOSTS", usize::from(HOSTS)).clamp(1, 250)).unwrap_or(HOSTS)
}

/// With `BENCH_HOLD` set, print the directory and the commands of a
/// workload and keep its server up until the benchmark is stopped, so
/// that one run can be profiled by hand; otherwise return at once.
pub fn hold(dir: &Path, commands: &[String]) {
    if std::env::var_os("BENCH_HOLD").is_none() {
        return;
    }
    println!("cd {}", dir.display());
    for command in commands {
        println!("{command}");
    }
    loop {
        std::thread::park();
    }
}

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a server serves: a body for a path (404 when `None`), and a count
/// of the requests answered.
pub struct SiteState {
    pages: Box<Pages>,
    pub served: std::sync::atomic::AtomicUsize,
    /// Each answer waits this long, from `low` to `high` milliseconds by a
    /// hash of its path (the same wait for a path every time), like a web
    /// of distant servers; `None`: at once.
    pub latency: Option<(u64, u64)>,
    /// Requests being answered now, by the last byte of the host's
    /// address, and the most there ever were at once.
    pub in_flight: [std::sync::atomic::AtomicUsize; 256],
    pub most_in_flight: [std::sync::atomic::AtomicUsize; 256],
    /// Requests for paths the benchmarks' pages do not have (`/p/N.html`
    /// aside): soft-404 probes.
    pub other: std::sync::atomic::AtomicUsize,
}

impl SiteState {
    /// The most requests any one host answered at once.
    pub fn most_in_flight_per_host(&self) -> usize {
        self.most_in_flight
            .iter()
            .map(|n| n.load(std::sync::atomic::Ordering::Relaxed))
            .max()
            .unwrap_or(0)
    }
}

/// The wait for `path` within `low..=high` ms (FNV-1a of the path).
fn latency_of(path: &str, (low, high): (u64, u64)) -> Duration {
    let hash = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Duration::from_millis(low + hash % (high - low + 1))
}

/// A body for each path, or `None` (404).
type Pages = dyn Fn(&str) -> Option<Arc<[u8]>> + Send + Sync;

/// A site shared by the server's connections.
pub type Site = Arc<SiteState>;

/// A site that answers each path with `pages(path)`.
pub fn site(pages: impl Fn(&str) -> Option<Arc<[u8]>> + Send + Sync + 'static) -> Site {
    site_after(None, pages)
}

/// A site that answers each path with `pages(path)` after its latency
/// ([`SiteState::latency`]).
pub fn site_after(
    latency: Option<(u64, u64)>,
    pages: impl Fn(&str) -> Option<Arc<[u8]>> + Send + Sync + 'static,
) -> Site {
    Arc::new(SiteState {
        latency,
        in_flight: std::array::from_fn(|_| Default::default()),
        most_in_flight: std::array::from_fn(|_| Default::default()),
        other: Default::default(),
        pages: Box::new(pages),
        served: Default::default(),
    })
}

/// Serve one keep-alive connection.
async fn serve(stream: TcpStream, site: Site) {
    use std::sync::atomic::Ordering::Relaxed;
    let host = match stream.local_addr() {
        Ok(SocketAddr::V4(addr)) => usize::from(addr.ip().octets()[3]),
        _ => 0,
    };
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        let mut close = false;
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if header == "\r\n" || header == "\n" {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if lower.starts_with("connection:") && lower.contains("close") {
                close = true;
            }
        }
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let now = site.in_flight[host].fetch_add(1, Relaxed) + 1;
        site.most_in_flight[host].fetch_max(now, Relaxed);
        if !(path.starts_with("/p/") && path.ends_with(".html")) {
            site.other.fetch_add(1, Relaxed);
        }
        if let Some(latency) = site.latency {
            tokio::time::sleep(latency_of(path, latency)).await;
        }
        let found = (site.pages)(path);
        let (status, body): (&str, &[u8]) = match &found {
            Some(body) => ("200 OK", body),
            None => (
                "404 Not Found",
                b"<html><head><title>Not found</title></head></html>",
            ),
        };
        site.served
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\n\
             content-length: {}\r\n{}\r\n",
            body.len(),
            if close { "connection: close\r\n" } else { "" }
        );
        let mut response = head.into_bytes();
        if method != "HEAD" {
            response.extend_from_slice(body);
        }
        site.in_flight[host].fetch_sub(1, Relaxed);
        if write.write_all(&response).await.is_err() || close {
            return;
        }
    }
}

/// Bind the same port on every loopback address and serve the site on a
/// runtime of its own thread. Returns the port.
pub fn start_server(site: Site) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listeners = 'bind: loop {
                let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                    .await
                    .expect("bind 127.0.0.1");
                let port = first.local_addr().unwrap().port();
                let mut listeners = vec![first];
                for host in 2..=hosts() {
                    let addr = SocketAddr::from(([127, 0, 0, host], port));
                    match TcpListener::bind(addr).await {
                        Ok(l) => listeners.push(l),
                        Err(_) => continue 'bind,
                    }
                }
                break listeners;
            };
            tx.send(listeners[0].local_addr().unwrap().port()).unwrap();
            let mut tasks = Vec::new();
            for listener in listeners {
                let site = site.clone();
                tasks.push(tokio::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(serve(stream, site.clone()));
                    }
                }));
            }
            for task in tasks {
                let _ = task.await;
            }
        });
    });
    rx.recv().expect("server started")
}

/// What one run of a tool measured.
pub struct Measure {
    pub wall: Duration,
    /// User plus system time, when `/usr/bin/time` measured it.
    pub cpu: Option<Duration>,
    pub peak_kib: Option<u64>,
    pub stdout: Vec<u8>,
}

/// Run a command, timing it and measuring its peak resident memory.
pub fn measure(program: &Path, args: &[String], dir: &Path) -> Measure {
    let time = Path::new("/usr/bin/time");
    let peak_file = dir.join("peak.txt");
    let _ = std::fs::remove_file(&peak_file);
    let timed = time.exists();
    let mut command = if timed {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M %U %S")
            .arg("-o")
            .arg(&peak_file)
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CI", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut child = command.spawn().expect("start the tool");
    let pid = child.id();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut stdout = stdout;
        std::io::Read::read_to_end(&mut stdout, &mut out).ok();
        out
    });
    // With /usr/bin/time the wait is exact; without it the peak is
    // sampled, and the wall time is only as fine as the sampling.
    let mut sampled: Option<u64> = None;
    if timed {
        child.wait().expect("wait for the tool");
    } else {
        while child.try_wait().expect("wait for the tool").is_none() {
            if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                if let Some(kib) = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                {
                    sampled = Some(sampled.map_or(kib, |s| s.max(kib)));
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let wall = started.elapsed();
    let stdout = reader.join().unwrap();
    // `/usr/bin/time` writes "PEAK_KIB USER_S SYSTEM_S" on its last line.
    let timed = std::fs::read_to_string(&peak_file).ok().and_then(|s| {
        let line = s.lines().last()?.to_owned();
        let mut parts = line.split_whitespace();
        let peak: u64 = parts.next()?.parse().ok()?;
        let user: f64 = parts.next()?.parse().ok()?;
        let system: f64 = parts.next()?.parse().ok()?;
        Some((peak, Duration::from_secs_f64(user + system)))
    });
    Measure {
        wall,
        cpu: timed.map(|(_, cpu)| cpu),
        peak_kib: timed.map(|(peak, _)| peak).or(sampled),
        stdout,
    }
}

/// The median.
pub fn median(mut walls: Vec<Duration>) -> Duration {
    walls.sort();
    walls[walls.len() / 2]
}
