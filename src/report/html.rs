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
"#;

const SCRIPT: &str = r#"
(function () {
  var verdict = document.getElementById('verdict');
  var memo = document.getElementById('memo');
  var attention = document.getElementById('attention');
  function apply() {
    var rows = document.querySelectorAll('tr[data-verdict]');
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
      s.hidden = s.querySelectorAll('tr[data-verdict]:not([hidden])').length === 0;
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
         <h1>citecheck report</h1><p>{} memos, {} links to {} pages, {} quotes: \
         <b>{} errors</b>, {} warnings ({} {}, {:.1} s).</p>",
        s.memos,
        s.links,
        s.unique_pages,
        s.quotes,
        s.errors,
        s.warnings,
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
    for (i, memo) in report.memos.iter().enumerate() {
        render_memo(i, memo, out)?;
    }
    writeln!(out, "</main>\n<script>{SCRIPT}</script></body></html>")
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
    links_table(index, memo, out)?;
    quotes_table(index, memo, out)?;
    writeln!(out, "</section>")
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
fn reason_cell(reason: Option<&str>) -> String {
    let Some(reason) = reason else {
        return String::new();
    };
    match super::short_reason(reason) {
        (first, Some(rest)) => format!(
            "{}<details><summary>more</summary>{}</details>",
            xml(first),
            xml(rest)
        ),
        (first, None) => xml(first),
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
                reason_cell(l.reason.as_deref()),
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
                reason_cell(q.reason.as_deref()),
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
