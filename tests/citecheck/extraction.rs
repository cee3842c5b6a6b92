//! Exact extraction results for the fixture memos, one per format.

use crate::support::{check, extract_fixture, render};
use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::{MemoFormat, Pairing};

#[test]
fn seed_memo_links_and_quotes() {
    let x = extract_fixture("memos/atlantic-memo-6.txt", &ExtractOptions::default());
    assert_eq!(x.links.len(), 16);
    assert!(
        x.links
            .iter()
            .enumerate()
            .all(|(i, l)| l.position.line == 190 + i as u32 && l.position.column == 1)
    );
    let distinct: std::collections::HashSet<String> =
        x.links.iter().map(|l| l.display_url()).collect();
    assert_eq!(distinct.len(), 7);
    let all: Vec<usize> = [0, 1, 9, 11, 12, 13, 15].to_vec();
    let rendered = render(&x);
    let quotes: String = rendered
        .lines()
        .filter(|l| l.starts_with("quote"))
        .collect::<Vec<_>>()
        .join("\n");
    check(
        &quotes,
        &format!(
            r#"
            quote 38:26 "the roots of Russian statehood lie in Kyiv and Crimea hosts a major Russian naval base." by Dr. Andreas Umland words=16 pairing=Memo candidates={all:?}
            quote 40:35 "prevent the East-West ice age" by Dr. Hans Giessmann words=5 pairing=Memo candidates={all:?}
            quote 42:66 "hope to move on from the Putin era of confrontation" by Dr. Kelleners words=10 pairing=Memo candidates={all:?}
            quote 46:45 "carve out a special role of some other sort for Russia" by Kelleners words=11 pairing=Memo candidates={all:?}
            quote 52:10 "Russia is doing everything that it can to reemerge as a major world player" by - words=14 pairing=Memo candidates={all:?}
            quote 53:91 "Russia has no intention [of] joining NATO or the EU. It is a power of its own." by Lukas Vitalius words=16 pairing=Memo candidates={all:?}
            "#
        ),
    );
    assert_eq!(
        x.links[11].fragment.as_ref().map(|f| f.value()),
        Some("comment897")
    );
    assert!(x.problems.is_empty(), "{:?}", x.problems);
}

#[test]
fn plain_text_rules() {
    let x = extract_fixture("memos/rules.txt", &ExtractOptions::default());
    check(
        &render(&x),
        r#"
        link 3:30 Bare http://en.wikipedia.org/wiki/Nord_Stream_(pipeline)
        link 4:15 Bare https://operator.example.test/about
        link 5:2 Angle https://angle.example.test/path?q=1&r=2
        link 5:44 Bare https://comma.example.test/a
        link 6:1 Bare https://quote.example.test/page#caf%C3%A9 #anchor=café
        link 6:49 Bare https://text.example.test/p#:~:text=energy-,security%20of,supply,-today #text=[TextDirective { prefix: Some("energy"), start: "security of", end: Some("supply"), suffix: Some("today") }]
        link 15:10 Bare <mailto scheme>
        link 15:44 Bare <tel scheme>
        link 16:20 Bare <invalid URL: host label "bad_host!" has characters a host name cannot have>
        link 16:56 Bare <invalid URL: invalid IPv4 address>
        quote 8:27 "Europe has no energy instrument that works without Russian gas … and no plan [for] winter." by Minister Anna Berg words=14 pairing=Memo candidates=[0, 1, 2, 3, 4, 5]
        quote 11:1 "Die Versorgung ist für diesen Winter gesichert" by - words=7 pairing=Memo candidates=[0, 1, 2, 3, 4, 5]
        quote 12:1 "We will not sign the East-West accord this year," by Boris Ivanov words=9 pairing=Memo candidates=[0, 1, 2, 3, 4, 5]
        problem 17:36 unterminated quotation: no closing mark before the paragraph ends
        "#,
    );
}

