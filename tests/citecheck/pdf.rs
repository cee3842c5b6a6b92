//! PDF memos: text and link annotations read natively, annotations merged
//! with printed URLs, covered words as link text, quotes paired with the
//! links of their sentence, `page:line` locations, and broken PDFs as
//! per-file errors. The PDFs in `fixtures/pdf/` are written by
//! `pdf_writer` (`UPDATE_FIXTURES=1 cargo test --test citecheck pdf::` to
//! write them again).

use crate::pdf_writer::{Annot, Doc, write};
use crate::quotes::seed_routes;
use crate::server::Server;
use crate::support::{check_memo, fixture};
use citecheck::extract::{ExtractOptions, extract_pdf};
use citecheck::model::{Extraction, LinkKind, Pairing};
use serde_json::Value;

/// The site the seed memo cites, as its text has it.
const ATLANTIC: &str = "http://www.atlantic-community.org";
/// Where the PDF fixture's links go: a reserved name that never resolves.
const FIXTURE_SITE: &str = "http://atlantic-community.test";
const UKRAINE: &str =
    "/index/Open_Think_Tank_Article/Supporting_Ukraine%2C_but_Worrying_About_Russia";
const VISION: &str = "/index/Open_Think_Tank_Article/NATO_and_Russia_Need_a_Shared_Vision";
const COMMENT: &str = "/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision#comment904";
/// Lines per page of the seed memo: the “carve out … for / Russia” quote
/// crosses from page 1 to page 2.
const PER_PAGE: usize = 46;

/// The seed memo as a PDF whose site is `base`, with annotations over
/// names (one of them wrapping, as a two-box annotation) and over every
/// printed URL of its list of sources.
fn seed_doc(base: &str) -> Doc {
    let text = std::fs::read_to_string(fixture("memos/atlantic-memo-6.txt"))
        .unwrap()
        .replace(ATLANTIC, base);
    let mut doc = Doc::from_text(&text, PER_PAGE);
    let url = |path: &str| format!("{base}{path}");
    doc.annots
        .push(Annot::new(0, 37, "Andreas Umland", &url(UKRAINE)));
    doc.annots.push(Annot {
        and: Some((39, "Giessmann".to_owned())),
        ..Annot::new(0, 38, "Dr. Hans", &url(VISION))
    });
    doc.annots.push(Annot::new(
        1,
        52 - PER_PAGE,
        "Lukas Vitalius",
        &url(COMMENT),
    ));
    for (p, lines) in doc.pages.clone().iter().enumerate() {
        for (l, line) in lines.iter().enumerate() {
            let line = line.trim();
            if line.starts_with(base) {
                doc.annots.push(Annot::new(p, l, line, line));
            }
        }
    }
    doc
}

fn wrapped_doc() -> Doc {
    let url = "https://example.test/reports/2019/energy-security.html#summary";
    Doc {
        pages: vec![vec![
            "The review is at https://example.test/reports/2019/".to_owned(),
            "energy-security.html#summary where the committee writes".to_owned(),
            "that “the targets are still within reach of the members”.".to_owned(),
        ]],
        annots: vec![
            Annot::new(0, 0, "https://example.test/reports/2019/", url),
            Annot::new(0, 1, "energy-security.html#summary", url),
        ],
        ..Doc::default()
    }
}

fn inline_doc() -> Doc {
    Doc {
        pages: vec![
            vec!["A first page with no link at all.".to_owned()],
            vec![
                "Jane Doe told the committee that “the money was spent by".to_owned(),
                "March of that year” and nothing more. See also".to_owned(),
                "https://example.test/printed for the record.".to_owned(),
            ],
        ],
        annots: vec![
            Annot::new(1, 0, "Jane Doe", "https://example.test/doe"),
            Annot::new(
                1,
                2,
                "https://example.test/printed",
                "https://example.test/other",
            ),
        ],
        inline: true,
        ..Doc::default()
    }
}

fn encrypted_doc() -> Doc {
    Doc {
        pages: vec![vec![
            "Secret memo citing https://example.test/secret".to_owned(),
        ]],
        password: Some("secret".to_owned()),
        ..Doc::default()
    }
}

