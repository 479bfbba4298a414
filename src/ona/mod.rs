//! Ona's own API (Connect RPC over HTTP, docs/infisical-api.md §11): the same identity check Infisical
//! makes before it stores a token, and the token list that tells when it expires.

use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;

use crate::infisical::{Domain, DomainError};
use crate::sanitize;
use crate::secret::Secret;

mod expiry;
pub use expiry::{Expiry, PatMatch, TokenCheck, date_text, days_until, match_pat};

/// Ona's API base; overridden with `--ona-api-url` / `ONA_API_URL`.
pub const DEFAULT_API: &str = "https://app.gitpod.io/api";

/// Ona's API base as given, like the SDK's base URL: `https://proxy.example/ona` means
/// `https://proxy.example/ona/gitpod.v1.…`; `/api` is added to a bare host only. The same rule
/// as the Infisical domain applies: https, or http to loopback only.
#[derive(Clone, PartialEq, Eq)]
pub struct OnaApi {
    base: String,
    host: String,
}

impl OnaApi {
    pub fn parse(raw: &str) -> Result<OnaApi, DomainError> {
        let checked = Domain::parse(raw)?;
        let bare_host = checked.site().ends_with(checked.host());
        // `Domain` drops a trailing `/api` (Infisical's form); for Ona it is part of the base.
        let base = if bare_host || raw.trim().trim_end_matches('/').ends_with("/api") {
            format!("{}/api", checked.site())
        } else {
            checked.site().to_string()
        };
        Ok(OnaApi {
            base,
            host: checked.host().to_string(),
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The URL of one RPC, e.g. `IdentityService/GetAuthenticatedIdentity`.
    pub fn rpc_url(&self, method: &str) -> String {
        format!("{}/gitpod.v1.{method}", self.base)
    }
}

impl std::fmt::Debug for OnaApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OnaApi({})", self.base)
    }
}

/// The token description the guide suggests; used to recognise the token among several.
pub const SUGGESTED_DESCRIPTION: &str = "infisical integration";

/// Who a token authenticates as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub organization_id: String,
    pub subject_id: String,
    pub principal: String,
    /// The person, for a user's token (`GetAuthenticatedUser`); `None` for other principals
    /// or when Ona did not say.
    pub person: Option<Person>,
}

/// A user as Ona names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// The principal Ona gives a user's token (other tokens belong to service accounts, runners…).
pub const PRINCIPAL_USER: &str = "PRINCIPAL_USER";

impl Identity {
    /// Words a person uses: "Dana Developer (dana@example.com)"; the raw principal and
    /// organization when the token is not a user's.
    pub fn who(&self) -> String {
        match &self.person {
            Some(Person { name, email }) if !name.is_empty() && !email.is_empty() => {
                format!("{name} ({email})")
            }
            Some(Person { name, email }) if !name.is_empty() || !email.is_empty() => {
                format!("{name}{email}")
            }
            _ => format!(
                "{} in Ona organization {}",
                self.principal, self.organization_id
            ),
        }
    }
}

/// One entry of `ListPersonalAccessTokens`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatRecord {
    pub id: String,
    pub description: String,
    pub created_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used: Option<OffsetDateTime>,
    /// Created with Read access only; Infisical needs Read & Write.
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnaError {
    /// Ona answered and said no: Connect `unauthenticated` or `permission_denied`, the only
    /// codes Ona's SDK reads as a rejected token.
    #[error("Ona rejected the token: {code}: {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    /// Ona answered with any other Connect error (`unavailable`, `resource_exhausted`, …):
    /// the token was not judged.
    #[error("could not check with Ona (HTTP {status}, {code}): {message}")]
    Failed {
        status: u16,
        code: String,
        message: String,
    },
    /// No answer (DNS, refused, timeout, TLS): a warning, Infisical checks again anyway.
    #[error("could not reach Ona at {host}: {detail}")]
    Unreachable { host: String, detail: String },
    #[error("unexpected answer from Ona (HTTP {status}): {detail}")]
    Unexpected { status: u16, detail: String },
}

pub struct OnaClient {
    http: reqwest::Client,
    base: OnaApi,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdentityBody {
    #[serde(default)]
    organization_id: String,
    #[serde(default)]
    subject: Subject,
}

#[derive(Deserialize, Default)]
struct Subject {
    #[serde(default)]
    id: String,
    #[serde(default)]
    principal: String,
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default)]
    user: Option<UserFields>,
}

