//! Emulated Ona (Connect RPC) endpoints (who a token is, its user, the user's tokens), and the PAT check the Infisical handlers run against
//! the same in-memory state, as real Infisical calls Ona's `GetAuthenticatedIdentity`.

use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::demo;
use super::state::{State, rfc3339_seconds};

/// Connect error body `{code, message}`, key order as Ona sends it.
#[derive(Debug, Serialize)]
pub(crate) struct OnaError {
    pub code: &'static str,
    pub message: &'static str,
}

impl OnaError {
    /// HTTP status per the Connect mapping.
    pub fn status(&self) -> u16 {
        match self.code {
            "unauthenticated" => 401,
            "permission_denied" => 403,
            "invalid_argument" => 400,
            _ => 500,
        }
    }

    /// Compact JSON, as Infisical embeds it in `Failed to validate credentials: …`.
    pub fn compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Ona's answer to a token it does not accept.
const fn unauthenticated(message: &'static str) -> OnaError {
    OnaError {
        code: "unauthenticated",
        message,
    }
}

const UNAUTHENTICATED_MISSING: OnaError = unauthenticated("sandbox: missing personal access token");
const UNAUTHENTICATED_UNKNOWN: OnaError = unauthenticated("sandbox: invalid personal access token");
const UNAUTHENTICATED_REVOKED: OnaError =
    unauthenticated("sandbox: personal access token has been revoked");
const UNAUTHENTICATED_EXPIRED: OnaError =
    unauthenticated("sandbox: personal access token has expired");

/// Who a PAT authenticates as: `(organization id, user id)`. Marks the PAT as used.
pub(crate) fn authenticate(state: &mut State, pat: &str) -> Result<(String, String), OnaError> {
    if pat.is_empty() {
        return Err(UNAUTHENTICATED_MISSING);
    }
    let record = state.ona_pats.get_mut(pat).ok_or(UNAUTHENTICATED_UNKNOWN)?;
    if record.revoked {
        return Err(UNAUTHENTICATED_REVOKED);
    }
    let now = OffsetDateTime::now_utc();
    if record.pat.expires_at <= now {
        return Err(UNAUTHENTICATED_EXPIRED);
    }
    record.last_used = Some(now);
    Ok((demo::ONA_ORG_ID.to_owned(), record.user_id.clone()))
}

/// The PAT from `Authorization: Bearer <pat>` (empty when missing).
pub(crate) fn bearer(headers: &hyper::HeaderMap) -> String {
    let value = headers
        .get(hyper::header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let value = value.unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest,
        _ => "",
    };
    token.trim().to_owned()
}

/// `gitpod.v1.IdentityService/GetAuthenticatedIdentity`
pub(crate) fn get_authenticated_identity(state: &mut State, pat: &str) -> Result<Value, OnaError> {
    let (org, user) = authenticate(state, pat)?;
    Ok(json!({"organizationId": org, "subject": {"id": user, "principal": "PRINCIPAL_USER"}}))
}

/// `gitpod.v1.UserService/GetAuthenticatedUser`: the demo user, shaped as Ona's `User`.
pub(crate) fn get_authenticated_user(state: &mut State, pat: &str) -> Result<Value, OnaError> {
    let (org, user) = authenticate(state, pat)?;
    Ok(json!({"user": {
        "id": user,
        "organizationId": org,
        "name": demo::ONA_USER_NAME,
        "email": demo::ONA_USER_EMAIL,
        "createdAt": rfc3339_seconds(state.started_at),
        "status": "USER_STATUS_ACTIVE",
    }}))
}

const PAGE_SIZE_DEFAULT: usize = 25;
const PAGE_SIZE_MAX: usize = 100;

/// `gitpod.v1.UserService/ListPersonalAccessTokens`: the caller's own PAT records, paged.
/// The page token is an opaque offset.
pub(crate) fn list_personal_access_tokens(
    state: &mut State,
    pat: &str,
    body: &Value,
) -> Result<Value, OnaError> {
    let (_, user) = authenticate(state, pat)?;
    if state.ona_pats.get(pat).is_some_and(|r| !r.pat.can_list) {
        return Err(OnaError {
            code: "permission_denied",
            message: "sandbox: token lacks permission to list tokens",
        });
    }
    let wanted: Vec<&str> = body
        .pointer("/filter/userIds")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !wanted.is_empty() && !wanted.contains(&user.as_str()) {
        return Err(OnaError {
            code: "permission_denied",
            message: "sandbox: cannot list tokens of other users",
        });
    }
    let page_size = match body.pointer("/pagination/pageSize").and_then(Value::as_u64) {
        None | Some(0) => PAGE_SIZE_DEFAULT,
        Some(n) => usize::try_from(n)
            .unwrap_or(PAGE_SIZE_MAX)
            .min(PAGE_SIZE_MAX),
    };
    let offset = match body
        .pointer("/pagination/token")
        .and_then(Value::as_str)
        .unwrap_or("")
    {
        "" => 0,
        token => token.parse::<usize>().map_err(|_| OnaError {
            code: "invalid_argument",
            message: "sandbox: invalid pagination token",
        })?,
    };
    let mut records: Vec<_> = state
        .ona_pats
        .values()
        .filter(|r| r.user_id == user && !r.revoked)
        .collect();
    records.sort_by_key(|r| (r.pat.created_at, r.id));
    let page: Vec<Value> = records
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|r| {
            let mut record = json!({
                "id": r.id.to_string(),
                "userId": r.user_id,
                "description": r.pat.description,
                "createdAt": rfc3339_seconds(r.pat.created_at),
                "expiresAt": rfc3339_seconds(r.pat.expires_at),
                "lastUsed": r.last_used.map(rfc3339_seconds),
                "creator": {"id": r.user_id, "principal": "PRINCIPAL_USER"},
            });
            // Proto3 JSON leaves out a false boolean.
            if r.read_only {
                record["readOnly"] = json!(true);
            }
            record
        })
        .collect();
    let next = offset + page.len();
    let next_token = if next < records.len() {
        next.to_string()
    } else {
        String::new()
    };
    Ok(json!({"pagination": {"nextToken": next_token}, "personalAccessTokens": page}))
}
