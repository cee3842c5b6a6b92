//! Small Word documents written by hand for the tests: the package parts
//! a word processor needs to open them (content types, relationships),
//! the body, and optional footnotes, endnotes and a header, each with its
//! own relationships. What goes inside `w:body` is the test's own XML, so
//! each shape a producer writes (a field split over runs, a tracked
//! change, a text box with its fallback) is spelled out where it is used.

use std::io::Write;

/// The namespaces every WordprocessingML part of these documents declares.
const NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps""#;

const REL_TYPE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A document to write: parts' inner XML and external links by id.
#[derive(Default)]
pub struct Docx {
    /// What goes inside `w:body`.
    pub body: String,
    /// What goes inside `w:footnotes` (separators are added).
    pub footnotes: Option<String>,
    /// What goes inside `w:endnotes`.
    pub endnotes: Option<String>,
    /// What goes inside `w:hdr`.
    pub header: Option<String>,
    /// The body's external hyperlinks: (id, target).
    pub links: Vec<(String, String)>,
    /// The footnotes' external hyperlinks.
    pub footnote_links: Vec<(String, String)>,
}

impl Docx {
    /// The document's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut file = |name: &str, text: &str| {
            zip.start_file(name, deflated).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        };
        let mut overrides = String::from(
            r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
        );
        let mut doc_rels = String::new();
        for (id, target) in &self.links {
            doc_rels.push_str(&external(id, target));
        }
        let separators = r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#;
        if let Some(notes) = &self.footnotes {
            overrides.push_str(r#"<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>"#);
            doc_rels.push_str(&format!(
                r#"<Relationship Id="rIdFootnotes" Type="{REL_TYPE}/footnotes" Target="footnotes.xml"/>"#
            ));
            file(
                "word/footnotes.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NAMESPACES}>{separators}{notes}</w:footnotes>"#
                ),
            );
            let rels: String = self
                .footnote_links
                .iter()
                .map(|(id, target)| external(id, target))
                .collect();
            file("word/_rels/footnotes.xml.rels", &relationships(&rels));
        }
        if let Some(notes) = &self.endnotes {
            overrides.push_str(r#"<Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/>"#);
            doc_rels.push_str(&format!(
                r#"<Relationship Id="rIdEndnotes" Type="{REL_TYPE}/endnotes" Target="endnotes.xml"/>"#
            ));
            let separators = separators.replace("footnote", "endnote");
            file(
                "word/endnotes.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:endnotes {NAMESPACES}>{separators}{notes}</w:endnotes>"#
                ),
            );
        }
        let mut section = String::new();
        if let Some(header) = &self.header {
            overrides.push_str(r#"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#);
            doc_rels.push_str(&format!(
                r#"<Relationship Id="rIdHeader" Type="{REL_TYPE}/header" Target="header1.xml"/>"#
            ));
            file(
                "word/header1.xml",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NAMESPACES}>{header}</w:hdr>"#
                ),
            );
            section =
                r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/></w:sectPr>"#
                    .to_owned();
        }
        file(
            "[Content_Types].xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>"#
            ),
        );
        file(
            "_rels/.rels",
            &relationships(&format!(
                r#"<Relationship Id="rId1" Type="{REL_TYPE}/officeDocument" Target="word/document.xml"/>"#
            )),
        );
        file("word/_rels/document.xml.rels", &relationships(&doc_rels));
        file(
            "word/document.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{}{section}</w:body></w:document>"#,
                self.body
            ),
        );
        zip.finish().unwrap().into_inner()
    }
}

fn external(id: &str, target: &str) -> String {
    format!(
        r#"<Relationship Id="{id}" Type="{REL_TYPE}/hyperlink" Target="{}" TargetMode="External"/>"#,
        target.replace('&', "&amp;")
    )
}

fn relationships(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{inner}</Relationships>"#
    )
}

/// A paragraph of runs, each `w:t` text.
pub fn paragraph(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

/// A run of text.
pub fn run(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// Every entry of an archive: name → (compression, stored bytes).
pub fn entries(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index_raw(i).unwrap();
            let mut raw = Vec::new();
            entry.read_to_end(&mut raw).unwrap();
            (entry.name().unwrap().into_owned(), entry.compression(), raw)
        })
        .collect()
}

/// One entry of an archive, inflated, as text.
pub fn entry_text(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}
