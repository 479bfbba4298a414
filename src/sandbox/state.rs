//! The in-memory store: projects, connections, Infisical tokens, Universal Auth lockout and the
//! emulated Ona PATs. Handlers lock it briefly and never across an `.await`.

use std::collections::HashMap;
use std::fmt;

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::demo;
use super::faults::Fault;

/// Failed Universal Auth logins (per client id) after which the method is locked.
pub(crate) const LOCKOUT_AFTER: u32 = 3;
/// How long the lockout lasts, counted from the last failure (Infisical's default).
pub(crate) const LOCKOUT_SECONDS: i64 = 300;
/// Lifetime of identity access tokens, as Infisical's default identity config (30 days).
pub(crate) const ACCESS_TOKEN_TTL: i64 = 2_592_000;

/// An Ona App Connection as stored. `personal_access_token` is kept so tests can check what
/// was stored; it is never rendered in responses and is redacted from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredConnection {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub org_id: String,
    pub project_id: Option<String>,
    pub personal_access_token: String,
    pub credentials_hash: String,
    pub version: u32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl fmt::Debug for StoredConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredConnection")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("project_id", &self.project_id)
            .field("personal_access_token", &"<redacted>")
            .field("credentials_hash", &self.credentials_hash)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// An emulated Ona PAT record (the token string itself is the map key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnaPat {
    pub description: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// `false` makes `ListPersonalAccessTokens` answer 403 `permission_denied` for this token.
    pub can_list: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct PatRecord {
    pub id: Uuid,
    pub user_id: String,
    pub pat: OnaPat,
    pub revoked: bool,
    pub last_used: Option<OffsetDateTime>,
    /// Created with Read access only.
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    User,
    Identity,
}

#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub kind: TokenKind,
    pub expires_at: OffsetDateTime,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub id: String,
    pub name: String,
    pub slug: String,
}

pub(crate) struct State {
    pub started_at: OffsetDateTime,
    pub projects: Vec<Project>,
    pub connections: Vec<StoredConnection>,
    pub tokens: HashMap<String, TokenInfo>,
    /// Per client id: consecutive failed logins and when the last one happened.
    pub ua_failures: HashMap<String, (u32, OffsetDateTime)>,
    pub ona_pats: HashMap<String, PatRecord>,
    pub faults: Vec<Fault>,
    /// Signing secret for this instance's tokens: tokens of another sandbox fail "signature".
    secret: [u8; 16],
}

impl State {
    pub fn new() -> Self {
        let now = OffsetDateTime::now_utc();
        let mut state = State {
            started_at: now,
            projects: vec![
                Project {
                    id: demo::BACKEND_PROJECT_ID.into(),
                    name: demo::BACKEND_PROJECT_NAME.into(),
                    slug: demo::BACKEND_PROJECT_SLUG.into(),
                },
                Project {
                    id: demo::FRONTEND_PROJECT_ID.into(),
                    name: demo::FRONTEND_PROJECT_NAME.into(),
                    slug: demo::FRONTEND_PROJECT_SLUG.into(),
                },
            ],
            connections: Vec::new(),
            tokens: HashMap::new(),
            ua_failures: HashMap::new(),
            ona_pats: HashMap::new(),
            faults: Vec::new(),
            secret: rand::rng().random(),
        };
        state.tokens.insert(
            demo::USER_TOKEN.into(),
            TokenInfo {
                kind: TokenKind::User,
                expires_at: now + Duration::days(30),
                revoked: false,
            },
        );
        state.ona_pats.insert(
            demo::ONA_PAT.into(),
            PatRecord {
                id: Uuid::parse_str(demo::ONA_PAT_ID).unwrap_or_else(|_| Uuid::new_v4()),
                user_id: demo::ONA_USER_ID.into(),
                pat: OnaPat {
                    description: demo::ONA_PAT_DESCRIPTION.into(),
                    created_at: now,
                    expires_at: now + Duration::days(demo::ONA_PAT_LIFETIME_DAYS),
                    can_list: true,
                },
                revoked: false,
                last_used: None,
                read_only: false,
            },
        );
        state
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    /// A fresh JWT-shaped identity access token, remembered so it authenticates later.
    pub fn issue_identity_token(&mut self) -> String {
        let jti = Uuid::new_v4();
        let payload = format!(
            r#"{{"authTokenType":"identityAccessToken","identityId":"{}","identityAccessTokenId":"{jti}","sandbox":true}}"#,
            demo::IDENTITY_ID
        );
        let payload = b64url(payload.as_bytes());
        let mut mac = Sha256::new();
        mac.update(self.secret);
        mac.update(payload.as_bytes());
        let token = format!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.{}",
            b64url(&mac.finalize())
        );
        let expires_at = OffsetDateTime::now_utc() + Duration::seconds(ACCESS_TOKEN_TTL);
        self.tokens.insert(
            token.clone(),
            TokenInfo {
                kind: TokenKind::Identity,
                expires_at,
                revoked: false,
            },
        );
        token
    }

