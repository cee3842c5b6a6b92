//! Whole documents, fetched for what they are rather than digested: memos
//! published on the web, and the sitemaps, feeds and robots.txt files
//! that list them. Redirects are followed as for cited pages
//! ([`super::follow_hop`]) and the body is kept as it came
//! ([`super::Response::raw`]), so the caller decides by its type what it
//! is. With validators from an earlier fetch the request is conditional,
//! and a `304 Not Modified` comes back as such.

use super::{Answer, Call, Failure, Fetcher, Page, Validators, follow_hop};
use reqwest::header::HeaderValue;
use std::collections::HashSet;
use url::Url;

/// Fetch `url` whole, following redirects; with `validators`, ask only
/// for a change (`If-None-Match`, `If-Modified-Since`).
pub(crate) async fn fetch(fetcher: &Fetcher, url: &Url, validators: Option<&Validators>) -> Page {
    let mut page = Page::new(url);
    let mut visited = HashSet::from([url.clone()]);
    let mut headers = Vec::new();
    if let Some(v) = validators {
        let mut add = |name, value: &Option<String>| {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.push((name, value));
            }
        };
        add("if-none-match", &v.etag);
        add("if-modified-since", &v.last_modified);
    }
    let call = Call {
        raw: true,
        ..Call::get(headers)
    };
    page.result = loop {
        let here = page.final_url.clone();
        let answer = tokio::select! {
            answer = fetcher.request_with(&here, &call, &mut page.requests) => answer,
            () = fetcher.interrupt().abandoned() => Err(Failure::interrupted()),
        };
        match answer {
            Ok(Answer::Final(response)) => break Ok(response),
            Ok(Answer::Redirect { status, location }) => {
                let max = fetcher.settings().max_redirects;
                if let Err(failure) = follow_hop(&mut page, &mut visited, (status, location), max) {
                    break Err(failure);
                }
            }
            Err(failure) => break Err(failure),
        }
    };
    page
}