#[derive(Deserialize)]
struct UserFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatsBody {
    #[serde(default)]
    personal_access_tokens: Vec<PatBody>,
    #[serde(default)]
    pagination: Option<Pagination>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pagination {
    #[serde(default)]
    next_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatBody {
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: String,
    created_at: Option<String>,
    expires_at: Option<String>,
    last_used: Option<String>,
    #[serde(default)]
    read_only: bool,
}

fn timestamp(s: &Option<String>) -> Option<OffsetDateTime> {
    s.as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok())
}

impl OnaClient {
    pub fn new(base: OnaApi, timeout: Duration) -> Result<OnaClient, OnaError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("ona-connect/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OnaError::Unreachable {
                host: base.host().into(),
                detail: e.to_string(),
            })?;
        Ok(OnaClient { http, base })
    }

    pub fn host(&self) -> &str {
        self.base.host()
    }

    async fn rpc(
        &self,
        method: &str,
        token: &Secret,
        body: serde_json::Value,
    ) -> Result<Vec<u8>, OnaError> {
        let host = self.base.host().to_string();
        let url = self.base.rpc_url(method);
        let started = std::time::Instant::now();
        let response = self
            .http
            .post(url)
            .header("Connect-Protocol-Version", "1")
            .bearer_auth(token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| OnaError::Unreachable {
                host: host.clone(),
                detail: sanitize::for_terminal(&root_cause(&e), 160),
            })?;
        let status = response.status().as_u16();
        tracing::debug!(
            rpc = method,
            status,
            elapsed_ms = started.elapsed().as_millis() as u64
        );
        let bytes = response.bytes().await.map_err(|e| OnaError::Unreachable {
            host,
            detail: sanitize::for_terminal(&root_cause(&e), 160),
        })?;
        let bytes = bytes[..bytes.len().min(crate::infisical::error::MAX_BODY)].to_vec();
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        if (300..400).contains(&status) {
            return Err(OnaError::Unexpected {
                status,
                detail: "a redirect, which is not followed so the token is not sent elsewhere"
                    .into(),
            });
        }
        Err(connect_error(status, &bytes))
    }

    /// `IdentityService/GetAuthenticatedIdentity`: the check Infisical makes (docs/infisical-api.md §5).
    pub async fn identity(&self, token: &Secret) -> Result<Identity, OnaError> {
        let bytes = self
            .rpc(
                "IdentityService/GetAuthenticatedIdentity",
                token,
                serde_json::json!({}),
            )
            .await?;
        let body: IdentityBody =
            serde_json::from_slice(&bytes).map_err(|e| OnaError::Unexpected {
                status: 200,
                detail: e.to_string(),
            })?;
        Ok(Identity {
            organization_id: sanitize::for_terminal(&body.organization_id, 64),
            subject_id: body.subject.id,
            principal: sanitize::for_terminal(&body.subject.principal, 40),
            person: None,
        })
    }

    /// `UserService/GetAuthenticatedUser`: the name and e-mail address of the token's user.
    pub async fn user(&self, token: &Secret) -> Result<Person, OnaError> {
        let bytes = self
            .rpc(
                "UserService/GetAuthenticatedUser",
                token,
                serde_json::json!({}),
            )
            .await?;
        let body: UserBody = serde_json::from_slice(&bytes).map_err(|e| OnaError::Unexpected {
            status: 200,
            detail: e.to_string(),
        })?;
        let user = body.user.ok_or_else(|| OnaError::Unexpected {
            status: 200,
            detail: "no user in the answer".into(),
        })?;
        Ok(Person {
            name: sanitize::for_terminal(user.name.trim(), 80),
            email: sanitize::for_terminal(user.email.trim(), 120),
        })
    }

    /// `UserService/ListPersonalAccessTokens` for one user, every page (at most 10).
    pub async fn list_pats(
        &self,
        token: &Secret,
        user_id: &str,
    ) -> Result<Vec<PatRecord>, OnaError> {
        let mut all = Vec::new();
        let mut page_token = String::new();
        for _ in 0..10 {
            let body = serde_json::json!({
                "filter": { "userIds": [user_id] },
                "pagination": { "pageSize": 100, "token": page_token },
            });
            let bytes = self
                .rpc("UserService/ListPersonalAccessTokens", token, body)
                .await?;
            let page: PatsBody =
                serde_json::from_slice(&bytes).map_err(|e| OnaError::Unexpected {
                    status: 200,
                    detail: e.to_string(),
                })?;
            all.extend(page.personal_access_tokens.into_iter().map(|p| PatRecord {
                created_at: timestamp(&p.created_at),
                expires_at: timestamp(&p.expires_at),
                last_used: timestamp(&p.last_used),
                read_only: p.read_only,
                id: p.id,
                description: sanitize::for_terminal(&p.description, 120),
            }));
            page_token = page.pagination.map(|p| p.next_token).unwrap_or_default();
            if page_token.is_empty() {
                break;
            }
        }
        Ok(all)
    }

    /// The identity, then which token record is this one.
    pub async fn check(
        &self,
        token: &Secret,
        description_hint: &str,
        now: OffsetDateTime,
    ) -> Result<TokenCheck, OnaError> {
        let mut identity = self.identity(token).await?;
        // The name is a courtesy: without it the principal is shown, nothing is refused.
        if identity.principal == PRINCIPAL_USER {
            identity.person = self.user(token).await.ok();
        }
        let expiry = match self.list_pats(token, &identity.subject_id).await {
            Ok(pats) => match match_pat(&pats, description_hint, now) {
                PatMatch::Found(p) => Expiry::Known(p),
                PatMatch::Ambiguous(c) => Expiry::Choose(c),
                PatMatch::NoneFound => Expiry::Unknown("Ona listed no token for this user".into()),
            },
            Err(OnaError::Rejected { code, .. }) => Expiry::Unknown(format!(
                "this token may not list tokens ({code}), so its expiry date is unknown; check it in Ona's settings"
            )),
            Err(e) => Expiry::Unknown(format!("could not read the expiry date: {e}")),
        };
        Ok(TokenCheck { identity, expiry })
    }
}