    /// Whether `(name, project scope)` is taken by a connection other than `except`.
    pub fn name_taken(&self, name: &str, project_id: Option<&str>, except: Option<Uuid>) -> bool {
        self.connections.iter().any(|c| {
            c.name == name && c.project_id.as_deref() == project_id && Some(c.id) != except
        })
    }

    /// `updatedAt` must visibly change on every update, even within the same millisecond.
    pub fn next_timestamp(previous: OffsetDateTime) -> OffsetDateTime {
        let now = now_millis();
        if now > previous {
            now
        } else {
            previous + Duration::milliseconds(1)
        }
    }
}

/// Now, truncated to the millisecond precision the API shows.
pub(crate) fn now_millis() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now)
}

/// Stands in for Infisical's hash of the freshly encrypted credential blob: a new random salt
/// per write, so the hash changes whenever credentials are (re)written.
pub(crate) fn credentials_hash(pat: &str) -> String {
    let salt: [u8; 16] = rand::rng().random();
    let digest = Sha256::new()
        .chain_update(salt)
        .chain_update(pat.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `2026-05-04T10:15:00.123Z`
pub(crate) fn iso(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

/// RFC 3339 without fractional seconds, as Ona's Connect JSON shows timestamps.
pub(crate) fn rfc3339_seconds(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

pub(crate) fn b64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The AppConnection object as Infisical returns it (key order as in the fixtures).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectionJson<'a> {
    id: String,
    name: &'a str,
    description: Option<&'a str>,
    version: u32,
    org_id: &'a str,
    created_at: String,
    updated_at: String,
    is_platform_managed_credentials: bool,
    gateway_id: Option<()>,
    project_id: Option<&'a str>,
    is_auto_rotation_enabled: bool,
    gateway_pool_id: Option<()>,
    credentials_hash: &'a str,
    app: &'static str,
    method: &'static str,
    credentials: serde_json::Map<String, serde_json::Value>,
    /// Only list responses carry `project`; `None` leaves the key out entirely.
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<Option<ProjectRef>>,
}

#[derive(Serialize)]
pub(crate) struct ProjectRef {
    name: String,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    slug: String,
}

impl StoredConnection {
    pub(crate) fn to_json(&self) -> ConnectionJson<'_> {
        ConnectionJson {
            id: self.id.to_string(),
            name: &self.name,
            description: self.description.as_deref(),
            version: self.version,
            org_id: &self.org_id,
            created_at: iso(self.created_at),
            updated_at: iso(self.updated_at),
            is_platform_managed_credentials: false,
            gateway_id: None,
            project_id: self.project_id.as_deref(),
            is_auto_rotation_enabled: false,
            gateway_pool_id: None,
            credentials_hash: &self.credentials_hash,
            app: "ona",
            method: "personal-access-token",
            credentials: serde_json::Map::new(),
            project: None,
        }
    }

    /// The list-endpoint form, with `project` (null for org-scoped connections).
    pub(crate) fn to_list_json(&self, state: &State) -> ConnectionJson<'_> {
        let project = self
            .project_id
            .as_deref()
            .and_then(|id| state.project(id))
            .map(|p| ProjectRef {
                name: p.name.clone(),
                id: p.id.clone(),
                kind: "secret-manager",
                slug: p.slug.clone(),
            });
        ConnectionJson {
            project: Some(project),
            ..self.to_json()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64url_matches_known_values() {
        assert_eq!(
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
        assert_eq!(b64url(b"a"), "YQ");
        assert_eq!(b64url(b"ab"), "YWI");
        assert_eq!(b64url(b""), "");
    }

    #[test]
    fn iso_has_milliseconds() {
        let t = time::macros::datetime!(2026-05-04 10:15:00.123456 UTC);
        assert_eq!(iso(t), "2026-05-04T10:15:00.123Z");
    }
}