#[test]
fn markdown_rules() {
    let x = extract_fixture("memos/briefing.md", &ExtractOptions::default());
    check(
        &render(&x),
        r#"
        link 9:36 Inline https://ministry.example.test/report#section-2 #anchor=section-2
        link 13:25 Reference https://reuters.example.test/article/12345
        link 15:18 Image https://img.example.test/chart.png
        link 18:12 Angle https://interview.example.test/2008/05/minister
        link 20:21 Bare https://bare.example.test/page
        link 28:11 Bare https://list.example.test/item
        link 30:19 Inline <relative>
        link 30:56 Inline <mailto scheme>
        quote 10:1 "the grid will be synchronised with continental Europe by 2025" by - words=10 pairing=Block candidates=[0]
        quote 14:1 "nobody expected the spot price to double in a week" by - words=10 pairing=Block candidates=[1, 2]
        quote 17:3 "We are not dependent on a single supplier any more," by - words=10 pairing=Block candidates=[3]
        quote 27:21 "a list item quotation with five words" by - words=7 pairing=Block candidates=[5]
        "#,
    );
    assert_eq!(x.meta.date.as_deref(), Some("2008-05-12"));
    assert_eq!(x.meta.title.as_deref(), Some("Briefing: Baltic energy"));
}

#[test]
fn markdown_relative_links_resolve_against_base_url() {
    let options = ExtractOptions {
        base_url: Some("https://memos.example.test/2008/".parse().unwrap()),
        ..ExtractOptions::default()
    };
    let x = extract_fixture("memos/briefing.md", &options);
    assert_eq!(
        x.links[6].display_url(),
        "https://memos.example.test/2008/notes/background.html"
    );
}

#[test]
fn html_rules() {
    let x = extract_fixture("memos/briefing.html", &ExtractOptions::default());
    check(
        &render(&x),
        r#"
        link 13:27 Anchor https://council.example.test/statement#para-3 #anchor=para-3
        link 15:24 Cite https://chair.example.test/speech
        link 16:20 Anchor https://memo.example.test/memos/related.html
        link 17:19 Cite https://treaty.example.test/text#art-76 #anchor=art-76
        link 21:14 ImageSource https://memo.example.test/images/map.png
        link 21:62 Anchor https://map.example.test/?a=1&b=2
        link 23:21 Anchor <mailto scheme>
        quote 14:6 "the Arctic must remain a zone of low tension" by - words=9 pairing=Block candidates=[0]
        quote 15:15 "we will defend every metre of our coast" by - words=8 pairing=Cite candidates=[1, 2]
        quote 18:4 "Each coastal State shall delineate the outer edges of its continental margin." by Article 76, UNCLOS words=12 pairing=Cite candidates=[3]
        "#,
    );
    assert_eq!(x.meta.title.as_deref(), Some("Memo: Arctic policy"));
    assert_eq!(x.meta.date.as_deref(), Some("2011-03-01"));
}

#[test]
fn min_quote_words_leaves_scare_quotes_alone() {
    let text = "Critics call it “soft power” but “this is a longer quotation”.";
    let x = extract(text, MemoFormat::Text, &ExtractOptions::default());
    assert_eq!(x.quotes.len(), 1);
    let x = extract(
        text,
        MemoFormat::Text,
        &ExtractOptions {
            min_quote_words: 2,
            ..ExtractOptions::default()
        },
    );
    assert_eq!(x.quotes.len(), 2);
    assert_eq!(x.quotes[0].pairing, Pairing::Memo);
}

#[test]
fn html_script_style_and_whole_blockquotes() {
    let html = r#"<p>See <a href="https://a.test/x">x</a>.</p>
<script>document.write("<a href='https://never.test/'>“a quote in a script element”</a>")</script>
<blockquote><p>A blockquote without marks is itself a quotation.</p></blockquote>
<p>Bad: <a href="http://exa mple.test/">space in host</a></p>"#;
    let x = extract(html, MemoFormat::Html, &ExtractOptions::default());
    check(
        &render(&x),
        r#"
        link 1:17 Anchor https://a.test/x
        link 4:18 Anchor <invalid URL: invalid international domain name>
        quote 3:16 "A blockquote without marks is itself a quotation." by - words=8 pairing=Memo candidates=[0]
        "#,
    );
}

#[test]
fn links_carry_the_words_they_are_on() {
    let options = ExtractOptions::default();
    let md = extract(
        "Read [the *annual* report](https://a.test/r) and <https://a.test/auto>.",
        MemoFormat::Markdown,
        &options,
    );
    let texts: Vec<Option<&str>> = md.links.iter().map(|l| l.text.as_deref()).collect();
    assert_eq!(
        texts,
        [Some("the annual report"), Some("https://a.test/auto")]
    );
    let html = extract(
        "<p>See <a href='https://a.test/x'>the <b>bold</b>\n words</a>, \
         <a href='https://a.test/empty'></a> and https://a.test/bare.</p>",
        MemoFormat::Html,
        &options,
    );
    let texts: Vec<Option<&str>> = html.links.iter().map(|l| l.text.as_deref()).collect();
    assert_eq!(texts, [Some("the bold words"), None, None]);
}

