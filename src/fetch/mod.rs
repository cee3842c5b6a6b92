//! The fetch layer: the only code that touches the network. One shared
//! reqwest client (rustls), every request through the per-host [`pool`],
//! redirects followed here (not by reqwest) so that each hop is recorded
//! and re-checked by the address [`guard`], retries with backoff and
//! `Retry-After`, bodies streamed up to a cap.

pub mod charset;
pub(crate) mod document;
pub(crate) mod guard;
pub(crate) mod pool;
pub mod render;

use crate::model::page_of;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Default cap on requests in flight per host.
pub const DEFAULT_HOST_CONCURRENCY: usize = 2;
/// Default minimum interval between requests to one host, in milliseconds.
pub const DEFAULT_HOST_INTERVAL_MS: u64 = 100;
/// Default cap on requests in flight over all hosts.
pub const DEFAULT_MAX_CONCURRENCY: usize = 64;
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default cap on one `Retry-After` wait, in seconds.
pub const DEFAULT_MAX_RETRY_WAIT_S: u64 = 60;
/// Default whole-request timeout, in seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 20;
/// Default connect timeout, in seconds.
pub const DEFAULT_CONNECT_TIMEOUT_S: u64 = 10;
/// Default cap on a body after decompression, in bytes.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
/// Redirects followed before giving up.
pub const DEFAULT_MAX_REDIRECTS: usize = 10;
/// Bodies of error responses are read only this far (enough for a title).
const ERROR_BODY_CAP: usize = 64 * 1024;

/// The `User-Agent` sent by default: names the tool, its version and home.
pub fn default_user_agent() -> String {
    format!(
        "citecheck/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_HOMEPAGE")
    )
}

/// How the fetch layer behaves.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Requests in flight per host.
    pub host_concurrency: usize,
    /// Minimum interval between requests to one host.
    pub host_interval: Duration,
    /// Requests in flight over all hosts.
    pub max_concurrency: usize,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Cap on one `Retry-After` wait.
    pub max_retry_wait: Duration,
    /// First backoff step; doubled each retry, plus jitter.
    pub retry_base: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Cap on a body after decompression.
    pub max_body: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Whether loopback and private addresses may be fetched.
    pub allow_private: bool,
    /// A proxy for every request (besides `HTTP_PROXY` and the like), and
    /// the hosts or CIDR ranges that bypass it (`NO_PROXY` syntax).
    pub proxy: Option<(Url, String)>,
    /// Settings for particular hosts (and their subdomains).
    pub hosts: Hosts,
    /// The most redirects followed for one page (`--max-redirects`).
    pub max_redirects: usize,
}

/// What a host gets instead of the general settings (`[hosts."name"]` in
/// `citecheck.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostSettings {
    /// Requests in flight to it.
    pub concurrency: Option<usize>,
    /// Minimum interval between its requests.
    pub interval: Option<Duration>,
    /// Statuses that count as fine from it.
    pub accept: Option<crate::model::Accept>,
    /// Headers sent with each request to it.
    pub headers: Vec<(String, String)>,
}

/// Settings by host, for every use (limits, headers, accepted statuses)
/// looked up by one rule: of the keys `host` is or is a subdomain of, the
/// most specific (longest) wins; `news.test` covers `www.news.test`
/// unless `www.news.test` has settings of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosts(Vec<(String, HostSettings)>);

impl Hosts {
    /// Settings for `key` and its subdomains; a key given twice keeps the
    /// last.
    pub fn insert(&mut self, key: String, settings: HostSettings) {
        self.0.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
        self.0.push((key, settings));
    }

