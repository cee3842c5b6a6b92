//! Plain text (usually extracted from a PDF): bare URLs anywhere, quotes
//! anywhere, and every quote paired with every link of the memo, since
//! nothing in plain text says which source a quote belongs to.

use super::{Block, Document, ExtractOptions, RawLink, TextMap, urls};
use crate::model::LinkKind;

pub(super) fn parse(text: &str, options: &ExtractOptions) -> Document {
    let found = urls::find_urls(text);
    // The text is the block: a URL starts where it is written.
    let link_starts = found
        .iter()
        .enumerate()
        .map(|(i, range)| (range.start..range.start + 1, i))
        .collect();
    let links = found
        .into_iter()
        .map(|range| {
            let angle = range.start > 0
                && text[..range.start].ends_with('<')
                && text[range.end..].starts_with('>');
            RawLink {
                text: None,
                written: text[range.clone()].to_owned(),
                kind: if angle {
                    LinkKind::Angle
                } else {
                    LinkKind::Bare
                },
                offset: range.start,
            }
        })
        .collect();
    Document {
        links,
        blocks: vec![Block {
            text: text.to_owned(),
            map: TextMap::identity(),
            memo_scope: true,
            link_starts,
            ..Block::default()
        }],
        base: options.base_url.clone(),
        ..Document::default()
    }
}
