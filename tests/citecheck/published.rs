//! Memos read from a website of our own making on loopback: a sitemap
//! index with a gzipped part, a feed, memo pages with the site's chrome
//! around them, a PDF memo, and a robots.txt that disallows a folder the
//! sitemap lists. Each way in reports exactly the published memos, each
//! with only its own citations and its date read from the page; no
//! disallowed page is requested; bad inputs are errors of their own.

use crate::server::{Reply, Server};
use serde_json::Value;
use std::io::Write;

/// The site's chrome: navigation, related memos, sharing, a footer. None
/// of it is a citation.
fn page(title: &str, head: &str, article: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>\
         <header><nav><a href=\"/\">Institute</a> <a href=\"/memos/\">Memos</a> \
         <a href=\"/about\">About</a></nav></header>\
         <main><article>{article}</article>\
         <aside><h2>Related</h2><ul><li><a href=\"/memos/2019/water\">Water</a></li></ul></aside>\
         </main><footer><a href=\"https://social.test/share\">Share</a> \
         <a href=\"/privacy\">Privacy</a></footer></body></html>"
    )
}

/// The gas memo's head, and its text as its author wrote it: on the
/// site it stands inside an article with a byline, share tools and tags.
const GAS_HEAD: &str =
    "<meta property=\"article:published_time\" content=\"2012-03-01T09:00:00Z\">";
const GAS_ARTICLE: &str = "<p>The minister said that “the pipeline will be finished by the end \
    of the year” (<a href=\"../../sources/interview\">interview</a>) and the \
    <a href=\"/sources/gone\">old report</a> is gone.</p>";

