//! Which of the user's tokens the checked one is, and when it expires: Ona has no lookup from a
//! token to its record, so the record is matched (docs/infisical-api.md §11.3).

use time::OffsetDateTime;

use super::{Identity, PatRecord};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCheck {
    pub identity: Identity,
    pub expiry: Expiry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    Known(PatRecord),
    /// Several tokens could be this one; the user picks (or skips).
    Choose(Vec<PatRecord>),
    /// Why the expiry is not known.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatMatch {
    Found(PatRecord),
    Ambiguous(Vec<PatRecord>),
    NoneFound,
}

/// There is no lookup from a token to its record (docs/infisical-api.md §11.3), so: the only token; else
/// the only one used in the last few minutes (the identity check just used this one); else the
/// only one whose description matches what the guide suggested; else the user chooses.
pub fn match_pat(pats: &[PatRecord], description_hint: &str, now: OffsetDateTime) -> PatMatch {
    let live: Vec<&PatRecord> = pats
        .iter()
        .filter(|p| p.expires_at.is_none_or(|e| e > now))
        .collect();
    let pool: Vec<&PatRecord> = if live.is_empty() {
        pats.iter().collect()
    } else {
        live
    };
    match pool.as_slice() {
        [] => return PatMatch::NoneFound,
        [only] => return PatMatch::Found((*only).clone()),
        _ => {}
    }
    let just_used: Vec<&&PatRecord> = pool
        .iter()
        .filter(|p| {
            p.last_used
                .is_some_and(|u| now - u < time::Duration::minutes(5))
        })
        .collect();
    if let [one] = just_used.as_slice() {
        return PatMatch::Found((**one).clone());
    }
    let hint = description_hint.trim().to_lowercase();
    let described: Vec<&&PatRecord> = pool
        .iter()
        .filter(|p| !hint.is_empty() && p.description.trim().to_lowercase() == hint)
        .collect();
    if let [one] = described.as_slice() {
        return PatMatch::Found((**one).clone());
    }
    let mut candidates: Vec<PatRecord> = pool.into_iter().cloned().collect();
    candidates.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    PatMatch::Ambiguous(candidates)
}

/// Whole days from `now` to `at` (negative when past).
pub fn days_until(at: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (at.date() - now.date()).whole_days()
}

pub fn date_text(at: OffsetDateTime) -> String {
    let d = at.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
