//! Rendering pages in headless Chromium (`--render`), for pages that build
//! their text with scripts.
//!
//! The page itself is not fetched again: the browser's request for it is
//! answered with the body the fetcher already had ([`Served`]), so a page
//! is still fetched once per run, through the host pool. What the page's
//! scripts then ask for (scripts, data, frames) the browser fetches itself:
//! those requests pass the address guard, not the host pool (they are few,
//! and most are to the page's own site).
//!
//! The browser is launched once per run, on the first page that needs it,
//! through the DevTools protocol (`chromiumoxide`), with a profile of its
//! own that is removed when the run ends. Every other request a rendered
//! page makes (its scripts, images, `fetch` calls, frames) is paused by
//! the protocol's `Fetch` domain and let through only when the address
//! guard allows its host ([`guard::refused`]), so a page cannot
//! make the browser reach a link-local or cloud-metadata address, nor a
//! private one without `--allow-private`. Downloads are denied; certificate
//! errors are errors. A render has a time limit, and at most
//! [`RenderSettings::concurrency`] run at once.
//!
//! What the guard cannot see: WebSocket and WebRTC traffic, and requests a
//! service worker makes on its own (a fresh profile has none registered
//! before the page runs). A name is resolved by the guard and again by the
//! browser, so a name whose answers change between the two is not caught.

use super::guard;
use crate::archive::Archives;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::browser::{
    SetDownloadBehaviorBehavior, SetDownloadBehaviorParams,
};
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EventRequestPaused, FailRequestParams, FulfillRequestParams,
    HeaderEntry, RequestId,
};
use chromiumoxide::cdp::browser_protocol::network::{
    ErrorReason, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, ResourceType,
};
use chromiumoxide::page::Page;
use futures_util::StreamExt;
use parking_lot::Mutex;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Which pages are rendered in a browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RenderMode {
    /// None: a page built by scripts is read from its script data.
    #[default]
    Never,
    /// Pages recognised as built by scripts (and such pages' soft-404
    /// probes, which are recognised alike).
    Auto,
    /// Every HTML page.
    Always,
}

/// How pages are rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderSettings {
    /// Which pages.
    pub mode: RenderMode,
    /// The Chromium (or Chrome) program; found on `PATH` when not given.
    pub browser: Option<PathBuf>,
    /// The most time one page may take, from opening it to reading it.
    pub timeout: Duration,
    /// Pages rendered at once.
    pub concurrency: usize,
}

impl Default for RenderSettings {
    fn default() -> Self {
        Self {
            mode: RenderMode::Never,
            browser: None,
            timeout: Duration::from_secs(20),
            concurrency: 2,
        }
    }
}

/// Which pages at `url` are rendered under `mode` in a run that asks
/// `archives`: none on an archive (a capture is read as the archive kept
/// it; its scripts would reach the live site).
pub(crate) fn mode_at(mode: RenderMode, archives: &Archives, url: &Url) -> RenderMode {
    if archives.serves(url) {
        RenderMode::Never
    } else {
        mode
    }
}

/// The response the fetcher had for a page, handed to the browser in
/// place of fetching the page again.
#[derive(Debug, Clone)]
pub(crate) struct Served {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The decoded body (sent to the browser as UTF-8).
    pub(crate) body: String,
}

/// A page as the browser left it.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// The document's HTML after its scripts ran.
    pub(crate) html: String,
    /// The hosts of requests the address guard refused, in order, once
    /// each.
    pub(crate) refused: Vec<String>,
}

/// The run's browser, launched when first needed.
#[derive(Debug)]
pub(crate) struct Renderer {
    settings: RenderSettings,
    allow_private: bool,
    /// The archives the run asks (see [`mode_at`]).
    archives: Archives,
    browser: tokio::sync::OnceCell<Result<Launched, String>>,
    slots: tokio::sync::Semaphore,
}

/// A running browser: the protocol's connection, the task that drives it,
/// and its profile folder.
#[derive(Debug)]
struct Launched {
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    profile: PathBuf,
}