/// One footnoted memo written three ways (`fixtures/memos/footnotes/`):
/// Markdown with `[^label]` notes, HTML as pandoc writes it (`pandoc -s
/// footnoted.md -o footnoted-pandoc.html`: `role="doc-noteref"`, a
/// `doc-endnotes` section) and HTML as Word's "Save as Web Page" writes it
/// (`#_ftn1` references, notes marked by `<a name="_ftn1">` inside
/// `mso-element:footnote` blocks; written by hand after that shape). Each
/// gives the same URLs and quotes, and pairs each quote first with the
/// links of its note: a quote with two references takes both notes' links
/// in order, a note with two links gives both, and a reference to a note
/// the memo lacks is a warning and the quote pairs as it would without it.
#[test]
fn footnoted_quotes_pair_with_their_notes_in_every_format() {
    let options = ExtractOptions::default();
    let mut seen = Vec::new();
    for name in [
        "footnoted.md",
        "footnoted-pandoc.html",
        "footnoted-word.html",
    ] {
        let x = extract_fixture(&format!("memos/footnotes/{name}"), &options);
        let mut urls: Vec<String> = x
            .links
            .iter()
            .filter_map(|l| match &l.target {
                citecheck::model::Target::Http(url) => Some(url.to_string()),
                _ => None,
            })
            .collect();
        urls.sort();
        urls.dedup();
        assert_eq!(
            urls,
            [
                "https://briefing.test/notes",
                "https://committee.test/annex",
                "https://committee.test/report#ch4",
                "https://speeches.test/minister-2019",
            ],
            "{name}"
        );
        // Note references and back-links are places in the memo, never
        // excluded links.
        assert!(
            x.links
                .iter()
                .all(|l| !matches!(l.target, citecheck::model::Target::Relative)),
            "{name}"
        );
        let url = |i: usize| x.links[i].display_url();
        let quotes: Vec<(String, Pairing, Option<String>, Vec<String>)> = x
            .quotes
            .iter()
            .map(|q| {
                let first: Vec<String> = q.candidates.iter().take(3).map(|&i| url(i)).collect();
                (q.text.clone(), q.pairing, q.note.clone(), first)
            })
            .collect();
        assert_eq!(quotes.len(), 4, "{name}: {quotes:#?}");
        let (minister, reforms, budget, opposition) =
            (&quotes[0], &quotes[1], &quotes[2], &quotes[3]);
        assert_eq!(
            minister.0,
            "energy security is now a matter for the whole alliance"
        );
        assert_eq!(minister.1, Pairing::Footnote, "{name}: {minister:?}");
        assert_eq!(
            minister.3[0], "https://speeches.test/minister-2019",
            "{name}"
        );
        assert_eq!(reforms.1, Pairing::Footnote, "{name}: {reforms:?}");
        // Its note only: the references after the next sentence are not
        // its own.
        assert_eq!(reforms.2.as_deref(), Some("2"), "{name}: {reforms:?}");
        assert_eq!(
            reforms.3[..2],
            [
                "https://committee.test/report#ch4".to_owned(),
                "https://committee.test/annex".to_owned()
            ],
            "{name}"
        );
        // Two references: both notes, in the order cited.
        assert_eq!(
            budget.3,
            [
                "https://committee.test/report#ch4",
                "https://committee.test/annex",
                "https://speeches.test/minister-2019"
            ],
            "{name}"
        );
        // A reference to no note: a warning, and the quote pairs as before.
        assert_ne!(opposition.1, Pairing::Footnote, "{name}: {opposition:?}");
        assert!(
            x.problems
                .iter()
                .any(|p| p.message.contains("names no note")),
            "{name}: {:?}",
            x.problems
        );
        seen.push((name, minister.2.clone(), budget.2.clone()));
    }
    // Each format labels its notes as it shows them.
    assert_eq!(seen[0].1.as_deref(), Some("speech"));
    assert_eq!(seen[0].2.as_deref(), Some("2, speech"));
    assert_eq!(seen[1].1.as_deref(), Some("1"));
    assert_eq!(seen[2].2.as_deref(), Some("2, 1"));
}

