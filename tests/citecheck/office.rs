//! Word and OpenDocument memos: LibreOffice's output beside its source
//! documents, hand-built documents for the shapes producers write (field
//! codes over runs, notes, tracked changes, text boxes, bookmarks), damaged
//! files, directory walks, and `fix` writing them back.

use crate::office_writer::{Docx, entries, entry_text, paragraph, run};
use crate::server::{Reply, Server};
use crate::support::{check_memo, citecheck_json};
use serde_json::Value;
use std::path::Path;

fn offline(path: &Path) -> Value {
    let (report, _) = citecheck_json(
        &["check", path.to_str().unwrap(), "--offline", "-f", "json"],
        None,
    );
    report
}

/// What a memo's extraction says, as text to compare across producers:
/// each link's URL, each quote's words, speaker and first candidate.
fn extraction(report: &Value) -> (Vec<String>, Vec<String>) {
    let memo = &report["memos"][0];
    let links = memo["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["url"].as_str().unwrap().to_owned())
        .collect();
    let quotes = memo["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            format!(
                "{} | {} | {}",
                q["text"].as_str().unwrap(),
                q["attribution"].as_str().unwrap_or("-"),
                q["candidates"][0].as_str().unwrap_or("-")
            )
        })
        .collect();
    (links, quotes)
}

#[test]
fn libreoffice_documents_read_like_their_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/memos");
    for (source, name) in [
        ("producers/policy.md", "policy"),
        ("producers/seed.md", "seed"),
        ("footnotes/footnoted.md", "footnoted"),
    ] {
        let expected = extraction(&offline(&root.join(source)));
        assert!(!expected.0.is_empty() && !expected.1.is_empty(), "{source}");
        for ext in ["docx", "odt"] {
            let path = root.join(format!("office/{name}-libreoffice.{ext}"));
            let report = offline(&path);
            let memo = &report["memos"][0];
            assert_eq!(memo["format"], ext, "{}", path.display());
            assert!(
                memo.get("errors")
                    .is_none_or(|e| e.as_array().unwrap().is_empty()),
                "{memo}"
            );
            let (links, quotes) = extraction(&report);
            if name == "footnoted" {
                // pandoc writes a note cited twice as two notes: the same
                // URLs, more often.
                let mut distinct = links.clone();
                distinct.sort();
                distinct.dedup();
                let mut want = expected.0.clone();
                want.sort();
                assert_eq!(distinct, want, "{}", path.display());
            } else {
                assert_eq!(links, expected.0, "{}", path.display());
            }
            assert_eq!(quotes, expected.1, "{}", path.display());
        }
    }
}

