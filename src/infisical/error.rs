//! One error type for every Infisical call. API errors keep what the server said (status,
//! `error`, `message` or the 422 issue list, `reqId`); all of it is sanitized before display.

use std::fmt;

use crate::infisical::domain::DomainError;
use crate::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiMessage {
    Text(String),
    Issues(Vec<Issue>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub path: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub error: String,
    pub message: ApiMessage,
    pub req_id: Option<String>,
    /// Seconds to wait, from `Retry-After` or the 429 message.
    pub retry_after: Option<u64>,
}

/// Largest error body (or other answer we only show) that we read; the rest is dropped.
pub const MAX_BODY: usize = 1024 * 1024;

/// Largest successful answer we read: a list of 2,000 projects in Infisical's shape is about
/// 1.6 MB, so this leaves room for organisations twenty times that size and still bounds
/// what a hostile server can make us hold.
pub const MAX_ANSWER: usize = 32 * 1024 * 1024;

impl ApiError {
    /// Parses Infisical's error envelope; anything else becomes a readable error too.
    pub fn from_body(status: u16, body: &[u8], retry_after_header: Option<&str>) -> ApiError {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let envelope = parsed.as_ref().and_then(|v| v.as_object());
        let text = |key: &str| {
            envelope
                .and_then(|o| o.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let message = match envelope.and_then(|o| o.get("message")) {
            Some(serde_json::Value::String(s)) => ApiMessage::Text(s.clone()),
            Some(serde_json::Value::Array(items)) => {
                ApiMessage::Issues(items.iter().map(issue_from_json).collect())
            }
            Some(other) => ApiMessage::Text(other.to_string()),
            None => {
                let excerpt = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                ApiMessage::Text(if excerpt.trim().is_empty() {
                    "unexpected empty response from the server".into()
                } else {
                    format!("unexpected response from the server (not Infisical's JSON): {excerpt}")
                })
            }
        };
        let retry_after = retry_after_header
            .and_then(|h| h.trim().parse().ok())
            .or_else(|| match (&message, status) {
                (ApiMessage::Text(m), 429) => seconds_in(m),
                _ => None,
            });
        ApiError {
            status,
            error: text("error").unwrap_or_else(|| reason(status).to_string()),
            message,
            req_id: text("reqId"),
            retry_after,
        }
    }

    fn text(&self) -> &str {
        match &self.message {
            ApiMessage::Text(t) => t,
            ApiMessage::Issues(_) => "",
        }
    }

    /// The access token is missing, expired or not accepted: sign in again.
    pub fn is_token_error(&self) -> bool {
        self.status == 401 || (self.status == 403 && self.error == "TokenError")
    }

    pub fn is_duplicate_name(&self) -> bool {
        self.status == 400 && self.text().contains("already exists")
    }

    /// Infisical asked Ona about the token and Ona said no (docs/infisical-api.md §5).
    pub fn is_ona_rejection(&self) -> bool {
        self.status == 400
            && (self.text().starts_with("Failed to validate credentials")
                || self.text().starts_with("Unable to validate connection"))
    }

    pub fn is_project_not_found(&self) -> bool {
        self.status == 400 && self.text().starts_with("Could not find project")
    }

    /// Readable lines: the message (or `path: message` per issue), sanitized; Ona's refusal in
    /// words rather than the JSON Infisical embeds it as.
    pub fn message_lines(&self) -> Vec<String> {
        match &self.message {
            ApiMessage::Text(t) if self.is_ona_rejection() => {
                // Cleaned before parsing too: a raw control character would make it invalid JSON.
                let cleaned = sanitize::for_terminal(t, usize::MAX);
                vec![sanitize::server_text(
                    &ona_refusal_words(&cleaned).unwrap_or(cleaned),
                )]
            }
            ApiMessage::Text(t) => vec![sanitize::server_text(t)],
            ApiMessage::Issues(issues) => issues
                .iter()
                .take(20)
                .map(|i| sanitize::server_text(&format!("{}: {}", i.path.join("."), i.message)))
                .collect(),
        }
    }

    /// The message as the server sent it (for JSON output, which escapes on its own).
    pub fn raw_message_lines(&self) -> Vec<String> {
        match &self.message {
            ApiMessage::Text(t) => vec![t.clone()],
            ApiMessage::Issues(issues) => issues
                .iter()
                .take(20)
                .map(|i| format!("{}: {}", i.path.join("."), i.message))
                .collect(),
        }
    }

    /// Which field a 422 issue list or a 400 points at, first one first.
    pub fn issue_paths(&self) -> Vec<String> {
        match &self.message {
            ApiMessage::Issues(issues) => issues
                .iter()
                .filter_map(|i| i.path.first().cloned())
                .collect(),
            ApiMessage::Text(_) => Vec::new(),
        }
    }

    pub fn req_id(&self) -> Option<String> {
        self.req_id
            .as_deref()
            .map(|r| sanitize::for_terminal(r, 40))
    }
}

/// `Failed to validate credentials: {"code":"unauthenticated","message":"…"}`, Ona's answer
/// as Infisical passes it on (docs/infisical-api.md §5), as a sentence with Ona's code in words.
fn ona_refusal_words(text: &str) -> Option<String> {
    let json = text.strip_prefix("Failed to validate credentials:")?.trim();
    let ona: serde_json::Value = serde_json::from_str(json).ok()?;
    let code = ona.get("code")?.as_str()?.replace('_', " ");
    let said = ona
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::trim)
        .filter(|m| !m.is_empty());
    Some(match said {
        Some(message) => {
            format!("Ona refused the token when Infisical checked it ({code}): {message}")
        }
        None => format!("Ona refused the token when Infisical checked it ({code})"),
    })
}

fn issue_from_json(v: &serde_json::Value) -> Issue {
    let path = v
        .get("path")
        .and_then(|p| p.as_array())
        .map(|p| {
            p.iter()
                .map(|seg| seg.as_str().map_or_else(|| seg.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let message = v
        .get("message")
        .and_then(|m| m.as_str())
        .map_or_else(|| v.to_string(), str::to_string);
    Issue { path, message }
}

/// "Rate limit exceeded. Please try again in 42 seconds" → 42.
fn seconds_in(message: &str) -> Option<u64> {
    let after = message.split("try again in ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        422 => "ValidationFailure",
        429 => "RateLimitExceeded",
        500..=599 => "ServerError",
        _ => "HttpError",
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status,
            sanitize::for_terminal(&self.error, 80),
            self.message_lines().join("; ")
        )?;
        if let Some(r) = self.req_id() {
            write!(f, " (reqId {r})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("{0}")]
    Api(ApiError),
    #[error(
        "the server answered {status} with a redirect to {location}; redirects are not followed so that the token is never sent elsewhere. Use the final address as the domain"
    )]
    Redirect { status: u16, location: String },
    #[error("could not connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("TLS problem with {host}: {detail} (for a private CA use --ca-file or SSL_CERT_FILE)")]
    Tls { host: String, detail: String },
    #[error("{}", timeout_text(host, *seconds, *attempts))]
    Timeout {
        host: String,
        /// The limit of one try, or after several the whole time spent.
        seconds: u64,
        sent: bool,
        /// How many tries went unanswered (reads are retried).
        attempts: u32,
    },
    #[error("the connection to {host} broke before an answer arrived: {detail}")]
    Network { host: String, detail: String },
    #[error("unexpected answer from {host} (HTTP {status}): {detail}")]
    Decode {
        host: String,
        status: u16,
        detail: String,
    },
    #[error("cannot use the CA file {path}: {detail}")]
    CaFile { path: String, detail: String },
    #[error("not signed in to Infisical")]
    NotSignedIn,
}

fn timeout_text(host: &str, seconds: u64, attempts: u32) -> String {
    if attempts > 1 {
        format!("no answer from {host} in {attempts} tries over {seconds} s")
    } else {
        format!("no answer from {host} within {seconds} s")
    }
}

impl Error {
    /// A write that ends like this may or may not have been carried out.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout { sent, .. } => *sent,
            Error::Network { .. } => true,
            Error::Api(e) => e.status >= 500,
            // A success whose body could not be read: the write most likely happened.
            Error::Decode { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }

    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    pub fn is_token_error(&self) -> bool {
        matches!(self, Error::NotSignedIn) || self.api().is_some_and(ApiError::is_token_error)
    }

    /// The message shown to a person, sanitized (server text may carry escape sequences).
    pub fn display_lines(&self) -> Vec<String> {
        match self {
            Error::Api(e) => {
                let mut lines = vec![format!(
                    "HTTP {} {}",
                    e.status,
                    sanitize::for_terminal(&e.error, 80)
                )];
                lines.extend(e.message_lines());
                if let Some(r) = e.req_id() {
                    lines.push(format!("reqId: {r}"));
                }
                lines
            }
            other => vec![sanitize::server_text(&other.to_string())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    #[test]
    fn parses_each_error_class() {
        let dup = ApiError::from_body(400, &fixture("error-400-duplicate-name.json"), None);
        assert!(dup.is_duplicate_name() && !dup.is_ona_rejection());
        assert_eq!(dup.req_id.as_deref(), Some("req-FAKE0000000001"));
        let ona = ApiError::from_body(400, &fixture("error-400-ona-credentials.json"), None);
        assert!(ona.is_ona_rejection());
        assert_eq!(
            ona.message_lines(),
            [
                "Ona refused the token when Infisical checked it (unauthenticated): FAKE: invalid personal access token"
            ]
        );
        assert!(ona.to_string().ends_with("(reqId req-FAKE0000000001)"));
        // Not Ona's JSON after all: Infisical's text as it came.
        let odd = ApiError::from_body(
            400,
            br#"{"message": "Failed to validate credentials: connect ECONNREFUSED"}"#,
            None,
        );
        assert_eq!(
            odd.message_lines(),
            ["Failed to validate credentials: connect ECONNREFUSED"]
        );
        let proj = ApiError::from_body(400, &fixture("error-400-project-not-found.json"), None);
        assert!(proj.is_project_not_found());
        for f in [
            "error-403-token-malformed.json",
            "error-403-token-expired.json",
            "error-401-token-missing.json",
        ] {
            assert!(
                ApiError::from_body(if f.contains("401") { 401 } else { 403 }, &fixture(f), None)
                    .is_token_error(),
                "{f}"
            );
        }
        let perm = ApiError::from_body(403, &fixture("error-403-permission-denied.json"), None);
        assert!(!perm.is_token_error());
        let v = ApiError::from_body(422, &fixture("error-422-validation.json"), None);
        assert_eq!(
            v.issue_paths(),
            ["credentials", "name", "name", "description"]
        );
        assert_eq!(
            v.message_lines()[0],
            "credentials.personalAccessToken: Personal Access Token required"
        );
        let legacy =
            ApiError::from_body(422, &fixture("error-422-validation-zod3-legacy.json"), None);
        assert_eq!(legacy.message_lines()[0], "name: Required");
        let rl = ApiError::from_body(429, &fixture("error-429-rate-limit.json"), None);
        assert_eq!(rl.retry_after, Some(42));
        assert_eq!(
            ApiError::from_body(429, &fixture("error-429-rate-limit.json"), Some("3")).retry_after,
            Some(3)
        );
    }

    #[test]
    fn an_unreadable_success_is_an_unknown_outcome() {
        let decode = |status| Error::Decode {
            host: "h".into(),
            status,
            detail: "not the expected JSON".into(),
        };
        assert!(decode(200).outcome_unknown());
        // Status 0: the URL could not even be built, so nothing was sent.
        assert!(!decode(0).outcome_unknown());
        assert!(!Error::Api(ApiError::from_body(400, b"{}", None)).outcome_unknown());
    }

    #[test]
    fn tolerates_bodies_that_are_not_the_envelope() {
        let html = ApiError::from_body(502, b"<html>Bad gateway</html>", None);
        assert_eq!(html.error, "ServerError");
        assert!(html.message_lines()[0].contains("not Infisical's JSON"));
        let weird = ApiError::from_body(400, br#"{"message": {"x": 1}, "error": 7}"#, None);
        assert_eq!(weird.error, "BadRequest");
        let hostile = ApiError::from_body(
            400,
            b"{\"message\":\"\\u001b]0;pwned\\u0007\\u001b[2J\",\"reqId\":\"req-\\u001b[1m\"}",
            None,
        );
        assert!(!hostile.to_string().contains('\u{1b}'));
        assert!(
            hostile
                .message_lines()
                .iter()
                .all(|l| !l.contains('\u{1b}'))
        );
    }
}
