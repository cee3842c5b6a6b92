//! The HTML report's pictures, drawn as inline SVG (no script): the
//! health of links by the year of their memos, and the sites with the
//! most dead links. Each has a title and a description, and the same
//! numbers follow as a table for screen readers. Pure; computed from the
//! memos' results and the sites, so a merged report draws the same.

use super::MemoReport;
use super::markup::xml;
use super::sites::Site;
use crate::model::LinkVerdict;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How a link stands in the charts: its page answers (`ok`), answers
/// elsewhere (`redirected`), is gone (`dead`: broken, soft 404) or is
/// there with what was cited lost (`drifted`: the anchor missing).
/// Blocked, excluded and unchecked links say nothing of the page and are
/// not drawn.
pub const KINDS: [(&str, &str); 4] = [
    ("ok", "#2e7d32"),
    ("redirected", "#9a6200"),
    ("dead", "#b3261e"),
    ("drifted", "#6a1b9a"),
];

/// The chart kind of a verdict, when it is drawn.
pub fn kind_of(verdict: LinkVerdict) -> Option<&'static str> {
    match verdict {
        LinkVerdict::Ok => Some("ok"),
        LinkVerdict::Redirected => Some("redirected"),
        LinkVerdict::Broken | LinkVerdict::Soft404 => Some("dead"),
        LinkVerdict::AnchorMissing => Some("drifted"),
        LinkVerdict::Blocked | LinkVerdict::Excluded | LinkVerdict::Unchecked => None,
    }
}

/// Link occurrences by the year of their memo's date (`undated` last) and
/// by chart kind.
pub fn by_year(memos: &[MemoReport]) -> BTreeMap<String, [usize; 4]> {
    let mut years: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for memo in memos {
        let year = memo
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or("undated")
            .to_owned();
        for link in &memo.links {
            let Some(kind) = kind_of(link.verdict) else {
                continue;
            };
            let i = KINDS.iter().position(|(k, _)| *k == kind).unwrap_or(0);
            years.entry(year.clone()).or_default()[i] += 1;
        }
    }
    years
}

/// Sites drawn in the dead-links chart at most.
const TOP_SITES: usize = 10;

/// Both charts, as one HTML section; nothing when no link was drawn.
pub fn render(memos: &[MemoReport], sites: &[Site]) -> String {
    let years = by_year(memos);
    if years.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section class=\"charts\" aria-labelledby=\"charts\"><h2 id=\"charts\">Links by year \
         and site</h2>",
    );
    out.push_str(&years_chart(&years));
    let dead: Vec<&Site> = {
        let mut dead: Vec<&Site> = sites.iter().filter(|s| s.dead() > 0).collect();
        dead.sort_by(|a, b| b.dead().cmp(&a.dead()).then_with(|| a.host.cmp(&b.host)));
        dead.truncate(TOP_SITES);
        dead
    };
    if !dead.is_empty() {
        out.push_str(&dead_chart(&dead));
    }
    out.push_str("</section>\n");
    out
}

/// Bar geometry: a label column, then bars scaled to the largest total.
const LABEL: u32 = 170;
const BARS: u32 = 380;
const ROW: u32 = 26;
const WIDTH: u32 = LABEL + BARS + 60;

/// Stacked bars, a row per year.
fn years_chart(years: &BTreeMap<String, [usize; 4]>) -> String {
    // Years in order, undated last.
    let mut rows: Vec<(&String, &[usize; 4])> =
        years.iter().filter(|(y, _)| *y != "undated").collect();
    rows.extend(years.iter().filter(|(y, _)| *y == "undated"));
    let most = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let total: [usize; 4] = rows.iter().fold([0; 4], |mut t, (_, c)| {
        for i in 0..4 {
            t[i] += c[i];
        }
        t
    });
    let dead_share = |c: &[usize; 4]| {
        let all: usize = c.iter().sum();
        ((c[2] + c[3]) * 100).checked_div(all).unwrap_or(0)
    };
    let worst = rows
        .iter()
        .max_by_key(|(y, c)| (dead_share(c), std::cmp::Reverse(*y)))
        .map(|(y, c)| {
            format!(
                "; the worst year is {y}, {}% dead or drifted",
                dead_share(c)
            )
        })
        .unwrap_or_default();
    let desc = format!(
        "Link occurrences by the year of their memo, stacked: {} ok, {} redirected, {} dead, \
         {} drifted{worst}.",
        total[0], total[1], total[2], total[3]
    );
    let height = ROW * rows.len() as u32 + 34;
    let mut svg = format!(
        "<figure><svg class=\"chart\" role=\"img\" aria-labelledby=\"years-title years-desc\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" style=\"max-width:{WIDTH}px\">\
         <title id=\"years-title\">Link health by memo year</title>\
         <desc id=\"years-desc\">{}</desc>",
        xml(&desc)
    );
    for (row, (year, counts)) in rows.iter().enumerate() {
        let y = row as u32 * ROW;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>",
            LABEL - 8,
            y + 17,
            xml(year)
        );
        let mut x = LABEL;
        for (i, (kind, colour)) in KINDS.iter().enumerate() {
            let n = counts[i];
            if n == 0 {
                continue;
            }
            let w = (n as u64 * u64::from(BARS) / most as u64).max(1) as u32;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{colour}\" \
                 data-year=\"{}\" data-kind=\"{kind}\" data-count=\"{n}\"><title>{}: {n} {kind}\
                 </title></rect>",
                y + 3,
                ROW - 8,
                xml(year),
                xml(year)
            );
            x += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            x + 6,
            y + 17,
            counts.iter().sum::<usize>()
        );
    }
    svg.push_str(&legend(ROW * rows.len() as u32 + 10));
    svg.push_str("</svg></figure>");
    // The same numbers, for screen readers and for copying.
    svg.push_str(
        "<table class=\"chart-data\" data-chart=\"years\"><caption>Link health by memo year\
         </caption><tr><th scope=\"col\">year</th>",
    );
    for (kind, _) in KINDS {
        let _ = write!(svg, "<th scope=\"col\">{kind}</th>");
    }
    svg.push_str("</tr>");
    for (year, counts) in &rows {
        let _ = write!(svg, "<tr><th scope=\"row\">{}</th>", xml(year));
        for n in counts.iter() {
            let _ = write!(svg, "<td>{n}</td>");
        }
        svg.push_str("</tr>");
    }
    svg.push_str("</table>");
    svg
}