impl Drop for Launched {
    fn drop(&mut self) {
        self.handler.abort();
        // The browser is killed when `browser` drops; its profile goes with
        // it (best effort: a profile left behind costs disk, not results).
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Renderer {
    /// A renderer with `settings`; `allow_private` as the fetcher's;
    /// `archives`, the archives the run asks (their captures are never
    /// rendered).
    pub(crate) fn new(settings: RenderSettings, allow_private: bool, archives: Archives) -> Self {
        let slots = tokio::sync::Semaphore::new(settings.concurrency.max(1));
        Self {
            settings,
            allow_private,
            archives,
            browser: tokio::sync::OnceCell::new(),
            slots,
        }
    }

    /// Which pages at `url` are rendered.
    pub(crate) fn mode_for(&self, url: &Url) -> RenderMode {
        mode_at(self.settings.mode, &self.archives, url)
    }

    /// Render `url` (HTTP or HTTPS), whose response the fetcher had as
    /// `document`: its HTML once its scripts ran, or why it could not be
    /// rendered.
    pub(crate) async fn render(&self, url: &Url, document: Served) -> Result<Rendered, String> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| "the renderer was closed".to_owned())?;
        let launched = self
            .browser
            .get_or_init(|| self.launch())
            .await
            .as_ref()
            .map_err(Clone::clone)?;
        let page = launched
            .browser
            .new_page("about:blank")
            .await
            .map_err(|e| format!("Chromium could not open a page: {e}"))?;
        let refused = Arc::new(Mutex::new(Vec::new()));
        // Listening before the page is opened: a request paused with no one
        // to let it through would hang the page.
        let paused = page
            .event_listener::<EventRequestPaused>()
            .await
            .map_err(|e| format!("Chromium would not report the page's requests: {e}"))?;
        let guard = tokio::spawn(guard_requests(
            page.clone(),
            paused,
            Some((url.clone(), document)),
            self.allow_private,
            refused.clone(),
        ));
        let in_flight = InFlight::default();
        let tracker = tokio::spawn(
            in_flight
                .clone()
                .track(page.clone())
                .await
                .map_err(|e| format!("Chromium would not report the page's requests: {e}"))?,
        );
        let limit = self.settings.timeout;
        let outcome = tokio::time::timeout(limit, load(&page, url, &in_flight, limit / 2)).await;
        guard.abort();
        tracker.abort();
        // A page left open would hold the browser's memory to the end.
        let _ = page.close().await;
        let html = match outcome {
            Ok(html) => html?,
            Err(_) => {
                return Err(format!(
                    "rendering took longer than {} s",
                    limit.as_secs_f64()
                ));
            }
        };
        let refused = std::mem::take(&mut *refused.lock());
        Ok(Rendered { html, refused })
    }

