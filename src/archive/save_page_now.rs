//! The Wayback Machine's Save Page Now 2 API, pure: the requests that
//! ask for a capture and follow it, and their answers.
//!
//! - `POST {base}/save` with the form `url=…` (and
//!   `if_not_archived_within=<seconds>`, `skip_first_archive=1`), the
//!   header `Authorization: LOW <access>:<secret>` and
//!   `Accept: application/json`, answers `{"url", "job_id"}`, or
//!   `{"status": "error", "status_ext": "error:…", "message"}` when the
//!   request is refused;
//! - `GET {base}/save/status/<job_id>` answers `{"status": "pending"}`,
//!   `{"status": "success", "timestamp": "YYYYMMDDhhmmss", …}` or
//!   `{"status": "error", "status_ext", "message"}`;
//! - `GET {base}/save/status/user` answers the account's capture slots:
//!   `{"available": N, "processing": M}`.

use crate::archive::keys::Keys;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// `{base}/save`, where capture requests are sent.
pub(crate) fn save_url(base: &Url) -> Url {
    endpoint(base, "save")
}

/// `{base}/save/status/user`, the account's capture slots.
pub(crate) fn user_status_url(base: &Url) -> Url {
    endpoint(base, "save/status/user")
}

/// `{base}/save/status/<job_id>`, a job's progress. The id is one path
/// segment, escaped as such.
pub(crate) fn status_url(base: &Url, job_id: &str) -> Url {
    let mut url = endpoint(base, "save/status");
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(job_id);
    }
    url
}

fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    url.set_path(&format!("{}/{path}", base.path().trim_end_matches('/')));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The form that asks for a capture of `page`. With `not_within`, the
/// service makes none when it holds one that recent (and says so).
pub(crate) fn save_form(page: &Url, not_within: Option<Duration>) -> Vec<(String, String)> {
    let mut form = vec![("url".to_owned(), page.to_string())];
    if let Some(within) = not_within {
        form.push((
            "if_not_archived_within".to_owned(),
            within.as_secs().to_string(),
        ));
    }
    form.push(("skip_first_archive".to_owned(), "1".to_owned()));
    form
}

/// The `Authorization` header's value: `LOW <access>:<secret>`.
pub(crate) fn authorization(keys: &Keys) -> String {
    format!("LOW {}:{}", keys.access(), keys.secret())
}

/// What the service said about a job (or a request for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Taken, not done yet.
    Pending,
    /// Done: the capture's timestamp.
    Success {
        /// `YYYYMMDDhhmmss`.
        timestamp: String,
    },
    /// Refused or failed: its `status_ext` (`error:no-access`, …) and
    /// message.
    Error {
        /// The machine-readable reason, when given.
        status_ext: Option<String>,
        /// The service's words.
        message: Option<String>,
    },
}

impl JobState {
    /// Why the job failed, in words for the report.
    pub(crate) fn why(&self) -> Option<String> {
        let Self::Error {
            status_ext,
            message,
        } = self
        else {
            return None;
        };
        Some(match (status_ext, message) {
            (Some(ext), Some(message)) => format!("{ext}: {message}"),
            (Some(ext), None) => ext.clone(),
            (None, Some(message)) => message.clone(),
            (None, None) => "error".to_owned(),
        })
    }
}

#[derive(Deserialize)]
struct Answer {
    job_id: Option<String>,
    status: Option<String>,
    status_ext: Option<String>,
    message: Option<String>,
    timestamp: Option<String>,
}

impl Answer {
    fn parse(body: &str) -> Result<Self, String> {
        serde_json::from_str(body.trim())
            .map_err(|e| format!("Save Page Now's answer is not the JSON it documents: {e}"))
    }

    fn error(self) -> JobState {
        JobState::Error {
            status_ext: self.status_ext,
            message: self.message,
        }
    }
}

/// The answer to a capture request: the job's id, or why there is none.
pub fn parse_submitted(body: &str) -> Result<Result<String, JobState>, String> {
    let answer = Answer::parse(body)?;
    if answer.status.as_deref() == Some("error") {
        return Ok(Err(answer.error()));
    }
    match answer.job_id.filter(|id| !id.is_empty()) {
        Some(id) => Ok(Ok(id)),
        None => Err("Save Page Now's answer names no job".to_owned()),
    }
}

/// The answer to a status request.
pub fn parse_status(body: &str) -> Result<JobState, String> {
    let answer = Answer::parse(body)?;
    match answer.status.as_deref() {
        Some("pending") => Ok(JobState::Pending),
        Some("success") => match answer.timestamp {
            Some(t) if t.len() >= 8 && t.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(JobState::Success { timestamp: t })
            }
            _ => Err("Save Page Now's success names no capture timestamp".to_owned()),
        },
        Some("error") => Ok(answer.error()),
        other => Err(format!(
            "Save Page Now's status {:?} is not one it documents",
            other.unwrap_or("")
        )),
    }
}

/// The capture slots free for the account (`available`).
pub fn parse_available(body: &str) -> Result<usize, String> {
    #[derive(Deserialize)]
    struct User {
        available: usize,
    }
    serde_json::from_str::<User>(body.trim())
        .map(|user| user.available)
        .map_err(|e| format!("Save Page Now's account status is not the JSON it documents: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_the_base_path() {
        let base = Url::parse("http://127.0.0.1:9/archive/").unwrap();
        assert_eq!(save_url(&base).as_str(), "http://127.0.0.1:9/archive/save");
        assert_eq!(
            user_status_url(&base).as_str(),
            "http://127.0.0.1:9/archive/save/status/user"
        );
        assert_eq!(
            status_url(&base, "spn2-a/b").as_str(),
            "http://127.0.0.1:9/archive/save/status/spn2-a%2Fb"
        );
        let page = Url::parse("https://a.org/x?y=1").unwrap();
        assert_eq!(
            save_form(&page, Some(Duration::from_secs(86_400))),
            [
                ("url".to_owned(), "https://a.org/x?y=1".to_owned()),
                ("if_not_archived_within".to_owned(), "86400".to_owned()),
                ("skip_first_archive".to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(save_form(&page, None).len(), 2);
    }

    #[test]
    fn answers() {
        assert_eq!(
            parse_submitted(r#"{"url":"https://a.org/","job_id":"spn2-1"}"#),
            Ok(Ok("spn2-1".to_owned()))
        );
        let refused = parse_submitted(
            r#"{"status":"error","status_ext":"error:user-session-limit","message":"Too many"}"#,
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(
            refused.why().as_deref(),
            Some("error:user-session-limit: Too many")
        );
        assert!(parse_submitted("<html>").is_err());
        assert!(parse_submitted("{}").is_err());
        assert_eq!(
            parse_status(r#"{"status":"pending","job_id":"x"}"#),
            Ok(JobState::Pending)
        );
        assert_eq!(
            parse_status(r#"{"status":"success","timestamp":"20261201093000"}"#),
            Ok(JobState::Success {
                timestamp: "20261201093000".to_owned()
            })
        );
        assert!(parse_status(r#"{"status":"success"}"#).is_err());
        assert_eq!(
            parse_status(r#"{"status":"error","status_ext":"error:no-access"}"#)
                .unwrap()
                .why()
                .as_deref(),
            Some("error:no-access")
        );
        assert!(parse_status(r#"{"status":"queued"}"#).is_err());
        assert_eq!(parse_available(r#"{"available":3,"processing":1}"#), Ok(3));
        assert!(parse_available("[]").is_err());
    }
}