/// The legend under the year chart: a swatch and the kind's name.
fn legend(y: u32) -> String {
    let mut out = String::new();
    for (i, (kind, colour)) in KINDS.iter().enumerate() {
        let x = LABEL + i as u32 * 100;
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{kind}</text>",
            x + 16,
            y + 11
        );
    }
    out
}

/// Bars of dead links, a row per site, worst first.
fn dead_chart(sites: &[&Site]) -> String {
    let most = sites.iter().map(|s| s.dead()).max().unwrap_or(1).max(1);
    let height = ROW * sites.len() as u32 + 6;
    let names: Vec<String> = sites
        .iter()
        .map(|s| format!("{} ({})", s.host, s.dead()))
        .collect();
    let desc = format!("Dead links by site, the most first: {}.", names.join(", "));
    let mut svg = format!(
        "<figure><svg class=\"chart\" role=\"img\" aria-labelledby=\"dead-title dead-desc\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" style=\"max-width:{WIDTH}px\">\
         <title id=\"dead-title\">Sites with the most dead links</title>\
         <desc id=\"dead-desc\">{}</desc>",
        xml(&desc)
    );
    for (row, site) in sites.iter().enumerate() {
        let y = row as u32 * ROW;
        let n = site.dead();
        let w = (n as u64 * u64::from(BARS) / most as u64).max(1) as u32;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{}\" \
             data-site=\"{}\" data-count=\"{n}\"><title>{}: {n} dead</title></rect>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
            LABEL - 8,
            y + 17,
            xml(&super::markup::shorten(&site.host, 24)),
            y + 3,
            ROW - 8,
            KINDS[2].1,
            xml(&site.host),
            xml(&site.host),
            LABEL + w + 6,
            y + 17
        );
    }
    svg.push_str("</svg></figure>");
    svg.push_str(
        "<table class=\"chart-data\" data-chart=\"dead\"><caption>Sites with the most dead \
         links</caption><tr><th scope=\"col\">site</th><th scope=\"col\">dead links</th></tr>",
    );
    for site in sites {
        let _ = write!(
            svg,
            "<tr><th scope=\"row\" class=\"url\">{}</th><td>{}</td></tr>",
            xml(&site.host),
            site.dead()
        );
    }
    svg.push_str("</table>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_count_drawn_links_by_kind_undated_apart() {
        let mut a = MemoReport::new("a.md".into(), crate::model::MemoFormat::Markdown);
        a.date = Some("2011-03-01".into());
        let mut b = MemoReport::new("b.md".into(), crate::model::MemoFormat::Markdown);
        let link = |verdict| {
            let mut l: super::super::LinkResult = serde_json::from_value(serde_json::json!({
                "url": "https://a.example/", "resolved_url": "https://a.example/",
                "line": 1, "column": 1, "kind": "bare", "verdict": "ok",
                "severity": "info", "http_status": null, "final_url": null,
                "fragment": null, "suggestion": null
            }))
            .unwrap();
            l.verdict = verdict;
            l
        };
        a.links = vec![
            link(LinkVerdict::Ok),
            link(LinkVerdict::Broken),
            link(LinkVerdict::Soft404),
            link(LinkVerdict::Blocked),
        ];
        b.links = vec![link(LinkVerdict::AnchorMissing)];
        let years = by_year(&[a, b]);
        assert_eq!(years["2011"], [1, 0, 2, 0]);
        assert_eq!(years["undated"], [0, 0, 0, 1]);
        let html = render(&[], &[]);
        assert!(html.is_empty(), "no links, no charts");
    }
}
