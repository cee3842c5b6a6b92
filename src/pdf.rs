//! Text of a PDF document (lopdf), page by page. PDFs come from anyone, so
//! the parser is guarded: a panic inside it becomes an error, never the end
//! of the run.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Whether bytes look like a PDF (`%PDF-` near the start, as readers
/// accept some leading junk).
pub fn is_pdf(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// The text of every page, in page order.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, String> {
    catch_unwind(AssertUnwindSafe(|| read(bytes)))
        .unwrap_or_else(|_| Err("the PDF parser failed on this document".to_owned()))
}

fn read(bytes: &[u8]) -> Result<Vec<String>, String> {
    let document =
        lopdf::Document::load_mem(bytes).map_err(|e| format!("not a readable PDF: {e}"))?;
    if document.is_encrypted() {
        return Err("the PDF is encrypted".to_owned());
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err("the PDF has no pages".to_owned());
    }
    let mut texts = Vec::with_capacity(pages.len());
    let mut failures = 0;
    for &number in pages.keys() {
        match document.extract_text(&[number]) {
            Ok(text) => texts.push(text),
            Err(_) => {
                failures += 1;
                texts.push(String::new());
            }
        }
    }
    if failures == texts.len() {
        return Err("no text could be read from the PDF's pages".to_owned());
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_pdfs_are_errors() {
        assert!(is_pdf(b"%PDF-1.4\n%junk"));
        assert!(!is_pdf(b"<html>"));
        assert!(page_texts(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF").is_err());
        assert!(page_texts(b"").is_err());
        assert!(page_texts(&[0xff; 4096]).is_err());
    }
}