/// The fixtures and how each is made. The encrypted one is not compared
/// byte for byte (its encryption is salted).
fn fixtures() -> Vec<(&'static str, Vec<u8>, bool)> {
    let inline = write(&inline_doc());
    let mut malformed = inline[..inline.len() / 3].to_vec();
    malformed.extend_from_slice(b"\n<< /Type /Garbage >> endobj trailer <<>>\n%%EOF");
    vec![
        ("seed-memo.pdf", write(&seed_doc(FIXTURE_SITE)), true),
        ("wrapped-url.pdf", write(&wrapped_doc()), true),
        ("inline-annotations.pdf", inline, true),
        ("malformed.pdf", malformed, true),
        ("encrypted.pdf", write(&encrypted_doc()), false),
    ]
}

#[test]
fn fixtures_are_what_the_writer_writes() {
    for (name, bytes, compare) in fixtures() {
        let path = fixture(&format!("pdf/{name}"));
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_FIXTURES=1 writes it)", path.display()));
        if compare {
            assert!(
                committed == bytes,
                "{name} differs from what the writer writes"
            );
        }
    }
}

fn extracted(name: &str) -> Extraction {
    let bytes = std::fs::read(fixture(&format!("pdf/{name}"))).unwrap();
    let memo = citecheck::pdf::read_memo(&bytes).expect("the fixture reads");
    extract_pdf(&memo, &ExtractOptions::default())
}

#[test]
fn the_seed_memo_pdf_has_its_text_annotations_and_pairings() {
    let x = extracted("seed-memo.pdf");
    // The names under annotations are links with their words as text.
    let named: Vec<(Option<u32>, u32, &str, &str)> = x
        .links
        .iter()
        .filter(|l| l.text.as_deref().is_some_and(|t| !t.starts_with("http")))
        .map(|l| {
            (
                l.position.page,
                l.position.line,
                l.text.as_deref().unwrap(),
                l.written.as_str(),
            )
        })
        .collect();
    let url = |path: &str| format!("{FIXTURE_SITE}{path}");
    assert_eq!(
        named,
        [
            (Some(1), 27, "Andreas Umland", url(UKRAINE).as_str()),
            (Some(1), 28, "Dr. Hans Giessmann", url(VISION).as_str()),
            (Some(2), 6, "Lukas Vitalius", url(COMMENT).as_str()),
        ]
    );
    // Every printed URL under an annotation to the same target is one
    // occurrence, marked as an annotation: 16 printed, 16 occurrences.
    let printed: Vec<_> = x
        .links
        .iter()
        .filter(|l| l.text.as_deref().is_some_and(|t| t.starts_with("http")))
        .collect();
    assert_eq!(printed.len(), 16);
    assert!(printed.iter().all(|l| l.kind == LinkKind::Annotation));
    assert_eq!(x.links.len(), 19);
    assert!(x.problems.is_empty(), "{:?}", x.problems);

    // Quotes as in the text version, with page:line positions; the one
    // across the page break is whole.
    let quote = |start: &str| {
        x.quotes
            .iter()
            .find(|q| q.text.starts_with(start))
            .unwrap_or_else(|| panic!("no quote {start:?}"))
    };
    let kyiv = quote("the roots of Russian statehood");
    // Lines count lines of text: the memo's blank lines are no lines of
    // the PDF.
    assert_eq!((kyiv.position.page, kyiv.position.line), (Some(1), 27));
    assert_eq!(kyiv.pairing, Pairing::Annotation);
    assert_eq!(x.links[kyiv.candidates[0]].written, url(UKRAINE));
    let ice = quote("prevent the East-West ice age");
    assert_eq!(ice.pairing, Pairing::Annotation);
    assert_eq!(x.links[ice.candidates[0]].written, url(VISION));
    let power = quote("Russia has no intention");
    assert_eq!((power.position.page, power.position.line), (Some(2), 6));
    assert_eq!(x.links[power.candidates[0]].written, url(COMMENT));
    let carve = quote("carve out a special role");
    assert!(carve.text.ends_with("for Russia"), "{}", carve.text);
    assert_eq!(
        carve.pairing,
        Pairing::Memo,
        "no annotation in its sentence"
    );
    assert_eq!(x.quotes.len(), 6);
}