/// HTML inside Markdown is read as HTML where it stands: an inline
/// `<a href>` and `<q cite>` in a paragraph, and an HTML block with a
/// quote and a link, with exact lines and columns.
#[test]
fn html_inside_markdown_is_read_like_html() {
    let memo = "# Brief\n\
                \n\
                The envoy wrote that <q cite=\"https://cite.test/q\">the talks will resume in the \
                spring</q>, as <a href=\"https://inline.test/a?x=1&amp;y=2\">the agency</a> reported.\n\
                \n\
                <div class=\"box\">\n\
                <p>The minister said “we will not accept any change to the border” in \
                <a href=\"https://block.test/speech\">her speech</a>.</p>\n\
                </div>\n\
                \n\
                After the block, a [plain link](https://after.test/).\n";
    let x = extract(memo, MemoFormat::Markdown, &ExtractOptions::default());
    check(
        &render(&x),
        r#"
        link 3:31 Cite https://cite.test/q
        link 3:105 Anchor https://inline.test/a?x=1&y=2
        link 6:80 Anchor https://block.test/speech
        link 9:33 Inline https://after.test/
        quote 3:22 "the talks will resume in the spring" by - words=7 pairing=Cite candidates=[0, 1]
        quote 6:22 "we will not accept any change to the border" by - words=9 pairing=Block candidates=[2]
        "#,
    );
    assert_eq!(x.links[1].text.as_deref(), Some("the agency"));
    assert_eq!(x.links[2].text.as_deref(), Some("her speech"));
}

/// The footnoted memo as real producers wrote it
/// (`fixtures/memos/footnotes/make-producers.sh`): pandoc 2.17's HTML, which
/// repeats a note for each reference, LibreOffice 7.4's HTML export (its
/// `sdfootnote` anchors) and PDF, with the
/// notes at the foot of the page, and pdfLaTeX's (`\footnote{\url{…}}`,
/// its quotation marks from the Computer Modern fonts' own encoding). Each quote pairs first with its own
/// note's links; a reference after the next sentence is not the quote's.
#[test]
fn footnoted_memos_from_real_producers_pair_alike() {
    let options = ExtractOptions::default();
    let html = extract_fixture("memos/footnotes/footnoted-pandoc-2.17.html", &options);
    let writer = extract_fixture("memos/footnotes/footnoted-libreoffice.html", &options);
    let pdf = |name: &str| {
        let bytes =
            std::fs::read(crate::support::fixture(&format!("memos/footnotes/{name}"))).unwrap();
        let memo = citecheck::pdf::read_memo(&bytes).expect("the PDF reads");
        citecheck::extract::extract_pdf(&memo, &options)
    };
    let (libreoffice, pdflatex) = (
        pdf("footnoted-libreoffice.pdf"),
        pdf("footnoted-pdflatex.pdf"),
    );
    for (name, x) in [
        ("pandoc", &html),
        ("libreoffice html", &writer),
        ("libreoffice", &libreoffice),
        ("pdflatex", &pdflatex),
    ] {
        let first: Vec<(Pairing, Vec<String>)> = x
            .quotes
            .iter()
            .map(|q| {
                let urls = q
                    .candidates
                    .iter()
                    .take(3)
                    .map(|&i| x.links[i].display_url())
                    .collect();
                (q.pairing, urls)
            })
            .collect();
        assert_eq!(first.len(), 4, "{name}: {first:#?}");
        assert_eq!(first[0].0, Pairing::Footnote, "{name}");
        assert_eq!(
            first[0].1[0], "https://speeches.test/minister-2019",
            "{name}"
        );
        assert_eq!(first[1].0, Pairing::Footnote, "{name}");
        assert_eq!(
            first[1].1[..2],
            [
                "https://committee.test/report#ch4".to_owned(),
                "https://committee.test/annex".to_owned()
            ],
            "{name}: the second quote's note only, not the next sentence's"
        );
        assert_ne!(
            first[1].1[2], "https://speeches.test/minister-2019",
            "{name}: {first:#?}"
        );
        assert_eq!(
            first[2].1,
            [
                "https://committee.test/report#ch4",
                "https://committee.test/annex",
                "https://speeches.test/minister-2019"
            ],
            "{name}"
        );
        assert_ne!(first[3].0, Pairing::Footnote, "{name}");
    }
}