#[test]
fn footnotes_pair_and_locations_name_paragraphs_and_notes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/memos/office/footnoted-libreoffice.docx");
    let report = offline(&path);
    let memo = &report["memos"][0];
    let quote = &memo["quotes"][0];
    assert_eq!(quote["pairing"], "footnote", "{quote}");
    assert_eq!(quote["note"], "1", "{quote}");
    assert_eq!(quote["part"], "body", "{quote}");
    assert_eq!(
        quote["candidates"][0],
        "https://speeches.test/minister-2019"
    );
    let in_note = memo["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == "https://committee.test/annex")
        .unwrap();
    assert_eq!(in_note["part"], "footnote 2", "{in_note}");
    assert_eq!(in_note["line"], 1, "{in_note}");
    assert_eq!(in_note["kind"], "hyperlink");
    assert_eq!(in_note["text"], "annex");
    // People read places as paragraphs and notes.
    let out =
        crate::support::citecheck(&["check", path.to_str().unwrap(), "--offline", "-v"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("footnoted-libreoffice.docx:¶ 4:25"), "{text}");
    assert!(text.contains("note 2, note 3"), "{text}");
}

/// A document with each shape a producer writes.
fn shapes() -> Docx {
    let split_field = format!(
        "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> HYPERLINK \"https://site.test/re</w:instrText></w:r>\
         <w:r><w:instrText xml:space=\"preserve\">port?a=1&amp;b=2\" \\o \"tip\" </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}{}\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>{}\
         <w:fldSimple w:instr=\" HYPERLINK &quot;https://site.test/simple&quot; \">{}</w:fldSimple>{}",
        run("See the "),
        run("full re"),
        run("port"),
        run(" and "),
        run("this one"),
        run(".")
    );
    let text_box = "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>\
         <w:p><w:r><w:t>Box text at https://box.test/a in a text box.</w:t></w:r></w:p>\
         </w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>\
         <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>\
         <w:p><w:r><w:t>Box text at https://box.test/a in a text box.</w:t></w:r></w:p>\
         </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>";
    let body = [
        paragraph(&format!(
            "{}<w:r><w:footnoteReference w:id=\"2\"/></w:r>{}",
            run("The minister said “energy security is now a matter for the whole alliance”."),
            run(" More followed.")
        )),
        paragraph(&split_field),
        paragraph(&format!(
            "{}<w:del w:id=\"7\" w:author=\"ed\"><w:r><w:delText>reject the plan to close</w:delText></w:r></w:del>\
             <w:ins w:id=\"8\" w:author=\"ed\"><w:r><w:t xml:space=\"preserve\">close the old bridge to lorries</w:t></w:r></w:ins>{}\
             <w:r><w:endnoteReference w:id=\"1\"/></w:r>{}",
            run("The council “voted to "),
            run("” in March"),
            run(".")
        )),
        paragraph(&format!(
            "{}<w:hyperlink w:anchor=\"conclusions\">{}</w:hyperlink>{}<w:hyperlink w:anchor=\"nowhere\">{}</w:hyperlink>{}",
            run("See the "),
            run("conclusions"),
            run(" and "),
            run("a lost section"),
            run(".")
        )),
        paragraph(&format!(
            "{}<w:hyperlink r:id=\"rIdPage\">{}{}</w:hyperlink>",
            run("A reader wrote at "),
            run("https://site.test/page"),
            run("#comment897")
        )),
        paragraph(text_box),
        format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>",
            paragraph(&run("Cell one https://table.test/one")),
            paragraph(&run("Cell two"))
        ),
        paragraph(&format!(
            "<w:bookmarkStart w:id=\"0\" w:name=\"conclusions\"/>{}<w:bookmarkEnd w:id=\"0\"/>",
            run("Conclusions")
        )),
    ]
    .concat();
    Docx {
        body,
        footnotes: Some(format!(
            "<w:footnote w:id=\"2\"><w:p><w:r><w:footnoteRef/></w:r>{}<w:hyperlink r:id=\"rIdSpeech\">{}</w:hyperlink>{}</w:p></w:footnote>\
             <w:footnote w:id=\"5\"><w:p>{}</w:p></w:footnote>",
            run(" Speech by the minister, 2019: "),
            run("the text"),
            run("."),
            run("A note nothing cites https://unreferenced.test/")
        )),
        endnotes: Some(format!(
            "<w:endnote w:id=\"1\"><w:p><w:r><w:endnoteRef/></w:r>{}</w:p></w:endnote>",
            run(" Council minutes, https://council.test/minutes")
        )),
        header: Some(paragraph(&run("Draft memo, see https://header.test/"))),
        links: vec![(
            "rIdPage".to_owned(),
            "https://site.test/page#comment897".to_owned(),
        )],
        footnote_links: vec![(
            "rIdSpeech".to_owned(),
            "https://speeches.test/minister".to_owned(),
        )],
    }
}

