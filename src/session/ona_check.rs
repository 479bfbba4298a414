//! The token check with Ona itself, before anything reaches Infisical, and the match that
//! finds the token's expiry among the user's tokens. Only Ona saying no rejects a token; an
//! Ona that cannot be asked is a warning.

use std::time::Duration;

use time::OffsetDateTime;

use crate::ona::{Expiry, Identity, OnaApi, OnaClient, OnaError, PatRecord, TokenCheck};
use crate::secret::Secret;
use crate::validate;

/// Ona is a warning, not a gate: give up on it sooner than on Infisical.
pub const ONA_TIMEOUT: Duration = Duration::from_secs(10);

/// Under this many days the expiry is shown as a warning.
pub const EXPIRY_WARN_DAYS: i64 = 14;

/// Ona's API base for the check, or `None` when it is switched off (`--skip-ona-check`).
pub fn api_base(skip: bool, url: Option<&str>) -> Result<Option<OnaApi>, String> {
    if skip {
        return Ok(None);
    }
    OnaApi::parse(url.unwrap_or(crate::ona::DEFAULT_API))
        .map(Some)
        .map_err(|e| format!("--ona-api-url / ONA_API_URL: {e}"))
}

/// Who the token belongs to and which of the user's tokens it is; `now` is when it was
/// asked, for the days left.
pub async fn check(
    base: OnaApi,
    token: &Secret,
    now: OffsetDateTime,
) -> Result<TokenCheck, OnaError> {
    OnaClient::new(base, ONA_TIMEOUT)?
        .check(token, crate::ona::SUGGESTED_DESCRIPTION, now)
        .await
}

/// What is known of the token from Ona: the state of the check, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnaCheck {
    /// `--skip-ona-check`.
    Disabled,
    /// Not checked yet (no token, or typing).
    Idle,
    Checking,
    Valid {
        identity: Identity,
        expiry: ExpiryState,
    },
    Rejected {
        code: String,
        message: String,
    },
    /// The check could not be made: a warning only, Infisical checks the token again.
    Unreachable(String),
}

/// What Ona's answer means: `Valid`, `Rejected` (Ona said no) or `Unreachable`.
pub fn verdict(result: Result<TokenCheck, OnaError>, now: OffsetDateTime) -> OnaCheck {
    match result {
        Ok(check) => OnaCheck::Valid {
            identity: check.identity,
            expiry: expiry_state(check.expiry, now),
        },
        Err(OnaError::Rejected { code, message, .. }) => OnaCheck::Rejected { code, message },
        Err(other) => OnaCheck::Unreachable(other.to_string()),
    }
}

/// The identity check alone, for the commands: `Err` only when Ona rejected the token.
pub async fn precheck(base: OnaApi, token: &Secret) -> Result<Option<OnaError>, OnaError> {
    let answer = match OnaClient::new(base, ONA_TIMEOUT) {
        Ok(client) => client.identity(token).await.map(drop),
        Err(e) => Err(e),
    };
    match answer {
        Ok(()) => Ok(None),
        Err(e @ OnaError::Rejected { .. }) => Err(e),
        Err(e) => Ok(Some(e)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryState {
    Known(TokenExpiry),
    /// Several of the user's tokens could be this one.
    Choosing(Vec<TokenExpiry>),
    /// The user chose not to say which.
    Skipped,
    Unknown(String),
}

/// The expiry as far as Ona's token list tells it.
pub fn expiry_state(expiry: Expiry, now: OffsetDateTime) -> ExpiryState {
    match expiry {
        Expiry::Known(p) => ExpiryState::Known(TokenExpiry::from_record(&p, now)),
        Expiry::Choose(candidates) => ExpiryState::Choosing(
            candidates
                .iter()
                .map(|p| TokenExpiry::from_record(p, now))
                .collect(),
        ),
        Expiry::Unknown(why) => ExpiryState::Unknown(why),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenExpiry {
    pub description: String,
    /// `YYYY-MM-DD`, or `None` for a token that never expires.
    pub date: Option<String>,
    /// Days left when it was checked.
    pub days_left: Option<i64>,
    /// The record says Read only: the guide asks for Read & Write, and Infisical needs it.
    pub read_only: bool,
}

/// The warning for a read-only token.
pub const READ_ONLY_WARNING: &str =
    "read-only token: Infisical needs Read & Write, as the guide asks";

impl TokenExpiry {
    pub fn from_record(p: &PatRecord, now: OffsetDateTime) -> TokenExpiry {
        TokenExpiry {
            description: p.description.clone(),
            date: p.expires_at.map(crate::ona::date_text),
            days_left: p.expires_at.map(|e| crate::ona::days_until(e, now)),
            read_only: p.read_only,
        }
    }

    pub fn text(&self) -> String {
        match (&self.date, self.days_left) {
            (Some(d), Some(n)) if n < 0 => format!("expired on {d}"),
            (Some(d), Some(0)) => format!("expires on {d} (today)"),
            (Some(d), Some(1)) => format!("expires on {d} (tomorrow)"),
            (Some(d), Some(n)) => format!("expires on {d} (in {n} days)"),
            _ => "never expires".into(),
        }
    }

    pub fn is_soon(&self) -> bool {
        self.days_left.is_some_and(|n| n < EXPIRY_WARN_DAYS)
    }
}

/// `description · token expires DATE`, shortening the description to stay within the limit.
pub fn with_expiry(description: &str, date: &str) -> String {
    let suffix = format!("token expires {date}");
    let description = description.trim();
    if description.is_empty() {
        return suffix;
    }
    // Counted as Infisical counts: UTF-16 units (" · " is 3, "…" is 1).
    let room = validate::DESCRIPTION_MAX.saturating_sub(suffix.encode_utf16().count() + 3);
    let head = if description.encode_utf16().count() <= room {
        description.to_string()
    } else {
        let mut head = String::new();
        let mut units = 0;
        for c in description.chars() {
            units += c.len_utf16();
            if units + 1 > room {
                break;
            }
            head.push(c);
        }
        head.push('…');
        head
    };
    format!("{} · {suffix}", head.trim_end())
}

/// The description as it will be sent: the user's, plus the expiry date when given.
pub fn description_to_send(
    description: &str,
    expiry_date: Option<&str>,
) -> Result<Option<String>, &'static str> {
    let description = validate::description(description)?;
    Ok(match expiry_date {
        Some(date) => Some(with_expiry(description.unwrap_or(""), date)),
        None => description.map(str::to_string),
    })
}