    /// Send `header` (name, value) with every request to `key` and its
    /// subdomains, beside what the key's settings hold already.
    pub fn add_header(&mut self, key: &str, header: (String, String)) {
        match self.0.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, settings)) => settings.headers.push(header),
            None => self.0.push((
                key.to_ascii_lowercase(),
                HostSettings {
                    headers: vec![header],
                    ..HostSettings::default()
                },
            )),
        }
    }

    /// The settings for `host`: the most specific key's.
    pub fn get(&self, host: &str) -> Option<&HostSettings> {
        self.0
            .iter()
            .filter(|(key, _)| host_matches(host, key))
            .max_by_key(|(key, _)| key.len())
            .map(|(_, s)| s)
    }

    /// Each host key with a list of accepted statuses of its own.
    pub fn accept_lists(&self) -> impl Iterator<Item = (&str, &crate::model::Accept)> {
        self.0
            .iter()
            .filter_map(|(key, s)| Some((key.as_str(), s.accept.as_ref()?)))
    }

    /// The statuses that count as fine for `url`: its host's list, else
    /// `default`.
    pub fn accept_for<'a>(
        &'a self,
        url: &Url,
        default: &'a crate::model::Accept,
    ) -> &'a crate::model::Accept {
        let host = url.host_str().unwrap_or_default();
        self.get(host)
            .and_then(|settings| settings.accept.as_ref())
            .unwrap_or(default)
    }
}

impl FromIterator<(String, HostSettings)> for Hosts {
    fn from_iter<I: IntoIterator<Item = (String, HostSettings)>>(iter: I) -> Self {
        let mut hosts = Self::default();
        for (key, settings) in iter {
            hosts.insert(key, settings);
        }
        hosts
    }
}

/// Whether `host` is `key` or a subdomain of it (case-insensitive).
pub fn host_matches(host: &str, key: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let key = key.trim_end_matches('.').to_ascii_lowercase();
    host == key
        || host
            .strip_suffix(&key)
            .is_some_and(|rest| rest.ends_with('.'))
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            host_concurrency: DEFAULT_HOST_CONCURRENCY,
            host_interval: Duration::from_millis(DEFAULT_HOST_INTERVAL_MS),
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            max_retries: DEFAULT_MAX_RETRIES,
            max_retry_wait: Duration::from_secs(DEFAULT_MAX_RETRY_WAIT_S),
            retry_base: Duration::from_millis(500),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_S),
            connect_timeout: Duration::from_secs(DEFAULT_CONNECT_TIMEOUT_S),
            max_body: DEFAULT_MAX_BODY,
            user_agent: default_user_agent(),
            allow_private: false,
            proxy: None,
            hosts: Hosts::default(),
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

/// One redirect hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL that answered with a redirect.
    pub url: Url,
    /// Its status (301, 302, 303, 307, 308).
    pub status: u16,
    /// Where it pointed, resolved.
    pub location: Url,
}

/// A response that came back (the last one, after redirects). Bodies
/// are never stored (a cached page keeps what was read from them).
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Server`.
    pub server: Option<String>,
    /// `cf-mitigated` (Cloudflare's challenge marker).
    pub cf_mitigated: Option<String>,
    /// The decoded body, when it was read and is text.
    pub text: Option<String>,
    /// Whether the text is HTML (by `Content-Type`, or by its first bytes
    /// when the type is missing or `application/octet-stream`).
    pub html: bool,
    /// The raw body of a PDF, when it was read.
    pub pdf: Option<Vec<u8>>,
    /// Whether the body was cut at the cap.
    pub truncated: bool,
    /// The body as it came, of any type, when the call asked for it
    /// ([`Call::raw`]: a memo read from the web); `text` and `pdf` are
    /// then left empty.
    pub raw: Option<Vec<u8>>,
    /// `ETag` and `Last-Modified`, for a conditional request next time
    /// (kept for whole documents, [`Call::raw`], only).
    pub validators: Option<Box<Validators>>,
}

/// What a server said to revalidate a response with: sent back as
/// `If-None-Match` and `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
}

/// How the note of a failed name lookup begins: the sites' diagnosis
/// reads it (`report::sites`).
pub const DNS_FAILED: &str = "DNS lookup failed for";

/// Why no response came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The address guard refused the address.
    Guard,
    /// The name did not resolve.
    Dns,
    /// The connection was refused.
    Refused,
    /// The connection was reset or closed early.
    Reset,
    /// The request timed out.
    Timeout,
    /// TLS failed.
    Tls,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// More redirects than `--max-redirects` allows.
    TooManyRedirects,
    /// A redirect without a usable `Location`.
    BadRedirect,
    /// Anything else on the connection.
    Other,
    /// The run was interrupted before the page was fetched (never
    /// cached). The store writes kinds by its own table of codes.
    Interrupted,
    /// The host asked (429 with `Retry-After`) to wait longer than
    /// `--max-retry-wait`: it is not asked again this run (never cached).
    RateLimited,
    /// The run's own network failed: the resolver could not be reached
    /// (a temporary failure in name resolution) or the network is
    /// unreachable. Says nothing of the site (never cached).
    Network,
}