#[test]
fn word_shapes_are_read_as_a_reader_sees_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shapes.docx");
    std::fs::write(&path, shapes().bytes()).unwrap();
    let report = offline(&path);
    let memo = &report["memos"][0];
    let links: Vec<(String, String, String, String)> = memo["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["url"].as_str().unwrap().to_owned(),
                l["kind"].as_str().unwrap().to_owned(),
                l["part"].as_str().unwrap().to_owned(),
                l["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let want = |url: &str, kind: &str, part: &str, text: &str| {
        (
            url.to_owned(),
            kind.to_owned(),
            part.to_owned(),
            text.to_owned(),
        )
    };
    assert_eq!(
        links,
        vec![
            want(
                "https://site.test/report?a=1&b=2",
                "hyperlink",
                "body",
                "full report"
            ),
            want("https://site.test/simple", "hyperlink", "body", "this one"),
            want("#conclusions", "hyperlink", "body", "conclusions"),
            want("#nowhere", "hyperlink", "body", "a lost section"),
            want(
                "https://site.test/page#comment897",
                "hyperlink",
                "body",
                "https://site.test/page#comment897"
            ),
            // The text box once, though its fallback repeats it.
            want("https://box.test/a", "bare", "body", ""),
            want("https://table.test/one", "bare", "body", ""),
            want(
                "https://speeches.test/minister",
                "hyperlink",
                "footnote 1",
                "the text"
            ),
            want("https://council.test/minutes", "bare", "endnote 1", ""),
            want("https://header.test/", "bare", "header", ""),
        ],
        "{memo}"
    );
    // Links into the document itself, against its bookmarks.
    let verdict = |url: &str| {
        memo["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["url"] == url)
            .unwrap()["verdict"]
            .clone()
    };
    assert_eq!(verdict("#conclusions"), "ok");
    assert_eq!(verdict("#nowhere"), "anchor_missing");
    // SARIF carries the part and the place in the region's properties.
    let out = crate::support::citecheck(
        &["check", path.to_str().unwrap(), "--offline", "-f", "sarif"],
        None,
    );
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let regions: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["region"])
        .collect();
    assert!(
        regions
            .iter()
            .any(|r| r["properties"]["place"] == "¶ 4:25" && r["properties"]["part"] == "body"),
        "{regions:?}"
    );
    let quotes: Vec<(&str, &str, &str)> = memo["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["text"].as_str().unwrap(),
                q["candidates"][0].as_str().unwrap(),
                q["pairing"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        quotes,
        vec![
            (
                "energy security is now a matter for the whole alliance",
                "https://speeches.test/minister",
                "footnote"
            ),
            // The deletion left out, the insertion kept; the endnote cited.
            (
                "voted to close the old bridge to lorries",
                "https://council.test/minutes",
                "footnote"
            ),
        ],
        "{memo}"
    );
    let body_text = serde_json::to_string(memo).unwrap();
    assert!(
        !body_text.contains("unreferenced.test"),
        "a note nothing cites was read"
    );
    assert!(
        !body_text.contains("reject the plan"),
        "deleted text was read"
    );
}

#[test]
fn damaged_encrypted_and_unknown_files_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let memos = dir.path().join("memos");
    std::fs::create_dir(&memos).unwrap();
    std::fs::write(
        memos.join("a-damaged.docx"),
        b"PK\x03\x04 this is no archive",
    )
    .unwrap();
    // An encrypted Word file is an OLE compound file.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    std::fs::write(memos.join("b-encrypted.docx"), &ole).unwrap();
    // A zip without a document body (a macro-only package).
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/vbaProject.bin",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, b"macros").unwrap();
    std::fs::write(
        memos.join("c-macros.docx"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    std::fs::write(memos.join("d-good.docx"), shapes().bytes()).unwrap();
    std::fs::write(memos.join("e-picture.png"), b"\x89PNG").unwrap();
    std::fs::write(memos.join("f-old.doc"), &ole).unwrap();
    std::fs::write(memos.join("g-notes.odt"), b"not a zip").unwrap();
    let (report, code) = citecheck_json(
        &["check", memos.to_str().unwrap(), "--offline", "-f", "json"],
        None,
    );
    assert_eq!(
        code, 1,
        "unreadable memos are errors, not a failure of the tool"
    );
    let by_name = |name: &str| -> &Value {
        report["memos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not in {report}"))
    };
    let error = |name: &str| {
        by_name(name)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        error("a-damaged.docx").contains("zip archive"),
        "{}",
        error("a-damaged.docx")
    );
    assert!(
        error("b-encrypted.docx").contains("encrypted"),
        "{}",
        error("b-encrypted.docx")
    );
    assert!(
        error("c-macros.docx").contains("no document body"),
        "{}",
        error("c-macros.docx")
    );
    assert!(
        error("g-notes.odt").contains("zip archive"),
        "{}",
        error("g-notes.odt")
    );
    assert_eq!(
        by_name("d-good.docx")["links"].as_array().unwrap().len(),
        10
    );
    // Files of no type citecheck reads are counted, never silently passed.
    let skipped = &report["summary"]["skipped"];
    assert_eq!(skipped["by_type"][".png"], 1, "{skipped}");
    assert_eq!(skipped["by_type"][".doc"], 1, "{skipped}");
    assert!(
        report["notices"][0]
            .as_str()
            .unwrap()
            .contains("skipped 2 files"),
        "{}",
        report["notices"]
    );
    let out =
        crate::support::citecheck(&["check", memos.to_str().unwrap(), "--offline", "-v"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("skipped: ") && text.contains("f-old.doc"),
        "{text}"
    );
}

/// The site `fix` is run against: `/old*` pages moved for good.
fn moved_site() -> Server {
    Server::start(|path, _| match path {
        "/old" => Reply::redirect(301, "/new"),
        "/old-field" => Reply::redirect(301, "/new-field"),
        "/old-odt" => Reply::redirect(301, "/new-odt"),
        "/old-note" => Reply::redirect(301, "/new-note"),
        "/new" | "/new-field" | "/new-odt" | "/new-note" => Reply::html(
            200,
            &format!(
                "<html><head><title>{path}</title></head><body><h1>The page at {path}</h1>\
                 <p>Its report moved here for good, with its annexes and tables.</p></body></html>"
            ),
        ),
        _ => Reply::html(404, "<html><body><p>Not found.</p></body></html>"),
    })
}

#[test]
fn fix_rewrites_word_links_and_copies_every_other_entry() {
    let site = moved_site();
    let old = site.url("/old");
    let field = site.url("/old-field");
    let body = [
        paragraph(&format!(
            "{}<w:hyperlink r:id=\"rIdOld\">{}</w:hyperlink>{}<w:r><w:footnoteReference w:id=\"3\"/></w:r>",
            run("The report moved: "),
            run("the report"),
            run(".")
        )),
        // A field split over runs whose words are its URL.
        paragraph(&format!(
            "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
             <w:r><w:instrText xml:space=\"preserve\"> HYPERLINK \"{}</w:instrText></w:r>\
             <w:r><w:instrText xml:space=\"preserve\">{}\" </w:instrText></w:r>\
             <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
            run("Also at "),
            &field[..10],
            &field[10..],
            run(&field[..12]),
            run(&field[12..]),
        )),
    ]
    .concat();
    // The usual citation: a hyperlink in a footnote, through the
    // footnotes part's own relationships.
    let note = site.url("/old-note");
    let doc = Docx {
        body,
        footnotes: Some(format!(
            "<w:footnote w:id=\"3\"><w:p><w:r><w:footnoteRef/></w:r>{}<w:hyperlink r:id=\"rIdNote\">{}</w:hyperlink></w:p></w:footnote>",
            run(" Minutes, "),
            run("the minutes")
        )),
        footnote_links: vec![("rIdNote".to_owned(), note.clone())],
        header: Some(paragraph(&run("A header left alone"))),
        links: vec![("rIdOld".to_owned(), old.clone())],
        ..Docx::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.docx");
    let original = doc.bytes();
    std::fs::write(&memo, &original).unwrap();

    // A dry run lists the changes and writes nothing.
    let out = crate::support::citecheck(
        &[
            "fix",
            memo.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--no-archive",
            "--dry-run",
        ],
        None,
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(&format!(
            "(¶ 1:19): replace {old} with {}",
            site.url("/new")
        )),
        "{listed}"
    );
    assert!(listed.contains("(¶ 2:9)"), "{listed}");
    assert_eq!(
        std::fs::read(&memo).unwrap(),
        original,
        "a dry run wrote the memo"
    );

    let out = crate::support::citecheck(
        &[
            "fix",
            memo.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--no-archive",
            "-f",
            "json",
        ],
        None,
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let fixes = report["memos"][0]["fixes"].as_array().unwrap();
    assert_eq!(fixes.len(), 3, "{fixes:?}");
    assert!(fixes.iter().all(|f| f["applied"] == true), "{fixes:?}");
    let fixed = std::fs::read(&memo).unwrap();
    // Every entry but the two that hold the targets is the same, byte for
    // byte as stored, in the same order and compression.
    let (before, after) = (entries(&original), entries(&fixed));
    assert_eq!(
        before.iter().map(|e| &e.0).collect::<Vec<_>>(),
        after.iter().map(|e| &e.0).collect::<Vec<_>>()
    );
    for ((name, method, raw), (_, new_method, new_raw)) in before.iter().zip(&after) {
        assert_eq!(method, new_method, "{name}");
        let changed = matches!(
            name.as_str(),
            "word/_rels/document.xml.rels" | "word/document.xml" | "word/_rels/footnotes.xml.rels"
        );
        assert_eq!(raw != new_raw, changed, "{name}");
    }
    let rels = entry_text(&fixed, "word/_rels/document.xml.rels");
    assert!(
        rels.contains(&format!("Target=\"{}\"", site.url("/new"))),
        "{rels}"
    );
    let document = entry_text(&fixed, "word/document.xml");
    assert!(!document.contains("/old-field"), "{document}");
    // The field's instruction and its words carry the new URL, the rest of
    // the XML as it was.
    assert!(
        document.contains(&format!(
            "HYPERLINK &quot;{}&quot; ",
            site.url("/new-field")
        )),
        "{document}"
    );
    assert!(
        document.contains(&format!(
            "<w:t xml:space=\"preserve\">{}</w:t>",
            site.url("/new-field")
        )),
        "{document}"
    );
    // Read again: the links are the new ones.
    let again = offline(&memo);
    let urls: Vec<&str> = again["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    let (new, new_field, new_note) = (
        site.url("/new"),
        site.url("/new-field"),
        site.url("/new-note"),
    );
    assert_eq!(
        urls,
        vec![new.as_str(), new_field.as_str(), new_note.as_str()]
    );
    let note_rels = entry_text(&fixed, "word/_rels/footnotes.xml.rels");
    assert!(
        note_rels.contains(&format!("Target=\"{new_note}\"")),
        "{note_rels}"
    );
    libreoffice_opens(&memo);
}

#[test]
fn fix_rewrites_opendocument_links() {
    let site = moved_site();
    let old = site.url("/old-odt");
    // LibreOffice's own ODT, its link pointed at the moved page.
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/memos/office/policy-libreoffice.odt");
    let bytes = std::fs::read(&source).unwrap();
    let content = entry_text(&bytes, "content.xml");
    let cited = "https://www.nato.int/docu/speech/2008/s080507a.html";
    assert!(content.contains(cited));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).unwrap();
        if entry.name().unwrap() == "content.xml" {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            drop(entry);
            out.start_file("content.xml", options).unwrap();
            std::io::Write::write_all(&mut out, content.replace(cited, &old).as_bytes()).unwrap();
        } else {
            out.raw_copy_file(entry).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("policy.odt");
    let original = out.finish().unwrap().into_inner();
    std::fs::write(&memo, &original).unwrap();
    let (report, _) = check_memo(&memo, &["--offline"]);
    assert!(
        report["memos"][0]["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["url"] == old),
        "{report}"
    );
    let out = crate::support::citecheck(
        &[
            "fix",
            memo.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--no-archive",
            "--exclude",
            "^https://",
            "-f",
            "json",
        ],
        None,
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let fixes = report["memos"][0]["fixes"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"));
    // The hyperlink is rewritten; the same URL typed in the sources list
    // is not, and says why.
    assert_eq!(fixes.len(), 2, "{fixes:?}");
    assert_eq!(fixes[0]["applied"], true, "{fixes:?}");
    assert_eq!(fixes[1]["applied"], false, "{fixes:?}");
    assert!(
        fixes[1]["reason"]
            .as_str()
            .unwrap()
            .contains("typed in the document's text"),
        "{fixes:?}"
    );
    let fixed = std::fs::read(&memo).unwrap();
    let content = entry_text(&fixed, "content.xml");
    assert!(content.contains(&format!("xlink:href=\"{}\"", site.url("/new-odt"))));
    for ((name, _, raw), (_, _, new_raw)) in entries(&original).iter().zip(&entries(&fixed)) {
        assert_eq!(raw != new_raw, name == "content.xml", "{name}");
    }
    // The ODF package's first entry stays the stored mimetype.
    assert_eq!(entries(&fixed)[0].0, "mimetype");
    assert_eq!(entries(&fixed)[0].1, zip::CompressionMethod::Stored);
    libreoffice_opens(&memo);
}

/// LibreOffice opens the document and converts it again without an error.
fn libreoffice_opens(memo: &Path) {
    let out_dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(out_dir.path())
        .arg(memo)
        .output()
        .expect("LibreOffice (soffice) runs: scripts/test.sh installs it");
    let name = memo.file_stem().unwrap().to_str().unwrap();
    let text =
        std::fs::read_to_string(out_dir.path().join(format!("{name}.txt"))).unwrap_or_else(|e| {
            panic!(
                "LibreOffice did not convert {}: {e}\n{}",
                memo.display(),
                String::from_utf8_lossy(&status.stderr)
            )
        });
    assert!(
        !text.trim().is_empty(),
        "LibreOffice read no text from {}",
        memo.display()
    );
}

#[test]
fn cut_and_garbled_parts_are_errors_or_partial_reads_never_crashes() {
    let doc = shapes();
    let whole = doc.bytes();
    let document = entry_text(&whole, "word/document.xml");
    let footnotes = entry_text(&whole, "word/footnotes.xml");
    let rezip = |part: &str, text: &str| -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&whole[..])).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).unwrap();
            if entry.name().unwrap() == part {
                drop(entry);
                out.start_file(part, zip::write::SimpleFileOptions::default())
                    .unwrap();
                std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
            } else {
                out.raw_copy_file(entry).unwrap();
            }
        }
        out.finish().unwrap().into_inner()
    };
    let mut errors = 0;
    for (part, xml) in [
        ("word/document.xml", &document),
        ("word/footnotes.xml", &footnotes),
    ] {
        let cuts = (0..xml.len())
            .step_by(37)
            .filter(|&i| xml.is_char_boundary(i));
        for cut in cuts {
            for garbled in [
                xml[..cut].to_owned(),
                format!("{}<w:t>&bogus;</w:p>{}", &xml[..cut], &xml[cut..]),
            ] {
                match citecheck::office::read_memo(
                    &rezip(part, &garbled),
                    citecheck::office::Kind::Docx,
                ) {
                    Ok(memo) => {
                        let x = citecheck::extract::extract_office(
                            &memo,
                            &citecheck::extract::ExtractOptions::default(),
                        );
                        assert!(x.links.iter().all(|l| l.position.part.is_some()));
                    }
                    Err(why) => {
                        assert!(
                            why.contains("well-formed") || why.contains("cannot"),
                            "{why}"
                        );
                        errors += 1;
                    }
                }
            }
        }
    }
    assert!(
        errors > 0,
        "no cut was ever an error: the sweep tests nothing"
    );
}
