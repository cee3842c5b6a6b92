//! A page's link annotations (PDF 32000-1 §12.5.6.5): `/Subtype /Link`
//! with a `/URI` action, stored in the page's `/Annots` inline or by
//! reference, each with its rectangle (or `/QuadPoints`, one box per line
//! of a link that wraps).

use super::layout::Rect;
use super::resolve;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// One link annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkAnnotation {
    /// The URI it opens.
    pub uri: String,
    /// The boxes it covers.
    pub rects: Vec<Rect>,
}

fn numbers(document: &Document, object: &Object) -> Vec<f32> {
    resolve(document, object)
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| resolve(document, o).as_float().ok())
                .filter(|v| v.is_finite())
                .collect()
        })
        .unwrap_or_default()
}

/// The page's link annotations that open a URI, in the order stored.
pub(super) fn page_links(document: &Document, page: ObjectId) -> Vec<LinkAnnotation> {
    let Ok(page) = document.get_dictionary(page) else {
        return Vec::new();
    };
    let Ok(annots) = page.get(b"Annots").map(|o| resolve(document, o)) else {
        return Vec::new();
    };
    let Ok(annots) = annots.as_array() else {
        return Vec::new();
    };
    annots
        .iter()
        .take(10_000)
        .filter_map(|a| resolve(document, a).as_dict().ok())
        .filter_map(|a| link(document, a))
        .collect()
}

fn link(document: &Document, annotation: &Dictionary) -> Option<LinkAnnotation> {
    if annotation.get(b"Subtype").and_then(Object::as_name).ok()? != b"Link" {
        return None;
    }
    let action = resolve(document, annotation.get(b"A").ok()?)
        .as_dict()
        .ok()?;
    if action.get(b"S").and_then(Object::as_name).ok()? != b"URI" {
        return None;
    }
    let uri = resolve(document, action.get(b"URI").ok()?).as_str().ok()?;
    let uri = String::from_utf8_lossy(uri).trim().to_owned();
    if uri.is_empty() {
        return None;
    }
    let quads = annotation
        .get(b"QuadPoints")
        .map(|q| numbers(document, q))
        .unwrap_or_default();
    let mut rects: Vec<Rect> = quads
        .chunks_exact(8)
        .map(|q| {
            let xs = [q[0], q[2], q[4], q[6]];
            let ys = [q[1], q[3], q[5], q[7]];
            let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
            let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
            Rect::new(min(xs), min(ys), max(xs), max(ys))
        })
        .collect();
    if rects.is_empty() {
        let r = annotation
            .get(b"Rect")
            .map(|r| numbers(document, r))
            .unwrap_or_default();
        if let [a, b, c, d] = r[..] {
            rects.push(Rect::new(a, b, c, d));
        }
    }
    Some(LinkAnnotation { uri, rects })
}