impl FailureKind {
    /// Whether the failure is on the way to the site (a name, a
    /// connection, TLS): what a run whose own network is down gives for
    /// every host alike.
    pub fn is_connection(self) -> bool {
        matches!(
            self,
            Self::Dns
                | Self::Refused
                | Self::Reset
                | Self::Timeout
                | Self::Tls
                | Self::Other
                | Self::Network
        )
    }
}

/// A failure with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind.
    pub kind: FailureKind,
    /// Lower case, with the cause.
    pub message: String,
}

impl Response {
    /// The response without its body (what outlives reading it).
    pub fn without_body(mut self) -> Self {
        self.text = None;
        self.pdf = None;
        self.raw = None;
        self
    }
}

impl Failure {
    /// The run stopped before this page was fetched.
    pub fn interrupted() -> Self {
        Self {
            kind: FailureKind::Interrupted,
            message: crate::interrupt::REASON.to_owned(),
        }
    }
}

/// Everything learnt from fetching one page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL asked for (no fragment).
    pub url: Url,
    /// Redirect hops, in order.
    pub hops: Vec<Hop>,
    /// Where the redirects ended.
    pub final_url: Url,
    /// The final response, or why there is none.
    pub result: Result<Response, Failure>,
    /// Requests made for this page, retries and hops included.
    pub requests: u32,
}

impl Page {
    /// Whether the page says something about its source that a later run
    /// may reuse: not when the run was interrupted before it, nor when its
    /// host was given up for this run, nor when the run's own network
    /// failed.
    pub fn is_storable(&self) -> bool {
        !self.result.as_ref().is_err_and(|f| {
            matches!(
                f.kind,
                FailureKind::Interrupted | FailureKind::RateLimited | FailureKind::Network
            )
        })
    }

    /// A page about to be fetched: no hops, no request, no result yet.
    pub fn new(url: &Url) -> Self {
        Self {
            url: url.clone(),
            hops: Vec::new(),
            final_url: page_of(url),
            result: Err(Failure {
                kind: FailureKind::Other,
                message: "not fetched".to_owned(),
            }),
            requests: 0,
        }
    }
}

/// The engine: one client, one pool, shared by every request of a run.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    pool: Arc<pool::Pool>,
    settings: Arc<FetchSettings>,
    interrupt: Arc<crate::interrupt::Interrupt>,
}

impl Fetcher {
    /// Build the client. Proxies come from `HTTP_PROXY`, `HTTPS_PROXY`,
    /// `ALL_PROXY` and `NO_PROXY`.
    pub fn new(settings: FetchSettings) -> Result<Self, crate::Error> {
        // reqwest is built without a default crypto provider; install ring
        // once (a second install fails harmlessly).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut exempt = guard::proxy_hosts();
        exempt.extend(
            settings
                .proxy
                .as_ref()
                .and_then(|(url, _)| url.host_str().map(str::to_owned)),
        );
        let resolver = guard::GuardedResolver {
            allow_private: settings.allow_private,
            exempt: Arc::new(exempt),
        };
        let mut builder = reqwest::Client::builder();
        if let Some((url, bypass)) = &settings.proxy {
            let proxy = reqwest::Proxy::all(url.as_str())
                .map_err(|e| crate::Error::InvalidOption {
                    option: "--proxy",
                    reason: e.to_string(),
                })?
                .no_proxy(reqwest::NoProxy::from_string(bypass));
            builder = builder.proxy(proxy);
        }
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .dns_resolver(resolver)
            .pool_max_idle_per_host(settings.host_concurrency.max(1))
            .build()
            .map_err(|e| crate::Error::InvalidOption {
                option: "network settings",
                reason: e.to_string(),
            })?;
        Ok(Self {
            client,
            pool: Arc::new(pool::Pool::new(
                settings.max_concurrency,
                settings.host_concurrency,
                settings.host_interval,
                settings.hosts.clone(),
            )),
            settings: Arc::new(settings),
            interrupt: crate::interrupt::Interrupt::new(),
        })
    }