fn xml(body: &str) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("content-type", "application/xml".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn gzip(body: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(body.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn urlset(entries: &[(&str, &str)]) -> String {
    let urls: String = entries
        .iter()
        .map(|(loc, lastmod)| format!("<url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{urls}</urlset>"
    )
}

/// The institute's website.
fn site() -> Server {
    let pdf = crate::support::pdf_with_lines(&[
        "Grid memo, 2015",
        "The report is at /sources/report and the gone one at",
        "ORIGIN/sources/gone for the record.",
    ]);
    let pdf = std::sync::Arc::new(std::sync::Mutex::new(pdf));
    let served_pdf = pdf.clone();
    let origin = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let seen_origin = origin.clone();
    let server = Server::start(move |path, _| {
        let origin = seen_origin.get().cloned().unwrap_or_default();
        match path {
            "/robots.txt" => Reply::Full {
                status: 200,
                headers: vec![("content-type", "text/plain".into())],
                body: b"User-agent: *\nDisallow: /drafts/\nDisallow: /memos/drafts/\n".to_vec(),
            },
            "/sitemap.xml" => xml(&format!(
                "<sitemapindex><sitemap><loc>{origin}/sitemap-memos.xml.gz</loc></sitemap>\
                 <sitemap><loc>/sitemap-more.xml</loc></sitemap></sitemapindex>"
            )),
            "/sitemap-memos.xml.gz" => Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/gzip".into())],
                body: gzip(&urlset(&[
                    (&format!("{origin}/memos/2012/gas"), "2020-01-01"),
                    (&format!("{origin}/memos/2015/grid.pdf"), "2015-05-05"),
                    (&format!("{origin}/drafts/secret"), "2021-01-01"),
                ])),
            },
            "/sitemap-more.xml" => xml(&urlset(&[
                (&format!("{origin}/memos/2019/water"), "2019-01-03"),
                (&format!("{origin}/memos/2016/undated"), "2016-06-06"),
            ])),
            "/memos/2016/undated" => Reply::html(
                200,
                &page("Undated", "", "<p>See <a href=\"/sources/report\">the report</a>.</p>"),
            ),
            "/feed.xml" => Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/rss+xml".into())],
                body: format!(
                    "<rss version=\"2.0\"><channel><title>Memos</title><link>{origin}/</link>\
                     <item><link>/memos/2019/water</link><pubDate>Thu, 03 Jan 2019 10:00:00 GMT</pubDate></item>\
                     <item><link>{origin}/memos/2012/gas</link><pubDate>Thu, 01 Mar 2012 10:00:00 GMT</pubDate></item>\
                     </channel></rss>"
                )
                .into_bytes(),
            },
            "/memos/2012/gas" => Reply::html(
                200,
                &page(
                    "Gas transit",
                    GAS_HEAD,
                    &format!(
                        "<header><h1>Gas transit</h1><p class=\"byline\">By \
                         <a href=\"/people/ann\">Ann</a></p></header>{GAS_ARTICLE}\
                         <div class=\"share-tools\"><a href=\"https://social.test/intent/tweet?u=x\">Tweet</a> \
                         <a href=\"/memos/2012/gas?print=1\">Print</a></div>\
                         <ul class=\"tags\"><li><a href=\"/topics/gas\">gas</a></li>\
                         <li><a href=\"/topics/energy\">energy</a></li></ul>"
                    ),
                ),
            ),
            "/memos/2019/water" => Reply::html(
                200,
                &page(
                    "Water",
                    "<script type=\"application/ld+json\">{\"@type\": \"Article\", \
                     \"datePublished\": \"2019-01-02\"}</script>",
                    "<h1>Water</h1><p>See <a href=\"/sources/report\">the report</a>.</p>",
                ),
            ),
            "/memos/2015/grid.pdf" => Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/pdf".into())],
                body: served_pdf.lock().unwrap().clone(),
            },
            "/sources/interview" => Reply::html(
                200,
                "<title>Interview</title><p>The minister said that the pipeline will be \
                 finished by the end of the year.</p>",
            ),
            "/sources/report" => Reply::html(200, "<title>Report</title><p>The report.</p>"),
            "/memos/" => Reply::html(
                200,
                &page(
                    "Memos",
                    "<link rel=\"next\" href=\"/memos/?page=2\">",
                    "<h1>Memos</h1><ul><li><a href=\"2012/gas\">Gas transit</a></li>\
                     <li><a href=\"/memos/2019/water#top\">Water</a></li>\
                     <li><a href=\"drafts/plan\">Plan (draft)</a></li></ul>",
                ),
            ),
            "/memos/?page=2" => Reply::html(
                200,
                &page(
                    "Memos, page 2",
                    "",
                    "<ul><li><a href=\"/memos/2015/grid.pdf\">Grid</a></li>\
                     <li><a href=\"/memos/2010/lost\">Lost</a></li></ul>",
                ),
            ),
            "/memos/2020/moved" => Reply::html(
                200,
                &page(
                    "Moved",
                    "",
                    "<p>See <a href=\"/sources/old-report\">the report</a>.</p>",
                ),
            ),
            "/sources/old-report" => Reply::redirect(301, "/sources/report"),
            "/offsite" => Reply::redirect(301, &origin.replace("127.0.0.1", "localhost")),
            "/login" => Reply::html(
                200,
                "<title>Sign in</title><form><input type=\"password\" name=\"p\"></form>",
            ),
            "/members/memo" => Reply::redirect(302, "/login"),
            "/empty-feed.xml" => xml("<rss><channel><title>Nothing yet</title></channel></rss>"),
            "/broken-sitemap.xml" => xml("<urlset><url><loc>/a</loc></url"),
            _ => Reply::html(404, "<title>Not found</title><p>No such page.</p>"),
        }
    });
    origin
        .set(server.url("").trim_end_matches('/').to_owned())
        .unwrap();
    // The PDF names the site by its address, known only now.
    let text = crate::support::pdf_with_lines(&[
        "Grid memo, 2015",
        &format!(
            "The report is at {} and the gone one at",
            server.url("/sources/report")
        ),
        &format!("{} for the record.", server.url("/sources/gone")),
    ]);
    *pdf.lock().unwrap() = text;
    server
}

fn check(args: &[&str]) -> (Value, i32, String) {
    let mut all = vec!["check", "--allow-private", "--no-archive", "-f", "json"];
    all.extend_from_slice(args);
    let out = crate::support::citecheck(&all, None);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    crate::support::assert_valid_report(&json);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (json, out.status.code().unwrap(), stderr)
}

/// A memo's name, date and links (URL and verdict).
type Seen = (String, Value, Vec<(String, String)>);

/// Each memo's name, date and links.
fn memos(json: &Value) -> Vec<Seen> {
    json["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let links = m["links"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let url = l["resolved_url"].as_str().or(l["url"].as_str());
                    (
                        url.unwrap().to_owned(),
                        l["verdict"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (
                m["path"].as_str().unwrap().to_owned(),
                m["date"].clone(),
                links,
            )
        })
        .collect()
}

#[test]
fn a_sitemap_index_gives_the_published_memos_with_their_own_citations() {
    let site = site();
    let u = |p: &str| site.url(p);
    let (json, code, stderr) = check(&["--host-concurrency", "1", &u("/sitemap.xml")]);
    let memos = memos(&json);
    let names: Vec<&str> = memos.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        names,
        [
            u("/memos/2012/gas"),
            u("/memos/2015/grid.pdf"),
            u("/memos/2019/water"),
            u("/memos/2016/undated")
        ],
        "{stderr}"
    );
    let ok = |p: &str, v: &str| (u(p), v.to_owned());
    assert_eq!(
        memos[0].2,
        [
            ok("/sources/interview", "ok"),
            ok("/sources/gone", "broken")
        ],
        "only the article's links, resolved against the page's URL"
    );
    assert_eq!(memos[0].1, "2012-03-01T09:00:00Z", "the page's own date");
    assert_eq!(json["memos"][0]["format"], "html");
    assert_eq!(json["memos"][0]["quotes"][0]["verdict"], "found");
    assert_eq!(
        memos[1].2,
        [ok("/sources/report", "ok"), ok("/sources/gone", "broken")]
    );
    assert_eq!(json["memos"][1]["format"], "pdf");
    assert_eq!(
        memos[1].1, "2015-05-05",
        "the sitemap's lastmod, last resort"
    );
    assert_eq!(memos[2].2, [ok("/sources/report", "ok")]);
    assert_eq!(memos[2].1, "2019-01-02", "JSON-LD's datePublished");
    assert_eq!(
        memos[3].1, "2016-06-06",
        "the sitemap's lastmod, the last resort"
    );
    assert_eq!(code, 1, "a broken citation");

    assert_eq!(site.hits("/drafts/secret"), 0, "robots.txt disallows it");
    let notices = json["notices"].to_string();
    assert!(
        notices.contains("robots.txt of 127.0.0.1 disallows 1 listed page"),
        "{notices}"
    );
    assert!(notices.contains("/drafts/secret"), "{notices}");
    // Every page once; the site's limit held across memo pages and
    // sources alike.
    for path in ["/memos/2012/gas", "/sitemap-memos.xml.gz", "/robots.txt"] {
        assert_eq!(site.hits(path), 1, "{path}");
    }
    assert_eq!(site.max_in_flight(), 1);
}

#[test]
fn a_web_memo_has_the_verdicts_of_the_same_memo_on_disk() {
    let site = site();
    let url = site.url("/memos/2012/gas");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gas.html");
    std::fs::write(
        &file,
        format!(
            "<html><head>{GAS_HEAD}</head><body><h1>Gas transit</h1>{GAS_ARTICLE}</body></html>"
        ),
    )
    .unwrap();
    let (web, _, stderr) = check(&[&url]);
    let (disk, _, _) = check(&["--base-url", &url, file.to_str().unwrap()]);
    let (web_memos, disk_memos) = (memos(&web), memos(&disk));
    assert_eq!(web_memos.len(), 1, "{stderr}");
    assert_eq!(
        web_memos[0].2, disk_memos[0].2,
        "the same links, the same verdicts"
    );
    assert_eq!(web_memos[0].1, disk_memos[0].1, "the same date");
    let verdicts = |json: &Value| -> Vec<Value> {
        json["memos"][0]["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["verdict"].clone())
            .collect()
    };
    assert_eq!(verdicts(&web), verdicts(&disk), "the same quote verdicts");
    assert_eq!(verdicts(&web), ["found"]);
    assert_eq!(site.hits("/people/ann"), 0, "the byline is not a citation");
    assert_eq!(site.hits("/topics/gas"), 0, "nor are the tags");
}

#[test]
fn a_feed_and_since() {
    let site = site();
    let u = |p: &str| site.url(p);
    let (json, _, _) = check(&[&u("/feed.xml")]);
    let names: Vec<String> = memos(&json).into_iter().map(|m| m.0).collect();
    assert_eq!(names, [u("/memos/2019/water"), u("/memos/2012/gas")]);

    let (json, _, _) = check(&["--since", "2015-01-01", &u("/sitemap.xml")]);
    let names: Vec<String> = memos(&json).into_iter().map(|m| m.0).collect();
    assert_eq!(
        names,
        [
            u("/memos/2012/gas"),
            u("/memos/2015/grid.pdf"),
            u("/memos/2019/water"),
            u("/memos/2016/undated")
        ],
        "lastmod 2020 for the gas memo: modified since"
    );
    let (json, _, _) = check(&["--since", "2019-01-03", &u("/feed.xml")]);
    let names: Vec<String> = memos(&json).into_iter().map(|m| m.0).collect();
    assert_eq!(names, [u("/memos/2019/water")]);
    assert_eq!(site.hits("/robots.txt"), 3, "read once per run");
}

#[test]
fn bad_inputs_are_errors_of_their_own_and_the_run_goes_on() {
    let site = site();
    let u = |p: &str| site.url(p);
    let (json, code, _) = check(&[
        &u("/empty-feed.xml"),
        &u("/broken-sitemap.xml"),
        &u("/members/memo"),
        &u("/memos/2031/future"),
        &u("/memos/2019/water"),
    ]);
    let problem = |i: usize| {
        json["memos"][i]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(json["memos"].as_array().unwrap().len(), 5);
    // Inputs that could not be read come first, in order.
    assert!(
        problem(0).contains("the feed lists no items"),
        "{}",
        problem(0)
    );
    assert!(
        problem(1).starts_with(&format!("{}: not a sitemap", u("/broken-sitemap.xml"))),
        "{}",
        problem(1)
    );
    assert!(
        problem(2).contains("answers a login page"),
        "{}",
        problem(2)
    );
    assert!(problem(3).contains("HTTP 404 Not Found"), "{}", problem(3));
    assert_eq!(json["memos"][3]["io_failed"], true);
    assert_eq!(json["memos"][4]["path"], u("/memos/2019/water"));
    assert_eq!(json["memos"][4]["links"][0]["verdict"], "ok");
    assert_eq!(code, 2, "a memo URL that cannot be read is an input error");
    assert_eq!(
        site.hits("/robots.txt"),
        0,
        "named URLs are fetched as asked"
    );
}

#[test]
fn a_crawl_reports_the_memos_it_walks_to_not_the_listings() {
    let site = site();
    let u = |p: &str| site.url(p);
    let (json, code, stderr) = check(&["--crawl", &u("/memos/")]);
    let memos = memos(&json);
    let names: Vec<&str> = memos.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        names,
        [
            u("/memos/2012/gas"),
            u("/memos/2019/water"),
            u("/memos/2015/grid.pdf")
        ],
        "the listing and its second page are walked through, not reported: {stderr}"
    );
    assert_eq!(memos[0].2.len(), 2, "only the article's links");
    assert_eq!(memos[0].1, "2012-03-01T09:00:00Z");
    assert_eq!(code, 1);
    let notices = json["notices"].to_string();
    assert!(notices.contains("disallows 1 linked page"), "{notices}");
    assert!(
        notices.contains("/memos/2010/lost (HTTP 404 Not Found)"),
        "{notices}"
    );
    assert!(notices.contains("walked 5 pages"), "{notices}");
    assert_eq!(
        site.hits("/memos/drafts/plan"),
        0,
        "robots.txt disallows it"
    );
    assert_eq!(site.hits("/about"), 0, "outside the start's folder");
    assert_eq!(
        site.hits("/sources/interview"),
        1,
        "a citation, checked once"
    );

    // No deeper than asked: the start and its further pages only.
    let (json, _, _) = check(&["--crawl-depth", "0", "--crawl", &u("/memos/")]);
    assert_eq!(json["memos"].as_array().unwrap().len(), 0);
    assert!(json["notices"].to_string().contains("walked 2 pages"));

    // A start that leaves its site is an error of its own.
    let (json, code, _) = check(&["--crawl", &u("/offsite")]);
    let message = json["memos"][0]["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("redirects off its site"), "{message}");
    assert_eq!(code, 2);
}

#[test]
fn fix_lists_a_web_memos_fixes_and_shards_split_a_sitemap() {
    let site = site();
    let u = |p: &str| site.url(p);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = crate::support::citecheck(
        &[
            "fix",
            "--dry-run",
            "--allow-private",
            "--no-archive",
            "-f",
            &format!("json={}", report.display()),
            &u("/memos/2020/moved"),
        ],
        None,
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(&u("/sources/report")),
        "the dry run lists it: {listed}"
    );
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let fix = &json["memos"][0]["fixes"][0];
    assert_eq!(fix["new"], u("/sources/report"), "{json}");
    assert_eq!(fix["applied"], false);
    assert!(
        fix["reason"]
            .as_str()
            .unwrap()
            .contains("read from the web is not rewritten"),
        "{fix}"
    );

    let mut seen = Vec::new();
    for shard in ["1/2", "2/2"] {
        let (json, _, _) = check(&["--shard", shard, &u("/sitemap.xml")]);
        seen.extend(memos(&json).into_iter().map(|m| m.0));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            u("/memos/2012/gas"),
            u("/memos/2015/grid.pdf"),
            u("/memos/2016/undated"),
            u("/memos/2019/water")
        ],
        "each memo in exactly one shard"
    );
    assert_eq!(site.hits("/memos/2012/gas"), 1, "fetched by its shard only");
}

/// A rerun asks the memo pages only for a change (`If-None-Match`,
/// `If-Modified-Since`); a `304 Not Modified` is answered from the store,
/// with the same memo and verdicts.
fn a_rerun_revalidates_the_memo_pages(store: &crate::support::TestStore) {
    use crate::server::Request;
    let server = Server::serving("127.0.0.1", |request: &Request| {
        match request.path.as_str() {
            "/memo" if request.header("if-none-match") == Some("\"v1\"") => Reply::Full {
                status: 304,
                headers: vec![("etag", "\"v1\"".into())],
                body: Vec::new(),
            },
            "/memo" => Reply::html(
                200,
                &page("Memo", "", "<p>See <a href=\"/source\">the source</a>.</p>"),
            )
            .with("etag", "\"v1\"")
            .with("last-modified", "Thu, 01 Mar 2012 10:00:00 GMT"),
            "/source" => Reply::html(200, "<title>Source</title><p>Fine.</p>"),
            _ => Reply::html(404, "<title>Not found</title>"),
        }
    });
    let memo = server.url("/memo");
    let run = || {
        let mut args = vec![
            "check".to_owned(),
            "--allow-private".into(),
            "--no-archive".into(),
            "-f".into(),
            "json".into(),
            memo.clone(),
        ];
        args.extend(store.args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = crate::support::citecheck_in(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
            &args,
            None,
            &[("CITECHECK_NO_CACHE", "0")],
        );
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        json
    };
    let first = run();
    assert!(
        server
            .head("/memo")
            .unwrap()
            .to_ascii_lowercase()
            .find("if-none-match")
            .is_none()
    );
    let second = run();
    let head = server.head("/memo").unwrap().to_ascii_lowercase();
    assert!(head.contains("if-none-match: \"v1\""), "{head}");
    assert!(
        head.contains("if-modified-since: thu, 01 mar 2012"),
        "{head}"
    );
    assert_eq!(
        memos(&second),
        memos(&first),
        "the same memo, from the store"
    );
    assert_eq!(memos(&second)[0].2.len(), 1);
    assert!(
        second["notices"]
            .to_string()
            .contains("1 memo page unchanged since the last run"),
        "{}",
        second["notices"]
    );
}

#[test]
fn a_rerun_revalidates_the_memo_pages_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_rerun_revalidates_the_memo_pages(&crate::support::TestStore::Folder(
        dir.path().join("cache"),
    ));
}

#[test]
fn a_rerun_revalidates_the_memo_pages_in_postgres() {
    a_rerun_revalidates_the_memo_pages(&crate::support::TestStore::postgres());
}

#[test]
fn a_crawl_delay_spaces_the_listed_pages() {
    let origin = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let seen = origin.clone();
    let site = Server::start(move |path, _| {
        let origin = seen.get().cloned().unwrap_or_default();
        match path {
            "/robots.txt" => Reply::Full {
                status: 200,
                headers: vec![("content-type", "text/plain".into())],
                body: b"User-agent: *\nCrawl-delay: 1\n".to_vec(),
            },
            "/sitemap.xml" => xml(&urlset(&[
                (&format!("{origin}/memos/a"), "2020-01-01"),
                (&format!("{origin}/memos/b"), "2020-01-02"),
                (&format!("{origin}/memos/c"), "2020-01-03"),
            ])),
            p if p.starts_with("/memos/") => Reply::html(
                200,
                &page(
                    "Memo",
                    "",
                    "<p>See <a href=\"/sources/report\">the report</a>.</p>",
                ),
            ),
            "/sources/report" => Reply::html(200, "<title>Report</title><p>The report.</p>"),
            _ => Reply::html(404, "<title>Not found</title>"),
        }
    });
    origin
        .set(site.url("").trim_end_matches('/').to_owned())
        .unwrap();
    let (json, code, stderr) = check(&[&site.url("/sitemap.xml")]);
    assert_eq!(memos(&json).len(), 3, "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    let mut times: Vec<std::time::Instant> = ["/memos/a", "/memos/b", "/memos/c"]
        .iter()
        .flat_map(|p| site.times(p))
        .collect();
    times.sort();
    assert_eq!(times.len(), 3, "each memo page once");
    // A slow machine only spaces them further: the floor is what counts.
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= std::time::Duration::from_millis(950),
            "pages {gap:?} apart, Crawl-delay asks 1 s"
        );
    }
}

#[test]
fn a_web_office_memo_is_dated_by_its_document_properties() {
    let office = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/memos/office");
    let docx = std::fs::read(office.join("policy-libreoffice.docx")).unwrap();
    let odt = std::fs::read(office.join("policy-libreoffice.odt")).unwrap();
    let site = Server::start(move |path, _| {
        let (body, kind) = match path {
            "/memos/policy.docx" => (
                docx.clone(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "/memos/policy.odt" => (odt.clone(), "application/vnd.oasis.opendocument.text"),
            _ => return Reply::html(404, "<title>Not found</title>"),
        };
        Reply::Full {
            status: 200,
            headers: vec![("content-type", kind.into())],
            body,
        }
    });
    // Its citations are on the real web: excluded, never fetched.
    let (json, _, stderr) = check(&[
        "--exclude",
        ".",
        &site.url("/memos/policy.docx"),
        &site.url("/memos/policy.odt"),
    ]);
    let dated: Vec<(String, Value)> = json["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["format"].as_str().unwrap().to_owned(), m["date"].clone()))
        .collect();
    assert_eq!(
        dated,
        [
            ("docx".to_owned(), Value::from("2026-12-04")),
            ("odt".to_owned(), Value::from("2026-12-04"))
        ],
        "Word's dcterms:created and OpenDocument's meta:creation-date (LibreOffice's own files) {stderr}"
    );
}