/// In a paragraph that cites two sources, a quote pairs first with the
/// link of its own sentence (before or after it, or in the parenthesis
/// right after a quote that ends its sentence), in Markdown and HTML.
#[test]
fn a_quote_pairs_with_the_link_of_its_sentence_first() {
    let markdown = "The [agency](https://a.test/) reported the talks. The minister said \
                    “we will not accept any change to the border.” ([speech](https://b.test/)) \
                    Later, <https://c.test/> added more.\n";
    let html = "<p>The <a href=\"https://a.test/\">agency</a> reported the talks. The minister \
                said “we will not accept any change to the border.” (<a href=\"https://b.test/\">\
                speech</a>) Later, <a href=\"https://c.test/\">the paper</a> added more.</p>";
    for (memo, format) in [(markdown, MemoFormat::Markdown), (html, MemoFormat::Html)] {
        let x = extract(memo, format, &ExtractOptions::default());
        let quote = &x.quotes[0];
        let first = x.links[quote.candidates[0]].display_url();
        assert_eq!(first, "https://b.test/", "{format:?}");
        assert_eq!(quote.pairing, Pairing::Block);
        assert_eq!(
            quote.candidates.len(),
            3,
            "{format:?}: the block's others follow"
        );
    }
}

/// A memo read from the web is its main content: the site's navigation,
/// related memos and footer are not citations, its links resolve against
/// its URL, and its date comes from the page's metadata, most trusted
/// first.
#[test]
fn a_web_memo_is_its_main_content_with_its_published_date() {
    use citecheck::extract::main_content::MainContent;
    let page = r#"<!DOCTYPE html><html><head><title>Gas transit</title>
        <meta name="date" content="2011-01-01">
        <meta property="article:published_time" content="2012-03-01T09:00:00Z">
        <script type="application/ld+json">{"@graph": [{"datePublished": "2010-05-05"}]}</script>
        </head><body>
        <nav><a href="/">Home</a> <a href="/memos/">Memos</a></nav>
        <article><h1>Gas transit</h1><time datetime="2009-09-09">9 Sept</time>
        <p>The minister said that “the pipeline will be finished by the end of the year”
        (<a href="/sources/interview">interview</a>), see also
        <a href="https://news.test/story#c1">the story</a>.</p></article>
        <aside><a href="/memos/other">Related memo</a></aside>
        <footer><a href="https://twitter.test/share">Share</a></footer></body></html>"#;
    let options = ExtractOptions {
        base_url: Some("https://institute.test/memos/2012/gas".parse().unwrap()),
        main_content: Some(MainContent::default()),
        ..ExtractOptions::default()
    };
    let x = extract(page, MemoFormat::Html, &options);
    let urls: Vec<String> = x.links.iter().map(|l| l.display_url()).collect();
    assert_eq!(
        urls,
        [
            "https://institute.test/sources/interview",
            "https://news.test/story#c1"
        ]
    );
    assert_eq!(x.quotes.len(), 1);
    assert_eq!(x.meta.date.as_deref(), Some("2012-03-01T09:00:00Z"));
    assert!(
        x.problems.iter().any(|p| p
            .message
            .contains("main content: <article>, the page's article")),
        "{:?}",
        x.problems
    );
    // Without article:published_time, JSON-LD; without that, the article's
    // <time>; then <meta name="date">.
    let less = page.replace("article:published_time", "x");
    assert_eq!(
        extract(&less, MemoFormat::Html, &options)
            .meta
            .date
            .as_deref(),
        Some("2010-05-05")
    );
    let less = less.replace("datePublished", "x");
    assert_eq!(
        extract(&less, MemoFormat::Html, &options)
            .meta
            .date
            .as_deref(),
        Some("2009-09-09")
    );
    let less = less.replace("<time", "<span");
    assert_eq!(
        extract(&less, MemoFormat::Html, &options)
            .meta
            .date
            .as_deref(),
        Some("2011-01-01")
    );
    // The same page as a memo file is read whole.
    let whole = extract(page, MemoFormat::Html, &ExtractOptions::default());
    assert_eq!(whole.links.len(), 6);
}