    /// Stop on this interruption: no request starts once it is requested,
    /// and requests in flight are given up once it is abandoned.
    pub fn with_interrupt(mut self, interrupt: Arc<crate::interrupt::Interrupt>) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// Hold every request to per-host limits shared with other processes
    /// as well as to this process's own.
    pub(crate) fn with_shared_limits(self, shared: Arc<dyn pool::SharedLimits>) -> Self {
        self.pool.share(shared);
        self
    }

    /// The settings it fetches with.
    pub(crate) fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// The interruption this fetcher stops on.
    pub(crate) fn interrupt(&self) -> &crate::interrupt::Interrupt {
        &self.interrupt
    }

    /// One URL, with retries: a final response or a redirect.
    pub(crate) async fn request(&self, url: &Url, requests: &mut u32) -> Result<Answer, Failure> {
        self.send(url, &Call::default(), requests).await
    }

    /// [`Fetcher::request`] made as `call` says (its headers, a raw body).
    pub(crate) async fn request_with(
        &self,
        url: &Url,
        call: &Call,
        requests: &mut u32,
    ) -> Result<Answer, Failure> {
        self.send(url, call, requests).await
    }

    /// A call to a service's API (an archive's, not a cited page): `call`
    /// says its method, form and headers; redirects are not followed (a
    /// redirect is a failure), and a form sent by `POST` is sent again
    /// only after a 429 (it was not taken), never after an error that may
    /// have come after the service acted on it.
    pub(crate) async fn call(&self, url: &Url, call: &Call) -> Result<Response, Failure> {
        let mut requests = 0;
        let sent = tokio::select! {
            sent = self.send(url, call, &mut requests) => sent,
            () = self.interrupt.abandoned() => Err(Failure::interrupted()),
        };
        match sent? {
            Answer::Final(response) => Ok(response),
            Answer::Redirect { status, .. } => Err(Failure {
                kind: FailureKind::BadRedirect,
                message: format!("{url} answered with an HTTP {status} redirect"),
            }),
        }
    }

