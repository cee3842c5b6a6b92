//! One self-contained HTML page for editors: counts by verdict, filters by
//! verdict and memo (kept in the address's `#fragment`, so a filtered view
//! can be bookmarked), a table of links and one of quotes per memo, each
//! quote beside the source's wording with the differing words marked, and
//! archived copies as links.
//!
//! Everything from a memo or a fetched page is escaped, and a Content
//! Security Policy allows only the page's own script (by its hash), so
//! even text that slipped through escaping could not run.

use super::markup::{shorten, xml};
use super::{MemoReport, Report};
use crate::model::Severity;
use base64::Engine;
use sha2::Digest;
use std::io::{self, Write};

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#fff;border-bottom:1px solid #ddd;padding:1em 2em;position:sticky;top:0}
h1{margin:0 0 .3em;font-size:1.4em} h2{font-size:1.1em;margin:1.5em 0 .5em;word-break:break-all}
main{padding:0 2em 3em} table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0}
th,td{border:1px solid #e3e3e3;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3;font-weight:600} td.at{white-space:nowrap;color:#666}
.counts td,.counts th{width:auto} .counts{width:auto}
.v{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;white-space:nowrap}
.error{background:#fde2e1;color:#8a1c16} .warning{background:#fff1cc;color:#7a5200} .info{background:#e7f3e8;color:#1f5f28}
.url{word-break:break-all} blockquote{margin:0;font-style:italic}
.says{margin-top:.3em;color:#333} del{background:#fde2e1;text-decoration:line-through} ins{background:#d9f2dc;text-decoration:none}
form label{margin-right:1.2em} [hidden]{display:none!important} .none{color:#666}
a.url,.url{overflow-wrap:anywhere;word-break:normal}
.finding{background:#fff;border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;padding:.6em 1em;margin:.6em 0}
.finding.f-error{border-left-color:#b3261e} .finding.f-warning{border-left-color:#8a6100}
.finding h4{margin:0 0 .3em;font-size:1.05em} .where{margin:0;color:#555;font-size:.9em}
.context{font-style:normal;border-left:3px solid #ccc;padding-left:.7em;margin:.5em 0;color:#222}
mark{background:#ffe58a;color:#1d1d1f} .todo{font-weight:600} details summary{cursor:pointer}
.drift p{margin:.2em 0} figure{margin:.5em 0} svg.chart text{fill:#1d1d1f}
table.chart-data{width:auto;font-size:.9em} table.chart-data caption{text-align:left;font-weight:600} a:focus,select:focus,input:focus,summary:focus{outline:3px solid #1a5fb4;outline-offset:2px}
@media (max-width:700px){header{position:static;padding:.8em 1em} main{padding:0 1em 2em}
 table,tbody,tr,td,th{display:block;width:auto} tr:first-child{display:none} td{border:none;border-top:1px solid #eee}
 tr{border:1px solid #ddd;margin:.4em 0;background:#fff} td.at{white-space:normal}
 .counts tr:first-child{display:block} .counts th,.counts td{display:inline-block}
 table.chart-data{display:table} .chart-data tbody{display:table-row-group} .chart-data tr,.chart-data tr:first-child{display:table-row}
 .chart-data th,.chart-data td{display:table-cell;border:1px solid #e3e3e3} .chart-data caption{display:table-caption}}
@media print{header{position:static} details{display:block} details>*{display:block}}
"#;

const SCRIPT: &str = r#"
(function () {
  var verdict = document.getElementById('verdict');
  var memo = document.getElementById('memo');
  var attention = document.getElementById('attention');
  function apply() {
    var rows = document.querySelectorAll('[data-verdict]');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var show = (!verdict.value || r.getAttribute('data-verdict') === verdict.value)
        && (!memo.value || r.getAttribute('data-memo') === memo.value)
        && (!attention.checked || r.getAttribute('data-severity') !== 'info');
      r.hidden = !show;
    }
    var sections = document.querySelectorAll('section[data-memo]');
    for (var j = 0; j < sections.length; j++) {
      var s = sections[j];
      s.hidden = s.querySelectorAll('[data-verdict]:not([hidden])').length === 0;
    }
  }
  function save() {
    var parts = [];
    if (verdict.value) parts.push('verdict=' + encodeURIComponent(verdict.value));
    if (memo.value) parts.push('memo=' + encodeURIComponent(memo.value));
    if (attention.checked) parts.push('attention=1');
    history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname);
    apply();
  }
  function load() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (p) {
      var kv = p.split('=');
      if (kv[0]) params[kv[0]] = decodeURIComponent(kv[1] || '');
    });
    verdict.value = params.verdict || '';
    memo.value = params.memo || '';
    attention.checked = params.attention === '1';
    apply();
  }
  verdict.addEventListener('change', save);
  memo.addEventListener('change', save);
  attention.addEventListener('change', save);
  window.addEventListener('hashchange', load);
  load();
  document.body.setAttribute('data-ready', 'yes');
})();
"#;

/// Write the page.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT));
    let s = &report.summary;
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>citecheck report</title><style>{STYLE}</style></head><body>\n<header>\
         <h1>citecheck report</h1><p>{}: <b>{}</b>, {} ({} {}, {:.1} s).</p>",
        xml(&s.scope()),
        super::count(s.errors, "error"),
        super::count(s.warnings, "warning"),
        report.tool.name,
        report.tool.version,
        s.elapsed_ms as f64 / 1000.0
    )?;
    write!(out, "<table class=\"counts\"><tr><th></th>")?;
    let links: Vec<_> = s.links_by_verdict.iter().filter(|(_, n)| **n > 0).collect();
    let quotes: Vec<_> = s
        .quotes_by_verdict
        .iter()
        .filter(|(_, n)| **n > 0)
        .collect();
    for (name, _) in links.iter().chain(&quotes) {
        write!(out, "<th>{name}</th>")?;
    }
    write!(out, "</tr><tr><th>count</th>")?;
    for (_, n) in links.iter().chain(&quotes) {
        write!(out, "<td>{n}</td>")?;
    }
    writeln!(out, "</tr></table>")?;
    if let Some(p) = &s.preservation {
        write!(
            out,
            "<p class=\"preservation\">Sources: {} preserved, {} already preserved, \
             {} not preserved",
            p.preserved, p.already_preserved, p.not_preserved
        )?;
        let why: Vec<String> = p
            .why_not
            .iter()
            .map(|(why, n)| format!("{} ({n})", xml(why)))
            .collect();
        if !why.is_empty() {
            write!(out, ": {}", why.join("; "))?;
        }
        writeln!(out, ".</p>")?;
    }
    write!(
        out,
        "<form id=\"filters\"><label>Verdict <select id=\"verdict\"><option value=\"\">all</option>"
    )?;
    for (name, n) in &links {
        write!(out, "<option value=\"{name}\">link {name} ({n})</option>")?;
    }
    for (name, n) in &quotes {
        write!(out, "<option value=\"{name}\">quote {name} ({n})</option>")?;
    }
    write!(
        out,
        "</select></label><label>Memo <select id=\"memo\"><option value=\"\">all</option>"
    )?;
    for (i, memo) in report.memos.iter().enumerate() {
        write!(
            out,
            "<option value=\"{i}\">{}</option>",
            xml(&shorten(&memo.path, 80))
        )?;
    }
    writeln!(
        out,
        "</select></label><label><input type=\"checkbox\" id=\"attention\"> \
         only what needs attention</label></form></header>\n<main>"
    )?;
    sites(report, out)?;
    write!(
        out,
        "{}",
        super::charts::render(&report.memos, &report.summary.sites)
    )?;
    for (i, memo) in report.memos.iter().enumerate() {
        render_memo(i, memo, out)?;
    }
    writeln!(out, "</main>\n<script>{SCRIPT}</script></body></html>")
}

/// The sites diagnosed or with dead links, first in the page: what an
/// editor fixes site by site (a moved site's rule shown).
fn sites(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let (shown, more) = super::sites::shown(&report.summary.sites);
    if shown.is_empty() {
        return Ok(());
    }
    write!(
        out,
        "<section class=\"sites\" aria-labelledby=\"sites\"><h2 id=\"sites\">Sites</h2>\
         <table><tr><th scope=\"col\">site</th><th scope=\"col\">memos</th>\
         <th scope=\"col\">links</th><th scope=\"col\">dead</th>\
         <th scope=\"col\">diagnosis</th></tr>"
    )?;
    for site in shown {
        let diagnosis = match &site.diagnosis {
            Some(d) => {
                let class = match d.kind {
                    "moved" | "blocking" => "warning",
                    _ => "error",
                };
                let what = match &d.rule {
                    Some(rule) => format!(
                        "{} of its links redirect under one rule: <code class=\"url\">{}</code> \
                         → <code class=\"url\">{}</code>",
                        rule.links,
                        xml(&rule.from),
                        xml(&rule.to)
                    ),
                    None => xml(d
                        .detail
                        .split_once(": ")
                        .map_or(&d.detail[..], |(_, rest)| rest)),
                };
                format!(
                    "<span class=\"v {class}\">{}</span> {what}",
                    d.kind.replace('_', " ")
                )
            }
            None => "<span class=\"none\">none</span>".to_owned(),
        };
        write!(
            out,
            "<tr><td class=\"url\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{diagnosis}</td></tr>",
            xml(&site.host),
            site.memos,
            site.links,
            site.dead()
        )?;
    }
    write!(out, "</table>")?;
    if more > 0 {
        write!(
            out,
            "<p>{more} more sites with findings are in the JSON report.</p>"
        )?;
    }
    writeln!(out, "</section>")
}

fn severity_class(severity: Severity) -> &'static str {
    severity.name()
}

/// A URL as a link when it is http(s), else as text.
fn url_cell(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!(
            "<a class=\"url\" href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
            xml(url)
        )
    } else {
        format!("<span class=\"url\">{}</span>", xml(url))
    }
}

fn render_memo(index: usize, memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "<section data-memo=\"{index}\"><h2>{} <small>({}{})</small></h2>",
        xml(&memo.path),
        memo.format,
        memo.date
            .as_deref()
            .map(|d| format!(", dated {}", xml(d)))
            .unwrap_or_default()
    )?;
    problems_table(index, memo, out)?;
    if memo.links.is_empty() && memo.quotes.is_empty() {
        writeln!(out, "<p class=\"none\">Nothing cited.</p>")?;
    }
    attention(index, memo, out)?;
    fixes(memo, out)?;
    if !memo.links.is_empty() || !memo.quotes.is_empty() {
        let fine = memo
            .links
            .iter()
            .filter(|l| l.severity == Severity::Info)
            .count()
            + memo
                .quotes
                .iter()
                .filter(|q| q.severity == Severity::Info)
                .count();
        writeln!(
            out,
            "<details class=\"all\"><summary>Every link and quote ({} links, {} quotes; \
             {fine} fine)</summary>",
            memo.links.len(),
            memo.quotes.len()
        )?;
        links_table(index, memo, out)?;
        quotes_table(index, memo, out)?;
        writeln!(out, "</details>")?;
    }
    writeln!(out, "</section>")
}

/// A verdict in words an editor reads without knowing the tool.
fn in_words(kind: &str, verdict: &str) -> &'static str {
    match (kind, verdict) {
        ("link", "broken") => "The page is gone",
        ("link", "soft_404") => "The page is gone (the site shows a “not found” page)",
        ("link", "anchor_missing") => "The cited part of the page is gone",
        ("link", "blocked") => "The site refuses automated checks",
        ("link", "redirected") => "The page has moved",
        ("link", "unchecked") => "The link was not checked",
        ("link", "excluded") => "The link is not checked",
        ("link", _) => "The link is fine",
        ("quote", "missing") => "The quote is no longer on the page",
        ("quote", "approximate") => "The quote differs from the page",
        ("quote", "unverifiable") => "The quote could not be checked",
        ("quote", _) => "The quote is on the page",
        _ => "A problem with the memo",
    }
}

/// The memo's sentence, escaped, with `marked` (the quote, the link's
/// words or URL) highlighted where it stands in it.
fn sentence(context: &str, marked: &[&str]) -> String {
    for needle in marked.iter().filter(|n| !n.is_empty()) {
        if let Some(at) = context.find(needle) {
            return format!(
                "{}<mark>{}</mark>{}",
                xml(&context[..at]),
                xml(needle),
                xml(&context[at + needle.len()..])
            );
        }
    }
    xml(context)
}

/// What needs attention, worst first: one card per entry, with the memo's
/// sentence, the verdict in words, what to do, and the evidence below.
fn attention(index: usize, memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    let mut entries: Vec<_> = memo
        .entries()
        .into_iter()
        .filter(|e| e.finding.kind() != "memo" && e.finding.severity() >= Severity::Warning)
        .collect();
    if entries.is_empty() {
        if !memo.links.is_empty() || !memo.quotes.is_empty() {
            writeln!(out, "<p class=\"none\">Nothing needs attention.</p>")?;
        }
        return Ok(());
    }
    entries.sort_by_key(|e| {
        (
            std::cmp::Reverse(e.finding.severity()),
            e.places.first().copied(),
        )
    });
    writeln!(
        out,
        "<h3 class=\"needs\">Needs attention ({})</h3>",
        entries.len()
    )?;
    for entry in entries {
        let f = entry.finding;
        let sev = severity_class(f.severity());
        let (context, marked, body) = match f.item {
            super::Item::Link(l) => {
                let words = [l.text.as_deref().unwrap_or_default(), l.url.as_str()];
                let marked: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
                (l.context.clone(), marked, link_card(l))
            }
            super::Item::Quote(q) => (q.context.clone(), vec![q.text.clone()], quote_card(q)),
            super::Item::Problem(_) => continue,
        };
        let at = entry.at().unwrap_or_default();
        let place = if entry.places.len() > 1 {
            format!("lines {at}")
        } else if at.is_empty() {
            String::new()
        } else {
            format!("at {at}")
        };
        writeln!(
            out,
            "<article class=\"finding f-{sev}\" data-verdict=\"{v}\" data-memo=\"{index}\" \
             data-severity=\"{sev}\"><h4><span class=\"v {sev}\">{sev}: {v}</span> {}</h4>\
             <p class=\"where\">{} {}</p>",
            in_words(f.kind(), f.verdict()),
            f.kind(),
            xml(&place),
            v = f.verdict(),
        )?;
        if let Some(context) = context {
            let marked: Vec<&str> = marked.iter().map(String::as_str).collect();
            writeln!(
                out,
                "<blockquote class=\"context\">{}</blockquote>",
                sentence(&context, &marked)
            )?;
        }
        writeln!(out, "{body}")?;
        if let Some(reason) = f.reason() {
            writeln!(out, "<p class=\"why\">Why: {}</p>", reason_cell(reason))?;
        }
        writeln!(out, "</article>")?;
    }
    Ok(())
}

/// A link card's address and what to do.
fn link_card(l: &super::LinkResult) -> String {
    let mut body = format!("<p class=\"address\">{}</p>", url_cell(&l.url));
    let todo = match &l.suggestion {
        Some(s) => match &s.timestamp {
            Some(ts) => format!(
                "Use the archived copy of {}: {}",
                crate::date::of_timestamp(ts),
                url_cell(&s.url)
            ),
            None => format!("Use the new address: {}", url_cell(&s.url)),
        },
        None if l.verdict == crate::model::LinkVerdict::Blocked => {
            "Open it in a browser to check it by hand.".to_owned()
        }
        None => "No replacement was found: find another source, or remove the link.".to_owned(),
    };
    body.push_str(&format!("<p class=\"todo\">What to do: {todo}</p>"));
    body
}

/// A quote card: the memo's wording against the source's, the differing
/// words marked, the archived copy, and what to do.
fn quote_card(q: &super::QuoteResult) -> String {
    let mut body = String::new();
    match (&q.matched_text, &q.source) {
        (Some(page), Some(source)) => {
            let (quoted, said) = marked_differences(&shorten(&q.text, 1200), &shorten(page, 1200));
            body.push_str(&format!(
                "<div class=\"drift\"><p>The memo: “{quoted}”</p><p>The source: “{said}” \
                 ({})</p></div>",
                url_cell(source)
            ));
        }
        _ => body.push_str(&format!(
            "<p class=\"quoted\">“{}”</p>",
            xml(&shorten(&q.text, 400))
        )),
    }
    let todo = match &q.archived {
        Some(a) if a.verdict == crate::model::QuoteVerdict::Found => format!(
            "The archived copy of {} still holds it: cite {}",
            crate::date::of_timestamp(&a.timestamp),
            url_cell(&a.url)
        ),
        _ if q.verdict == crate::model::QuoteVerdict::Unverifiable => {
            "Check the quote against its source by hand.".to_owned()
        }
        _ => {
            "Check the wording against the source, and correct the quote or its source.".to_owned()
        }
    };
    body.push_str(&format!("<p class=\"todo\">What to do: {todo}</p>"));
    body
}

/// The changes `citecheck fix` made or would make, as a list to review.
fn fixes(memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    if memo.fixes.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h3>Changes by citecheck fix</h3><ul class=\"fixes\">")?;
    for fix in &memo.fixes {
        let state = if fix.applied {
            "made".to_owned()
        } else {
            format!(
                "held back: {}",
                xml(fix.reason.as_deref().unwrap_or_default())
            )
        };
        writeln!(
            out,
            "<li>line {}: {} → {} <span class=\"state\">({state})</span></li>",
            fix.line,
            url_cell(&fix.old),
            url_cell(&fix.new)
        )?;
    }
    writeln!(out, "</ul>")
}

/// The memo's own problems, if any.
fn problems_table(index: usize, memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    let problems: Vec<_> = memo.errors.iter().chain(&memo.warnings).collect();
    if !problems.is_empty() {
        writeln!(
            out,
            "<table class=\"problems\"><tr><th>at</th><th>memo problem</th></tr>"
        )?;
        for p in problems {
            writeln!(
                out,
                "<tr data-verdict=\"problem\" data-memo=\"{index}\" data-severity=\"{0}\">\
                 <td class=\"at\">{1}</td><td><span class=\"v {0}\">{0}</span> {2}</td></tr>",
                severity_class(p.severity),
                super::Place::of_problem(p).label().unwrap_or_default(),
                xml(&p.message)
            )?;
        }
        writeln!(out, "</table>")?;
    }
    Ok(())
}

/// A reason: its first clause, the evidence after it one level down.
fn reason_cell(reason: &crate::verify::Reason) -> String {
    match super::short_reason(reason) {
        (first, Some(rest)) => format!(
            "{}<details><summary>more</summary>{}</details>",
            xml(&first),
            xml(&rest)
        ),
        (first, None) => xml(&first),
    }
}

/// One row per source cited alike (its places together).
fn links_table(index: usize, memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    if !memo.links.is_empty() {
        writeln!(
            out,
            "<table class=\"links\"><tr><th>at</th><th>verdict</th><th>link</th>\
             <th>why</th><th>replacement</th></tr>"
        )?;
        for (l, places) in memo.link_groups() {
            let at = if places.len() > 1 {
                super::places_label(&places)
            } else {
                l.place().label().unwrap_or_default()
            };
            let replacement = match &l.suggestion {
                Some(s) => {
                    let what = match &s.timestamp {
                        Some(ts) => format!("archived copy of {}", crate::date::of_timestamp(ts)),
                        None => "redirect target".to_owned(),
                    };
                    format!("{}<br>{}", xml(&what), url_cell(&s.url))
                }
                None => String::new(),
            };
            let replacement = match &l.capture {
                Some(c) => {
                    let what = format!(
                        "{} archived copy of {}",
                        if c.created {
                            "preserved: new"
                        } else {
                            "preserved:"
                        },
                        crate::date::of_timestamp(&c.timestamp)
                    );
                    format!("{replacement}{}<br>{}", xml(&what), url_cell(&c.url))
                }
                None => replacement,
            };
            writeln!(
                out,
                "<tr data-verdict=\"{v}\" data-memo=\"{index}\" data-severity=\"{sev}\">\
                 <td class=\"at\">{}</td><td><span class=\"v {sev}\">{v}</span></td>\
                 <td>{}</td><td>{}</td><td>{replacement}</td></tr>",
                xml(&at),
                url_cell(&l.url),
                {
                    let mut cell = reason_cell(&l.reason);
                    if let Some(scripts) = &l.scripts {
                        cell.push_str(&format!("<br><small>page {}</small>", xml(scripts)));
                    }
                    if let Some(at) = &l.cached_at {
                        let at = xml(at);
                        cell.push_str(&format!("<br><small>from the cache, fetched {at}</small>"));
                    }
                    cell
                },
                v = l.verdict.name(),
                sev = severity_class(l.severity),
            )?;
        }
        writeln!(out, "</table>")?;
    }
    Ok(())
}

/// One row per quotation, drifted ones beside the source's wording.
fn quotes_table(index: usize, memo: &MemoReport, out: &mut impl Write) -> io::Result<()> {
    if !memo.quotes.is_empty() {
        writeln!(
            out,
            "<table class=\"quotes\"><tr><th>at</th><th>verdict</th>\
             <th>quotation and source</th><th>why</th></tr>"
        )?;
        for q in &memo.quotes {
            let (quoted, said) = match &q.matched_text {
                Some(page) => marked_differences(&q.text, page),
                None => (xml(&q.text), String::new()),
            };
            let mut cell = format!("<blockquote>“{quoted}”</blockquote>");
            if let Some(who) = &q.attribution {
                cell.push_str(&format!(" — {}", xml(who)));
            }
            if let (Some(source), false) = (&q.source, said.is_empty()) {
                cell.push_str(&format!(
                    "<div class=\"says\">the source says: “{said}”<br>{}</div>",
                    url_cell(source)
                ));
            }
            if let Some(a) = &q.archived {
                cell.push_str(&format!(
                    "<div class=\"says\">archived copy of {} ({}): {}</div>",
                    crate::date::of_timestamp(&a.timestamp),
                    a.verdict.name(),
                    url_cell(&a.url)
                ));
            }
            writeln!(
                out,
                "<tr data-verdict=\"{v}\" data-memo=\"{index}\" data-severity=\"{sev}\">\
                 <td class=\"at\">{}</td><td><span class=\"v {sev}\">{v}</span>{}</td>\
                 <td>{cell}</td><td>{}</td></tr>",
                q.at().unwrap_or_default(),
                q.similarity
                    .map(|s| format!("<br>{s:.2}"))
                    .unwrap_or_default(),
                reason_cell(&q.reason),
                v = q.verdict.name(),
                sev = severity_class(q.severity),
            )?;
        }
        writeln!(out, "</table>")?;
    }
    Ok(())
}

/// The quote and the page's wording, escaped, with the words each lacks
/// from the other marked (`<del>` in the quote, `<ins>` on the page).
fn marked_differences(quote: &str, page: &str) -> (String, String) {
    let key = |w: &str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let a: Vec<&str> = quote.split_whitespace().collect();
    let b: Vec<&str> = page.split_whitespace().collect();
    // A long quote against a long passage: no marking beyond this size.
    if a.len() * b.len() > 4_000_000 {
        return (xml(quote), xml(page));
    }
    let ka: Vec<String> = a.iter().map(|w| key(w)).collect();
    let kb: Vec<String> = b.iter().map(|w| key(w)).collect();
    let (m, n) = (a.len(), b.len());
    let mut lcs = vec![0u32; (m + 1) * (n + 1)];
    for i in (0..m).rev() {
        for j in (0..n).rev() {
            lcs[i * (n + 1) + j] = if ka[i] == kb[j] {
                lcs[(i + 1) * (n + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (n + 1) + j].max(lcs[i * (n + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut left, mut right) = (Vec::new(), Vec::new());
    while i < m || j < n {
        if i < m && j < n && ka[i] == kb[j] {
            left.push(xml(a[i]));
            right.push(xml(b[j]));
            i += 1;
            j += 1;
        } else if j == n || (i < m && lcs[(i + 1) * (n + 1) + j] >= lcs[i * (n + 1) + j + 1]) {
            left.push(format!("<del>{}</del>", xml(a[i])));
            i += 1;
        } else {
            right.push(format!("<ins>{}</ins>", xml(b[j])));
            j += 1;
        }
    }
    (left.join(" "), right.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_marked_and_escaped() {
        let (q, p) = marked_differences("roots lie in Kyiv <b>", "roots lie in Kiev <b>");
        assert_eq!(q, "roots lie in <del>Kyiv</del> &lt;b&gt;");
        assert_eq!(p, "roots lie in <ins>Kiev</ins> &lt;b&gt;");
    }

    #[test]
    fn only_http_urls_are_links() {
        assert!(
            url_cell("https://a.org/?q=\"x\"").contains("href=\"https://a.org/?q=&quot;x&quot;\"")
        );
        assert!(!url_cell("javascript:alert(1)").contains("href"));
    }
}
