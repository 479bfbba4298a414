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
/// the only one used in the last few minutes (the identity check just used this one), unless
/// that use is over a minute old and a token made in the last hour has no use recorded yet
/// (then the user chooses between them);
/// else the only one whose description matches what the guide suggested; else the user chooses.
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
    // A use within the last minute is the check's own. One a few minutes old may be another
    // client's while Ona has not yet recorded the check's use of a token made just now: a
    // token created in the last hour with no use recorded makes that one uncertain.
    let used_by_the_check = |p: &PatRecord| {
        p.last_used
            .is_some_and(|u| now - u < time::Duration::minutes(1))
    };
    let new_unused: Vec<&&PatRecord> = pool
        .iter()
        .filter(|p| {
            p.last_used.is_none()
                && p.created_at
                    .is_some_and(|c| now - c < time::Duration::hours(1))
        })
        .collect();
    match (just_used.as_slice(), new_unused.is_empty()) {
        ([one], unused) if unused || used_by_the_check(one) => {
            return PatMatch::Found((**one).clone());
        }
        ([one], _) => {
            let mut candidates: Vec<PatRecord> = std::iter::once(one)
                .chain(&new_unused)
                .map(|p| (**p).clone())
                .collect();
            candidates.sort_by_key(|p| std::cmp::Reverse(p.created_at));
            return PatMatch::Ambiguous(candidates);
        }
        _ => {}
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
