//! Bot-protection challenges: a response that is a challenge page
//! (Cloudflare, Imperva Incapsula, Akamai, DataDome, PerimeterX,
//! DDoS-Guard) rather than the page asked for. Read beside the page
//! itself ([`super::page`]), from its headers, title and body. Pure.

use super::page::PageFacts;
use crate::fetch::Response;

/// A bot-protection challenge, if the response is one.
pub(crate) fn detect(response: &Response, facts: Option<&PageFacts>) -> Option<String> {
    if response
        .cf_mitigated
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("challenge"))
    {
        return Some(
            "bot challenge (cf-mitigated: challenge): the site refuses automated clients"
                .to_owned(),
        );
    }
    if !matches!(response.status, 403 | 429 | 503) {
        return None;
    }
    let server = response
        .server
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let title = facts
        .and_then(|f| f.title.as_deref())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = response.text.as_deref().unwrap_or_default();
    let signature = if server.contains("cloudflare")
        && (title.contains("just a moment") || title.contains("attention required"))
    {
        Some("Cloudflare")
    } else if body.contains("_Incapsula_Resource") || body.contains("Incapsula incident") {
        Some("Imperva Incapsula")
    } else if server.contains("akamaighost") && title.contains("access denied") {
        Some("Akamai")
    } else if body.contains("captcha-delivery.com") || server.contains("datadome") {
        Some("DataDome")
    } else if body.contains("_pxCaptcha") || body.contains("perimeterx") {
        Some("PerimeterX")
    } else if server.contains("ddos-guard") {
        Some("DDoS-Guard")
    } else {
        None
    }?;
    Some(format!(
        "bot challenge from {signature} (HTTP {}): the site refuses automated clients",
        response.status
    ))
}