    async fn send(&self, url: &Url, call: &Call, requests: &mut u32) -> Result<Answer, Failure> {
        if let Some(reason) = guard::literal_refused(url, self.settings.allow_private) {
            return Err(Failure {
                kind: FailureKind::Guard,
                message: reason,
            });
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut attempt = 0;
        loop {
            if self.interrupt.is_requested() {
                return Err(Failure::interrupted());
            }
            let outcome = {
                let given_up = |why| Failure {
                    kind: FailureKind::RateLimited,
                    message: why,
                };
                if let Some(why) = self.pool.given_up(&host) {
                    return Err(given_up(why));
                }
                let _permit = self.pool.acquire(&host).await;
                if self.interrupt.is_requested() {
                    return Err(Failure::interrupted());
                }
                if let Some(why) = self.pool.given_up(&host) {
                    return Err(given_up(why));
                }
                *requests += 1;
                self.attempt(url, call).await
            };
            if outcome.status() == Some(429) {
                if let Some(wait) = outcome
                    .retry_after
                    .filter(|&w| w > self.settings.max_retry_wait)
                {
                    // Waiting that long would stall the run: the host is
                    // given up at once, its answer kept.
                    self.pool.give_up(
                        &host,
                        format!(
                            "{host} asked to wait {} s (Retry-After), longer than \
                             --max-retry-wait: not asked again this run",
                            wait.as_secs()
                        ),
                    );
                    return outcome.result;
                }
                let pause = outcome
                    .retry_after
                    .unwrap_or(self.settings.retry_base)
                    .min(self.settings.max_retry_wait);
                let interval = (self.settings.host_interval * 2).max(Duration::from_secs(1));
                self.pool.slow_down(&host, interval, pause);
            }
            let retry = outcome
                .retry()
                .filter(|_| call.form.is_none() || outcome.status() == Some(429));
            match retry {
                Some(wait) if attempt < self.settings.max_retries => {
                    let wait = wait
                        .map(|w| w.min(self.settings.max_retry_wait))
                        .unwrap_or_else(|| self.backoff(attempt));
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return outcome.result,
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.retry_base;
        let exp = base.saturating_mul(1 << attempt.min(10));
        let jitter = base.mul_f64(rand::random::<f64>());
        (exp + jitter).min(self.settings.max_retry_wait)
    }

    async fn attempt(&self, url: &Url, call: &Call) -> Attempt {
        let mut request = match &call.form {
            None => self.client.get(url.clone()),
            Some(form) => self
                .client
                .post(url.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(form)
                        .finish(),
                ),
        };
        for (name, value) in &call.headers {
            request = request.header(*name, value.clone());
        }
        if let Some(host) = self.settings.hosts.get(url.host_str().unwrap_or_default()) {
            for (name, value) in &host.headers {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::failed(classify(&e, &self.settings, url)),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after");
        if (300..400).contains(&status) && status != 304 {
            let redirect = Answer::Redirect {
                status,
                location: header("location"),
            };
            return Attempt::answered(redirect, retry_after.as_deref());
        }
        let mut result = Response {
            status,
            content_type: header("content-type"),
            server: header("server"),
            cf_mitigated: header("cf-mitigated"),
            validators: call.raw.then(|| {
                Box::new(Validators {
                    etag: header("etag"),
                    last_modified: header("last-modified"),
                })
            }),
            ..Response::default()
        };
        let kind = BodyKind::of(result.content_type.as_deref());
        if kind == BodyKind::Skip && !call.raw {
            return Attempt::answered(Answer::Final(result), retry_after.as_deref());
        }
        let cap = if (200..300).contains(&status) {
            self.settings.max_body
        } else {
            ERROR_BODY_CAP
        };
        let (bytes, truncated) = match read_body(response, cap).await {
            Ok(read) => read,
            Err(e) => return Attempt::failed(classify(&e, &self.settings, url)),
        };
        result.truncated = truncated;
        if call.raw {
            result.raw = Some(bytes);
        } else if kind == BodyKind::Pdf || crate::pdf::is_pdf(&bytes) {
            result.pdf = Some(bytes);
        } else if kind == BodyKind::Text || looks_like_html(&bytes) {
            result.html = match result.content_type.as_deref() {
                Some(ct) if kind == BodyKind::Text => ct.to_ascii_lowercase().contains("html"),
                _ => looks_like_html(&bytes),
            };
            result.text = Some(charset::decode(&bytes, result.content_type.as_deref()));
        }
        Attempt::answered(Answer::Final(result), retry_after.as_deref())
    }
}

/// How a request is made: a `GET` by default; a `POST` of a form when
/// `form` is set; with `headers` besides the configured ones. A header
/// marked sensitive (a key) never shows in debug output.
#[derive(Debug, Default)]
pub(crate) struct Call {
    /// The form to `POST` (`application/x-www-form-urlencoded`).
    pub(crate) form: Option<Vec<(String, String)>>,
    /// Headers to send.
    pub(crate) headers: Vec<(&'static str, reqwest::header::HeaderValue)>,
    /// Keep the body as it came, whatever its type (`Response::raw`).
    pub(crate) raw: bool,
}

impl Call {
    /// A `GET` with `headers`.
    pub(crate) fn get(headers: Vec<(&'static str, reqwest::header::HeaderValue)>) -> Self {
        Self {
            form: None,
            headers,
            raw: false,
        }
    }
}

/// What one URL answered.
pub(crate) enum Answer {
    /// A response that is not a redirect.
    Final(Response),
    /// A redirect (3xx but 304), with its `Location` if it had one.
    Redirect {
        /// The status.
        status: u16,
        /// The `Location` header.
        location: Option<String>,
    },
}

/// Take one redirect hop: record it in `page` and move `page.final_url`
/// to where it points, or fail (no or bad `Location`, a URL already
/// visited, too many hops).
pub(crate) fn follow_hop(
    page: &mut Page,
    visited: &mut HashSet<Url>,
    (status, location): (u16, Option<String>),
    max_redirects: usize,
) -> Result<(), Failure> {
    let fail = |kind, message: String| Err(Failure { kind, message });
    let Some(location) = location else {
        return fail(
            FailureKind::BadRedirect,
            format!("HTTP {status} redirect without a Location header"),
        );
    };
    let next = match page.final_url.join(&location) {
        Ok(next) if matches!(next.scheme(), "http" | "https") => next,
        Ok(next) => {
            return fail(
                FailureKind::BadRedirect,
                format!("redirect to a {} URL", next.scheme()),
            );
        }
        Err(e) => {
            return fail(
                FailureKind::BadRedirect,
                format!("redirect to an invalid URL {location:?}: {e}"),
            );
        }
    };
    let next_page = page_of(&next);
    page.hops.push(Hop {
        url: page.final_url.clone(),
        status,
        location: next,
    });
    if !visited.insert(next_page.clone()) {
        return fail(
            FailureKind::RedirectLoop,
            format!("redirect loop: {next_page} was already visited"),
        );
    }
    if page.hops.len() > max_redirects {
        return fail(
            FailureKind::TooManyRedirects,
            format!(
                "more than {max_redirects} redirect{} (--max-redirects)",
                if max_redirects == 1 { "" } else { "s" }
            ),
        );
    }
    page.final_url = next_page;
    Ok(())
}

/// One attempt's outcome, with the wait its `Retry-After` asked for.
struct Attempt {
    result: Result<Answer, Failure>,
    retry_after: Option<Duration>,
}

impl Attempt {
    fn failed(failure: Failure) -> Self {
        Self {
            result: Err(failure),
            retry_after: None,
        }
    }

    fn answered(answer: Answer, retry_after: Option<&str>) -> Self {
        Self {
            result: Ok(answer),
            retry_after: retry_after.and_then(parse_retry_after),
        }
    }

    /// The final status, when a non-redirect response came.
    fn status(&self) -> Option<u16> {
        match &self.result {
            Ok(Answer::Final(r)) => Some(r.status),
            _ => None,
        }
    }

    /// `None` when the attempt is final; else the wait it asked for, if any.
    fn retry(&self) -> Option<Option<Duration>> {
        match &self.result {
            Err(f) => matches!(
                f.kind,
                FailureKind::Timeout
                    | FailureKind::Refused
                    | FailureKind::Reset
                    | FailureKind::Other
                    | FailureKind::Network
            )
            .then_some(None),
            Ok(_) => self
                .status()
                .filter(|&s| is_retryable_status(s))
                .map(|_| self.retry_after),
        }
    }
}

/// Whether a status is worth another try.
fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Which bodies are worth reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Text,
    Pdf,
    /// `application/octet-stream`, which misconfigured servers send for
    /// anything: read, and kept if it is a PDF or HTML.
    Sniff,
    Skip,
}

/// Whether an untyped body is HTML: after white space and a BOM, a
/// doctype, a comment or one of the tags pages start with.
fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = &start[start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(start.len())..];
    let head = &start[..start.len().min(16)];
    let head = head.to_ascii_lowercase();
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<body",
        b"<title",
        b"<!--",
        b"<p",
        b"<div",
        b"<meta",
    ]
    .iter()
    .any(|tag| head.starts_with(tag))
}

impl BodyKind {
    fn of(content_type: Option<&str>) -> Self {
        let Some(ct) = content_type else {
            return Self::Text;
        };
        let ct = ct.to_ascii_lowercase();
        if ct.starts_with("application/pdf") {
            Self::Pdf
        } else if ct.starts_with("application/octet-stream")
            || ct.starts_with("binary/octet-stream")
        {
            Self::Sniff
        } else if ct.starts_with("text/")
            || ct.contains("html")
            || ct.contains("xml")
            || ct.contains("json")
            // Memento TimeMaps.
            || ct.starts_with("application/link-format")
        {
            Self::Text
        } else {
            Self::Skip
        }
    }
}

/// Stream a body, stopping at `cap` bytes (after decompression, so a
/// decompression bomb stops at the cap too).
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = cap - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((
                body,
                chunk.len() > room || response.chunk().await.ok().flatten().is_some(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Turn a reqwest error into a failure with a precise message.
fn classify(error: &reqwest::Error, settings: &FetchSettings, url: &Url) -> Failure {
    let chain = error_chain(error);
    let host = url.host_str().unwrap_or_default();
    // The innermost cause says most; the outer layers repeat the URL.
    let cause = chain.rsplit(": ").next().unwrap_or_default().to_owned();
    // Classified by what the layers say, not by the URL they name
    // (`/reset` is no reset).
    let lower = chain.replace(url.as_str(), "").to_lowercase();
    let (kind, message) = if lower.contains("address guard") {
        let at = lower.find("address guard").unwrap_or(0);
        (FailureKind::Guard, chain[at..].to_owned())
    } else if error.is_timeout() {
        (
            FailureKind::Timeout,
            format!("timed out after {} s", settings.timeout.as_secs_f64()),
        )
    } else if lower.contains("temporary failure in name resolution")
        || lower.contains("network is unreachable")
    {
        (
            FailureKind::Network,
            format!(
                "this machine's network could not reach {host}: {}",
                cause.to_lowercase()
            ),
        )
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
        || lower.contains("has no address")
    {
        (
            FailureKind::Dns,
            format!("{DNS_FAILED} {host}: {}", cause.to_lowercase()),
        )
    } else if lower.contains("connection refused") {
        (FailureKind::Refused, "connection refused".to_owned())
    } else if lower.contains("end of file before message length") {
        (
            FailureKind::Reset,
            "the body ended before the length its Content-Length promised".to_owned(),
        )
    } else if lower.contains("message head is too large") {
        (
            FailureKind::Other,
            "the response headers are too large to read (over the HTTP client's limit)".to_owned(),
        )
    } else if lower.contains("invalid http version")
        || lower.contains("invalid status code")
        || lower.contains("invalid header")
        || lower.contains("invalid chunk")
    {
        (
            FailureKind::Other,
            format!("the server's answer is not valid HTTP ({cause})"),
        )
    } else if lower.contains("reset")
        || lower.contains("connection closed")
        || lower.contains("incomplete message")
        || lower.contains("unexpected eof")
        || lower.contains("broken pipe")
    {
        // In plain words first; the HTTP library's own chain after, a
        // note of its own (`-v` and the JSON show it).
        let plain = if lower.contains("reset") {
            "the server reset the connection"
        } else if lower.contains("broken pipe") {
            "the server closed the connection while the request was sent"
        } else {
            "the server closed the connection before its answer was complete"
        };
        (
            FailureKind::Reset,
            format!("{plain}; the HTTP library said: {chain}"),
        )
    } else if is_tls(error)
        || lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
    {
        let plain = if lower.contains("notvalidforname") || lower.contains("not valid for name") {
            format!("TLS error: the certificate is not for {host}")
        } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
            format!(
                "TLS error: {host}'s certificate is signed by an authority this machine does not trust"
            )
        } else if lower.contains("expired") {
            format!("TLS error: {host}'s certificate has expired")
        } else {
            format!("TLS error with {host}: the secure connection could not be set up")
        };
        (
            FailureKind::Tls,
            format!("{plain}; the TLS library said: {cause}"),
        )
    } else {
        (
            FailureKind::Other,
            format!("request to {host} failed: {cause}"),
        )
    };
    Failure { kind, message }
}

/// Whether a rustls error is among the causes (reqwest wraps it in I/O
/// errors, whose `source` skips the wrapped error itself).
fn is_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if is_tls(inner) {
                return true;
            }
        }
        next = e.source();
    }
    false
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn literal_addresses() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(guard::literal_refused(&u("http://169.254.169.254/latest"), true).is_some());
        assert!(guard::literal_refused(&u("http://[fe80::1]/"), true).is_some());
        assert!(guard::literal_refused(&u("http://127.0.0.1/"), false).is_some());
        assert!(guard::literal_refused(&u("http://localhost:8080/"), false).is_some());
        assert!(guard::literal_refused(&u("http://127.0.0.1/"), true).is_none());
        assert!(guard::literal_refused(&u("http://example.test/"), false).is_none());
    }
}