    async fn launch(&self) -> Result<Launched, String> {
        let profile = std::env::temp_dir().join(format!(
            "citecheck-chromium-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let mut builder = BrowserConfig::builder()
            .user_data_dir(&profile)
            .respect_https_errors()
            .enable_request_intercept()
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(self.settings.timeout)
            .args([
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Frames in the page's own process, so the page's request
                // guard sees their requests too.
                "--disable-site-isolation-trials",
                "--disable-features=IsolateOrigins,site-per-process",
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            ]);
        if let Some(program) = &self.settings.browser {
            builder = builder.chrome_executable(program);
        }
        if running_as_root() {
            // Chromium refuses to start its sandbox as root.
            builder = builder.no_sandbox();
        }
        let config = builder.build().map_err(|e| {
            format!("no Chromium to render with ({e}); install it or name it with --browser")
        })?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| format!("Chromium could not be started: {e}"))?;
        // The connection is driven until it closes. An error here is most
        // often one message the protocol crate cannot decode (newer
        // browsers send events it does not know): the connection goes on,
        // so neither does this loop stop at one.
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        let launched = Launched {
            browser,
            handler,
            profile,
        };
        launched
            .browser
            .execute(SetDownloadBehaviorParams::new(
                SetDownloadBehaviorBehavior::Deny,
            ))
            .await
            .map_err(|e| format!("Chromium would not deny downloads: {e}"))?;
        Ok(launched)
    }
}

/// The requests a page has in flight, by the protocol's `Network` events
/// (which the connection enables for every page).
#[derive(Debug, Clone, Default)]
struct InFlight(Arc<Mutex<std::collections::HashSet<String>>>);

impl InFlight {
    /// Listen to `page`'s requests (before it is opened: events are not
    /// replayed); the future that keeps count until the page closes.
    async fn track(
        self,
        page: Page,
    ) -> Result<impl std::future::Future<Output = ()> + Send, chromiumoxide::error::CdpError> {
        let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
        let mut finished = page.event_listener::<EventLoadingFinished>().await?;
        let mut failed = page.event_listener::<EventLoadingFailed>().await?;
        Ok(async move {
            loop {
                tokio::select! {
                    Some(e) = sent.next() => {
                        self.lock().insert(e.request_id.inner().clone());
                    }
                    Some(e) = finished.next() => {
                        self.lock().remove(e.request_id.inner());
                    }
                    Some(e) = failed.next() => {
                        self.lock().remove(e.request_id.inner());
                    }
                    else => break,
                }
            }
        })
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, std::collections::HashSet<String>> {
        self.0.lock()
    }

    fn is_idle(&self) -> bool {
        self.lock().is_empty()
    }
}

/// Open `url` in `page` and wait until its text stops changing with no
/// request in flight (or, after `patience`, only until its text stops
/// changing: a page that polls forever is never idle): the document's
/// HTML then.
async fn load(
    page: &Page,
    url: &Url,
    in_flight: &InFlight,
    patience: Duration,
) -> Result<String, String> {
    let started = tokio::time::Instant::now();
    page.goto(url.as_str())
        .await
        .map_err(|e| format!("Chromium could not load the page: {e}"))?;
    // Scripts may go on writing after the load event (data fetched, a
    // framework's first render): read once the text has held still and
    // the page waits for nothing more.
    let mut last = None;
    let mut still = 0;
    while still < 3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let size: Option<u64> = page
            .evaluate("document.body ? document.body.innerText.length : 0")
            .await
            .ok()
            .and_then(|r| r.into_value().ok());
        let waiting = !in_flight.is_idle() && started.elapsed() < patience;
        if size.is_some() && size == last && !waiting {
            still += 1;
        } else {
            still = 0;
            last = size;
        }
    }
    page.content()
        .await
        .map_err(|e| format!("Chromium could not give the page's HTML: {e}"))
}

/// Let through each request `page` makes whose host the address guard
/// allows; fail the others, noting their hosts in `refused`. The first
/// request for the document at `served`'s URL is answered with its body.
async fn guard_requests(
    page: Page,
    mut paused: chromiumoxide::listeners::EventStream<EventRequestPaused>,
    mut served: Option<(Url, Served)>,
    allow_private: bool,
    refused: Arc<Mutex<Vec<String>>>,
) {
    while let Some(event) = paused.next().await {
        let id = event.request_id.clone();
        let url = Url::parse(&event.request.url);
        if let (Ok(asked), Some((at, _))) = (&url, &served)
            && event.resource_type == ResourceType::Document
            && same_page(asked, at)
            && let Some((_, document)) = served.take()
        {
            let _ = page.execute(fulfil(id, document)).await;
            continue;
        }
        let why = match &url {
            Ok(url) if matches!(url.scheme(), "http" | "https" | "ws" | "wss") => {
                guard::refused(url, allow_private).await
            }
            // data:, blob: and the like reach no address.
            Ok(_) => None,
            Err(_) => Some("an address that does not parse".to_owned()),
        };
        if why.is_some() {
            let host = url
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| event.request.url.clone());
            {
                let mut refused = refused.lock();
                if !refused.contains(&host) {
                    refused.push(host);
                }
            }
            let _ = page
                .execute(FailRequestParams::new(id, ErrorReason::BlockedByClient))
                .await;
        } else {
            let _ = page.execute(ContinueRequestParams::new(id)).await;
        }
    }
}

/// Whether two URLs name one page (fragments aside).
fn same_page(a: &Url, b: &Url) -> bool {
    a[..url::Position::AfterQuery] == b[..url::Position::AfterQuery]
}

/// The protocol's answer to a paused request with `document`'s status and
/// body, as UTF-8 HTML (the body was decoded by the fetcher: a charset the
/// page declares in a `<meta>` gives way to the header, as in browsers).
fn fulfil(id: RequestId, document: Served) -> FulfillRequestParams {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(document.body.as_bytes());
    let mut params = FulfillRequestParams::new(id, i64::from(document.status));
    params.response_headers = Some(vec![HeaderEntry::new(
        "content-type",
        "text/html; charset=utf-8",
    )]);
    params.body = Some(body.into());
    params
}

/// Whether this process runs as root (Chromium's sandbox will not).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_on_the_runs_archives_are_never_rendered() {
        let u = |s: &str| Url::parse(s).unwrap();
        let archives = Archives {
            wayback: u("https://web.archive.org"),
            memento: vec![u("http://127.0.0.3:8080/memento/")],
        };
        let live = u("https://news.test/story");
        assert_eq!(
            mode_at(RenderMode::Auto, &archives, &live),
            RenderMode::Auto
        );
        let capture = u("https://web.archive.org/web/2019id_/https://news.test/story");
        assert_eq!(
            mode_at(RenderMode::Always, &archives, &capture),
            RenderMode::Never
        );
        let memento = u("http://127.0.0.3:8080/memento/20190101/https://news.test/");
        assert_eq!(
            mode_at(RenderMode::Auto, &archives, &memento),
            RenderMode::Never
        );
        // Another port of the same host is another origin.
        let other = u("http://127.0.0.3:9090/story");
        assert_eq!(
            mode_at(RenderMode::Auto, &archives, &other),
            RenderMode::Auto
        );
    }
}
