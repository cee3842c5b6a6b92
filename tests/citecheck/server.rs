//! A local HTTP/1.1 server on 127.0.0.1:0 with scripted routes. It counts
//! requests per path, records when each came, and tracks the most requests
//! in flight at once, so that tests can assert politeness.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a route answers.
pub enum Reply {
    /// A full response.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Close the connection without answering.
    Reset,
    /// Wait, then answer.
    After(Duration, Box<Reply>),
}

impl Reply {
    pub fn html(status: u16, body: &str) -> Self {
        Self::Full {
            status,
            headers: vec![("content-type", "text/html; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn redirect(status: u16, location: &str) -> Self {
        Self::Full {
            status,
            headers: vec![("location", location.into())],
            body: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name, value.to_owned()));
        }
        self
    }
}

/// One request as a route sees it.
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path with its query.
    pub path: String,
    /// The request line and headers.
    pub head: String,
    /// The body (read by `Content-Length`).
    pub body: String,
    /// The 1-based number of the request to this path.
    pub n: usize,
}

impl Request {
    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }
}

type Routes = dyn Fn(&Request) -> Reply + Send + Sync;

#[derive(Default)]
struct State {
    hits: Mutex<HashMap<String, Vec<Instant>>>,
    /// The last request head seen for each path.
    heads: Mutex<HashMap<String, String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A running server; it stops when the test process ends.
pub struct Server {
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Start a server whose `routes` get the path and the 1-based number of
    /// the request to that path.
    pub fn start(routes: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_at("127.0.0.1", routes)
    }

    /// [`Server::start`] on another loopback address (`127.0.0.2`…), so
    /// that citecheck sees another host.
    pub fn start_at(
        ip: &'static str,
        routes: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::serving(ip, move |request: &Request| {
            routes(&request.path, request.n)
        })
    }

    /// A server whose `routes` see each whole [`Request`] (method,
    /// headers, body).
    pub fn serving(
        ip: &'static str,
        routes: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let routes: Arc<Routes> = Arc::new(routes);
        let state = Arc::new(State::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let thread_state = state.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    let Ok((socket, _)) = listener.accept().await else {
                        continue;
                    };
                    let routes = routes.clone();
                    let state = thread_state.clone();
                    tokio::spawn(serve(socket, routes, state));
                }
            });
        });
        let addr = rx.recv().unwrap();
        Self { addr, state }
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests seen for a path.
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .map_or(0, Vec::len)
    }

    /// The request head (request line and headers) last seen for a path.
    pub fn head(&self, path: &str) -> Option<String> {
        self.state.heads.lock().unwrap().get(path).cloned()
    }

    /// Every path requested so far.
    pub fn paths(&self) -> Vec<String> {
        self.state.hits.lock().unwrap().keys().cloned().collect()
    }

    /// When the requests to a path came.
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// The most requests in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn serve(mut socket: tokio::net::TcpStream, routes: Arc<Routes>, state: Arc<State>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut body = buf[end..].to_vec();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while body.len() < length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let method = head.split_whitespace().next().unwrap_or("GET").to_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    state
        .heads
        .lock()
        .unwrap()
        .insert(path.clone(), head.clone());
    let n = {
        let mut hits = state.hits.lock().unwrap();
        let list = hits.entry(path.clone()).or_default();
        list.push(Instant::now());
        list.len()
    };
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let mut reply = routes(&Request {
        method,
        path,
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
        n,
    });
    loop {
        match reply {
            Reply::After(wait, next) => {
                tokio::time::sleep(wait).await;
                reply = *next;
            }
            Reply::Reset => {
                state.in_flight.fetch_sub(1, Ordering::SeqCst);
                break;
            }
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    out.push_str(&format!("{name}: {value}\r\n"));
                }
                out.push_str("\r\n");
                // Done working on it before the client can see the answer,
                // so a client that starts its next request on receipt is
                // never counted twice.
                state.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = socket.write_all(out.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.flush().await;
                break;
            }
        }
    }
}