#[test]
fn a_url_wrapped_across_lines_is_one_link() {
    let x = extracted("wrapped-url.pdf");
    assert_eq!(x.links.len(), 1, "{:?}", x.links);
    let link = &x.links[0];
    assert_eq!(
        link.written,
        "https://example.test/reports/2019/energy-security.html#summary"
    );
    assert_eq!(link.kind, LinkKind::Annotation);
    assert_eq!(
        (link.position.page, link.position.line, link.position.column),
        (Some(1), 1, 18)
    );
    assert_eq!(
        link.text.as_deref(),
        Some("https://example.test/reports/2019/ energy-security.html#summary")
    );
    assert_eq!(x.quotes.len(), 1);
    assert_eq!(x.quotes[0].pairing, Pairing::Annotation);
}

#[test]
fn inline_annotations_and_a_disagreement() {
    let x = extracted("inline-annotations.pdf");
    let links: Vec<(Option<u32>, u32, &str, Option<&str>)> = x
        .links
        .iter()
        .map(|l| {
            (
                l.position.page,
                l.position.line,
                l.written.as_str(),
                l.text.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (Some(2), 1, "https://example.test/doe", Some("Jane Doe")),
            (
                Some(2),
                3,
                "https://example.test/other",
                Some("https://example.test/printed")
            ),
            (Some(2), 3, "https://example.test/printed", None),
        ]
    );
    assert_eq!(x.problems.len(), 1);
    let problem = &x.problems[0];
    assert!(
        problem
            .message
            .contains("goes to https://example.test/other")
            && problem
                .message
                .contains("shows https://example.test/printed"),
        "{problem:?}"
    );
    assert_eq!((problem.page, problem.line), (Some(2), Some(3)));
    // The quote spans two lines; Jane Doe's link is in its sentence.
    assert_eq!(x.quotes.len(), 1);
    assert_eq!(
        x.links[x.quotes[0].candidates[0]].written,
        "https://example.test/doe"
    );
}

#[test]
fn broken_and_encrypted_pdfs_are_errors_of_their_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["malformed.pdf", "encrypted.pdf", "wrapped-url.pdf"] {
        std::fs::copy(fixture(&format!("pdf/{name}")), dir.path().join(name)).unwrap();
    }
    let (report, code) = check_memo(dir.path(), &["--offline"]);
    assert_eq!(code, 1);
    let memos = report["memos"].as_array().unwrap();
    let error = |name: &str| -> String {
        let memo = memos
            .iter()
            .find(|m| m["path"].as_str().unwrap().ends_with(name))
            .unwrap();
        memo["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        error("malformed.pdf").contains("not a readable PDF"),
        "{report}"
    );
    assert!(
        error("encrypted.pdf").contains("encrypted and needs a password"),
        "{report}"
    );
    // The good one beside them is checked all the same.
    let good = memos
        .iter()
        .find(|m| m["path"].as_str().unwrap().ends_with("wrapped-url.pdf"))
        .unwrap();
    assert_eq!(good["links"][0]["page"], 1);
    assert_eq!(good["links"][0]["kind"], "annotation");
    assert!(
        citecheck::pdf::read_memo(b"%PDF-1.7\n1 0 obj <<>>\nstream\n\xff\xfe").is_err(),
        "garbage is an error, not a panic"
    );
}

/// Pairs of strings.
type Pairs = Vec<(String, String)>;

/// Findings of a report: non-ok links by verdict and URL, and quotes by
/// text and verdict.
fn findings(report: &Value) -> (Pairs, Pairs) {
    let memo = &report["memos"][0];
    let mut links: Pairs = memo["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["verdict"] != "ok")
        .map(|l| (l["verdict"].to_string(), l["resolved_url"].to_string()))
        .collect();
    links.sort();
    let quotes = memo["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["text"].to_string(), q["verdict"].to_string()))
        .collect();
    (links, quotes)
}

#[test]
fn a_pdf_memo_gives_the_findings_of_its_text_with_better_pairings() {
    let server = Server::start(seed_routes);
    let dir = tempfile::tempdir().unwrap();
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let text = crate::support::seed_memo_for(base, dir.path());
    let pdf = dir.path().join("atlantic-memo-6.pdf");
    std::fs::write(&pdf, write(&seed_doc(base))).unwrap();
    let args = ["--no-archive", "--max-retries", "0"];
    let (from_text, text_code) = check_memo(&text, &args);
    let (from_pdf, pdf_code) = check_memo(&pdf, &args);
    assert_eq!(findings(&from_pdf), findings(&from_text));
    assert_eq!(pdf_code, text_code);
    assert_eq!(
        from_pdf["summary"]["errors"],
        from_text["summary"]["errors"]
    );
    // The Kyiv quote: in the text version every link of the memo is a
    // candidate; in the PDF, Umland's link comes first.
    let kyiv = |report: &Value| -> Value {
        report["memos"][0]["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["text"].as_str().unwrap().starts_with("the roots"))
            .unwrap()
            .clone()
    };
    assert_eq!(kyiv(&from_text)["pairing"], "memo");
    let in_pdf = kyiv(&from_pdf);
    assert_eq!(in_pdf["pairing"], "annotation");
    assert_eq!(in_pdf["page"], 1);
    assert_eq!(in_pdf["line"], 27);
    assert!(in_pdf["candidates"][0].as_str().unwrap().ends_with(UKRAINE));
    assert_eq!(in_pdf["verdict"], "approximate");
}

#[test]
fn an_annotation_over_the_quoted_words_pairs_with_the_quote() {
    let doc = Doc {
        pages: vec![vec![
            "Sources: https://first.example.test/list and more.".to_owned(),
            "The minister said “the budget was spent by March of that year” today.".to_owned(),
        ]],
        annots: vec![Annot::new(
            0,
            1,
            "spent by March",
            "https://minister.example.test/statement",
        )],
        ..Doc::default()
    };
    let memo = citecheck::pdf::read_memo(&write(&doc)).unwrap();
    let x = extract_pdf(&memo, &ExtractOptions::default());
    assert_eq!(x.quotes.len(), 1);
    let quote = &x.quotes[0];
    assert_eq!(quote.pairing, Pairing::Annotation);
    let candidates: Vec<&str> = quote
        .candidates
        .iter()
        .map(|&i| x.links[i].written.as_str())
        .collect();
    assert_eq!(
        candidates,
        [
            "https://minister.example.test/statement",
            "https://first.example.test/list"
        ]
    );
}

/// The footnoted memo of `fixtures/memos/footnotes/` set as a PDF the way
/// word processors set notes: a superscript number after the quote, the
/// note at the foot of the page in a smaller size starting with the same
/// number (the last one going on to the next page). Each quote pairs first
/// with its note's links, as in the Markdown and HTML versions.
#[test]
fn footnoted_quotes_pair_with_their_notes_in_a_pdf() {
    let pdf = crate::pdf_writer::write(&crate::pdf_writer::Doc {
        pages: vec![
            vec![
                "The minister was blunt: “energy security is now a matter".to_owned(),
                "for the whole alliance”.^{1} A separate briefing set out the details.".to_owned(),
                "The committee found that “the reforms had failed to reach".to_owned(),
                "rural areas” and asked for a new review.^{2} Its chair added that".to_owned(),
                "“the budget must follow the strategy, not lead it”.^{2}^{1}".to_owned(),
                "The opposition replied that “nothing in the report surprised".to_owned(),
                "anyone in the region”.^{3} See https://briefing.test/notes".to_owned(),
                "~ ^{1} Speech by the minister, Brussels, 2019:".to_owned(),
                "~ https://speeches.test/minister-2019".to_owned(),
                "~ ^{2} Committee report, chapter 4, https://committee.test/report#ch4".to_owned(),
            ],
            vec![
                "Further reading follows.".to_owned(),
                "~ and the annex, https://committee.test/annex".to_owned(),
            ],
        ],
        ..Default::default()
    });
    let memo = citecheck::pdf::read_memo(&pdf).expect("the PDF reads");
    let x = citecheck::extract::extract_pdf(&memo, &ExtractOptions::default());
    let url = |i: usize| x.links[i].display_url();
    let first: Vec<(String, Pairing, Option<String>, Vec<String>)> = x
        .quotes
        .iter()
        .map(|q| {
            let c = q.candidates.iter().take(3).map(|&i| url(i)).collect();
            (q.text.clone(), q.pairing, q.note.clone(), c)
        })
        .collect();
    assert_eq!(first.len(), 4, "{first:#?}");
    assert_eq!(first[0].1, Pairing::Footnote, "{first:#?}");
    assert_eq!(first[0].2.as_deref(), Some("1"));
    assert_eq!(first[0].3[0], "https://speeches.test/minister-2019");
    // A note that goes on to the next page keeps its links there.
    assert_eq!(
        first[1].3[..2],
        [
            "https://committee.test/report#ch4".to_owned(),
            "https://committee.test/annex".to_owned()
        ],
        "{first:#?}"
    );
    assert_eq!(
        first[2].3,
        [
            "https://committee.test/report#ch4",
            "https://committee.test/annex",
            "https://speeches.test/minister-2019"
        ]
    );
    assert_eq!(first[2].2.as_deref(), Some("2, 1"));
    assert_ne!(first[3].1, Pairing::Footnote, "{first:#?}");
    assert!(
        x.problems
            .iter()
            .any(|p| p.message.contains("names no note")),
        "{:?}",
        x.problems
    );
}

/// The words of a quotation, whatever their typesetting: letters and
/// digits only, lower case (a PDF's line-break hyphens, spaces and
/// quotation marks aside).
fn words_of(text: &str) -> String {
    citecheck::extract::join_line_break_hyphens(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a memo's extraction says that must not depend on how it was
/// printed: its links (URL and how many times), its quotations with
/// their speakers, and each quotation's first candidate.
/// A quotation's words, its speaker and its first candidate's URL.
type QuoteEssentials = (String, Option<String>, String);

fn essentials(x: &Extraction) -> (Vec<String>, Vec<QuoteEssentials>) {
    let links = x.links.iter().map(|l| l.display_url()).collect();
    let quotes = x
        .quotes
        .iter()
        .map(|q| {
            let first = q
                .candidates
                .first()
                .map(|&i| x.links[i].display_url())
                .unwrap_or_default();
            (words_of(&q.text), q.attribution.clone(), first)
        })
        .collect();
    (links, quotes)
}

/// Real producers' PDFs (`fixtures/memos/producers/make.sh`: LibreOffice,
/// Chromium, pdfLaTeX with T1 bitmap fonts) read as their source
/// documents: the same link occurrences and URLs, the same quotations,
/// speakers, and the link of each quote's sentence first.
#[test]
fn real_producers_pdfs_read_as_their_source_documents() {
    // The link of each quote's sentence (a quote with none in its
    // sentence pairs with the memo's links, the first first).
    const NATO: &str = "https://www.nato.int/docu/speech/2008/s080507a.html";
    let policy_pairs = [
        NATO,
        "https://www.bundestag.de/ausschuesse/a03/protokolle/2008-05-14-anhoerung.html",
        "https://www.atlantic-community.org/index/Open_Think_Tank_Article/\
         NATO_and_Russia_Need_a_Shared_Vision_of_European_Security",
        "https://www.atlantic-community.org/app/webroot/comments/view/1893#comment897",
        "https://ec.europa.eu/energy/green-paper-energy/doc/2006_03_08_gp_document_en.pdf",
        NATO,
    ];
    for (name, pairs) in [("policy", Some(policy_pairs)), ("seed", None)] {
        let source = crate::support::extract_fixture(
            &format!("memos/producers/{name}.md"),
            &ExtractOptions::default(),
        );
        let (links, quotes) = essentials(&source);
        assert!(
            links.len() >= 9 && quotes.len() >= 6,
            "{links:#?} {quotes:#?}"
        );
        if let Some(pairs) = pairs {
            // The source document pairs each quote with its sentence's
            // link too.
            let first: Vec<&str> = quotes.iter().map(|q| q.2.as_str()).collect();
            assert_eq!(first, pairs, "{name}.md");
        }
        for producer in ["libreoffice", "chromium", "pdflatex", "groff"] {
            let path = fixture(&format!("memos/producers/{name}-{producer}.pdf"));
            let memo = citecheck::pdf::read_memo(&std::fs::read(&path).unwrap()).unwrap();
            let x = extract_pdf(&memo, &ExtractOptions::default());
            let (pdf_links, pdf_quotes) = essentials(&x);
            assert_eq!(pdf_links, links, "{name}-{producer}: links");
            assert_eq!(
                pdf_quotes.len(),
                quotes.len(),
                "{name}-{producer}: {pdf_quotes:#?}"
            );
            for (i, (pdf, src)) in pdf_quotes.iter().zip(&quotes).enumerate() {
                assert_eq!(pdf.0, src.0, "{name}-{producer}: quote {i}");
                assert_eq!(pdf.1, src.1, "{name}-{producer}: speaker of quote {i}");
                assert_eq!(pdf.2, src.2, "{name}-{producer}: first source of quote {i}");
            }
            assert!(x.problems.is_empty(), "{name}-{producer}: {:?}", x.problems);
        }
    }
}

/// URLs the producers break where the reader must not end them:
/// LibreOffice breaks a footnote's URL after `#section-`, before the
/// number (`4.` on the next line); pdfLaTeX's `\url` breaks a source
/// list's URL after `www.example-review.`, the dot the URL's own. Each is
/// read whole and once, as in the source document.
#[test]
fn urls_wrapped_after_a_hyphen_or_a_dot_read_whole_and_once() {
    let source =
        crate::support::extract_fixture("memos/producers/wraps.md", &ExtractOptions::default());
    let (links, _) = essentials(&source);
    assert_eq!(
        links,
        [
            "https://www.examplereview.org/reports/2019/energysecurityreviewfinaldraftver#section-4",
            "http://www.example-review.org/reports/2019/energy-security.html",
            "https://www.example.org/outlook/2019",
        ]
    );
    for producer in ["libreoffice", "pdflatex"] {
        let path = fixture(&format!("memos/producers/wraps-{producer}.pdf"));
        let memo = citecheck::pdf::read_memo(&std::fs::read(&path).unwrap()).unwrap();
        let x = extract_pdf(&memo, &ExtractOptions::default());
        let (mut pdf_links, _) = essentials(&x);
        // The footnote is the page's last text: it comes last in the PDF.
        pdf_links.sort();
        let mut want = links.clone();
        want.sort();
        assert_eq!(pdf_links, want, "wraps-{producer}");
        assert!(x.problems.is_empty(), "wraps-{producer}: {:?}", x.problems);
    }
}

/// The same PDFs as *sources*: a quote of their words is `found` in
/// each, across line breaks and hyphenation.
#[test]
fn quotes_in_real_producers_pdfs_are_found() {
    let server = Server::start(|path, _| {
        let name = path.trim_start_matches('/');
        match std::fs::read(fixture(&format!("memos/producers/{name}"))) {
            Ok(body) => crate::server::Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/pdf".into())],
                body,
            },
            Err(_) => crate::server::Reply::html(404, "<title>Not found</title>"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for producer in ["libreoffice", "chromium", "pdflatex", "groff"] {
        let url = server.url(&format!("/policy-{producer}.pdf"));
        let memo = dir.path().join(format!("{producer}.md"));
        std::fs::write(
            &memo,
            format!(
                "The memo warns that “commitments that are not backed by regular practice \
                 wither” and that “an alliance that stops talking has already given up part of \
                 its influence” ([memo]({url})).\n"
            ),
        )
        .unwrap();
        let (report, _) = check_memo(&memo, &["--no-archive"]);
        for quote in report["memos"][0]["quotes"].as_array().unwrap() {
            assert_eq!(quote["verdict"], "found", "{producer}: {quote}");
        }
    }
}