/// A Connect error read as Ona's SDK reads it: `{"code","message"}` or `{"error":{…}}`;
/// without a code, the HTTP status stands for one (401 → `unauthenticated`).
fn connect_error(status: u16, body: &[u8]) -> OnaError {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let error = parsed
        .as_ref()
        .map(|v| v.get("error").filter(|e| e.is_object()).unwrap_or(v));
    let field = |k: &str| {
        error
            .and_then(|e| e.get(k))
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let code = field("code").unwrap_or_else(|| code_for_status(status).to_string());
    let message = match (field("message"), &parsed) {
        (Some(m), _) => sanitize::server_text(&m),
        (None, None) if !body.is_empty() => {
            sanitize::for_terminal(&String::from_utf8_lossy(body), 160)
        }
        (None, _) => format!("HTTP {status}"),
    };
    let code = sanitize::for_terminal(&code.to_ascii_lowercase(), 40);
    if matches!(code.as_str(), "unauthenticated" | "permission_denied") {
        OnaError::Rejected {
            status,
            code,
            message,
        }
    } else {
        OnaError::Failed {
            status,
            code,
            message,
        }
    }
}

/// The Connect code an HTTP status stands for, as in Ona's SDK.
fn code_for_status(status: u16) -> &'static str {
    match status {
        400 => "invalid_argument",
        401 => "unauthenticated",
        403 => "permission_denied",
        404 => "not_found",
        429 => "resource_exhausted",
        501 => "unimplemented",
        503 => "unavailable",
        504 => "deadline_exceeded",
        _ => "unknown",
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pat(
        id: &str,
        description: &str,
        created: OffsetDateTime,
        used: Option<OffsetDateTime>,
    ) -> PatRecord {
        PatRecord {
            id: id.into(),
            description: description.into(),
            created_at: Some(created),
            expires_at: Some(created + time::Duration::days(60)),
            last_used: used,
            read_only: false,
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

    #[test]
    fn a_single_token_is_the_one() {
        let p = pat("a", "anything", datetime!(2026-11-01 0:00 UTC), None);
        assert_eq!(
            match_pat(std::slice::from_ref(&p), "infisical integration", NOW),
            PatMatch::Found(p)
        );
        assert_eq!(match_pat(&[], "x", NOW), PatMatch::NoneFound);
    }

    #[test]
    fn one_matching_description_among_several() {
        let a = pat("a", "laptop", datetime!(2026-11-01 0:00 UTC), None);
        let b = pat(
            "b",
            "Infisical integration ",
            datetime!(2026-10-01 0:00 UTC),
            None,
        );
        assert_eq!(
            match_pat(&[a, b.clone()], "infisical integration", NOW),
            PatMatch::Found(b)
        );
    }

    #[test]
    fn the_token_just_used_wins() {
        let a = pat(
            "a",
            "infisical integration",
            datetime!(2026-11-01 0:00 UTC),
            Some(datetime!(2026-11-20 0:00 UTC)),
        );
        let b = pat(
            "b",
            "infisical integration",
            datetime!(2026-11-28 11:00 UTC),
            Some(datetime!(2026-11-28 11:59 UTC)),
        );
        assert_eq!(
            match_pat(&[a, b.clone()], "infisical integration", NOW),
            PatMatch::Found(b)
        );
    }

    /// Another client used an old token two minutes ago, and Ona has not recorded the check's use
    /// of the token made just now: the old one is not taken for it.
    #[test]
    fn a_new_token_without_a_recorded_use_is_not_passed_over_for_one_just_used() {
        let old = pat(
            "old",
            "ci runner",
            datetime!(2026-10-15 0:00 UTC),
            Some(datetime!(2026-11-28 11:58 UTC)),
        );
        let new = pat("new", "laptop", datetime!(2026-11-28 11:50 UTC), None);
        let PatMatch::Ambiguous(c) =
            match_pat(&[old.clone(), new.clone()], "infisical integration", NOW)
        else {
            panic!("picked one")
        };
        assert_eq!(
            c.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["new", "old"]
        );
        // A use seconds ago is the check's own: that token it is.
        let checked = PatRecord {
            last_used: Some(datetime!(2026-11-28 11:59:58 UTC)),
            ..old
        };
        assert_eq!(
            match_pat(&[checked.clone(), new], "infisical integration", NOW),
            PatMatch::Found(checked)
        );
    }

    #[test]
    fn ambiguous_lists_the_live_candidates_newest_first() {
        let a = pat("a", "one", datetime!(2026-11-01 0:00 UTC), None);
        let b = pat("b", "two", datetime!(2026-11-20 0:00 UTC), None);
        let expired = pat("c", "old", datetime!(2026-01-01 0:00 UTC), None);
        let PatMatch::Ambiguous(c) = match_pat(&[a, b, expired], "infisical integration", NOW)
        else {
            panic!()
        };
        assert_eq!(
            c.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
    }

    #[test]
    fn only_unauthenticated_and_permission_denied_reject_the_token() {
        let rejected = |status, body: &str| {
            matches!(
                connect_error(status, body.as_bytes()),
                OnaError::Rejected { .. }
            )
        };
        assert!(rejected(
            401,
            r#"{"code":"unauthenticated","message":"bad"}"#
        ));
        assert!(rejected(403, r#"{"error":{"code":"permission_denied"}}"#));
        assert!(rejected(401, "not json"));
        assert!(rejected(401, ""));
        for (status, body) in [
            (503, r#"{"code":"unavailable","message":"down"}"#),
            (
                429,
                r#"{"error":{"code":"resource_exhausted","message":"slow down"}}"#,
            ),
            (504, r#"{"code":"deadline_exceeded"}"#),
            (503, "<html>Service Unavailable</html>"),
            (429, ""),
            (500, r#"{"code":"internal"}"#),
            (502, "Bad Gateway"),
        ] {
            assert!(!rejected(status, body), "{status} {body}");
        }
        assert_eq!(
            connect_error(429, b""),
            OnaError::Failed {
                status: 429,
                code: "resource_exhausted".into(),
                message: "HTTP 429".into()
            }
        );
    }

    #[test]
    fn the_api_base_is_kept_as_given_and_api_is_added_to_a_bare_host_only() {
        let url = |raw: &str| OnaApi::parse(raw).unwrap().rpc_url("S/M");
        assert_eq!(
            url("https://proxy.example/ona"),
            "https://proxy.example/ona/gitpod.v1.S/M"
        );
        assert_eq!(
            url("https://proxy.example/ona/"),
            "https://proxy.example/ona/gitpod.v1.S/M"
        );
        assert_eq!(
            url("https://app.gitpod.io"),
            "https://app.gitpod.io/api/gitpod.v1.S/M"
        );
        assert_eq!(
            url("https://app.gitpod.io/api/"),
            "https://app.gitpod.io/api/gitpod.v1.S/M"
        );
        assert_eq!(
            url("https://proxy.example/ona/api"),
            "https://proxy.example/ona/api/gitpod.v1.S/M"
        );
        assert!(OnaApi::parse("http://ona.example").is_err());
    }

    #[test]
    fn a_user_is_named_and_anything_else_keeps_its_principal() {
        let mut identity = Identity {
            organization_id: "org-1".into(),
            subject_id: "u1".into(),
            principal: "PRINCIPAL_SERVICE_ACCOUNT".into(),
            person: None,
        };
        assert_eq!(
            identity.who(),
            "PRINCIPAL_SERVICE_ACCOUNT in Ona organization org-1"
        );
        identity.person = Some(Person {
            name: "Dana Developer".into(),
            email: "dana@example.com".into(),
        });
        assert_eq!(identity.who(), "Dana Developer (dana@example.com)");
        identity.person = Some(Person {
            name: String::new(),
            email: "dana@example.com".into(),
        });
        assert_eq!(identity.who(), "dana@example.com");
    }

    #[test]
    fn days_and_dates() {
        assert_eq!(days_until(datetime!(2026-12-12 01:00 UTC), NOW), 14);
        assert_eq!(days_until(datetime!(2026-11-27 23:00 UTC), NOW), -1);
        assert_eq!(date_text(datetime!(2027-02-06 10:00 UTC)), "2027-02-06");
    }
}
