//! Rules every text field of the wizard shares: what a paste puts in, and focus cycling.

use tui_input::{Input, InputRequest};

use crate::secret::SecretInput;
use crate::validate;

/// Moves through `items`, wrapping around.
pub(super) fn cycle<T: Copy + PartialEq>(items: &[T], current: T, forward: bool) -> T {
    let Some(i) = items.iter().position(|x| *x == current) else {
        return items.first().copied().unwrap_or(current);
    };
    let n = items.len();
    items[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// What a plain one-line field takes from a paste: the first line, without control
/// characters, bounded (a pasted newline never submits).
fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    line.chars()
        .filter(|c| !c.is_control())
        .take(1024)
        .collect()
}

pub(super) fn paste_one_line(input: &mut Input, text: &str) {
    for c in first_line(text).chars() {
        input.handle(InputRequest::InsertChar(c));
    }
}

/// A secret field takes the whole paste, trimmed, in place of what it held (pasting again after
/// a rejection is the natural move, and a token is never pasted in parts), or nothing: a token
/// with a line break or a control character inside is refused with a message that does not
/// echo it.
pub(super) fn paste_secret(
    field: &mut SecretInput,
    notice: &mut Option<String>,
    text: &str,
) -> bool {
    let trimmed = text.trim();
    let refusal = if trimmed.is_empty() {
        Some("the clipboard was empty".to_string())
    } else if trimmed.chars().any(char::is_control) {
        Some(format!(
            "refused the paste: {}",
            validate::TOKEN_NOT_ONE_LINE
        ))
    } else if trimmed.contains(char::REPLACEMENT_CHARACTER) {
        Some(format!("refused the paste: {}", validate::TOKEN_NOT_TEXT))
    } else if trimmed.chars().count() > validate::TOKEN_MAX {
        Some(format!("refused the paste: {}", validate::TOKEN_TOO_LONG))
    } else {
        None
    };
    if let Some(r) = refusal {
        *notice = Some(r);
        return false;
    }
    let replaced = if field.is_empty() {
        ""
    } else {
        ", in place of what the field held"
    };
    field.clear();
    field.insert_str(trimmed);
    *notice = Some(format!(
        "pasted {} characters{replaced}",
        trimmed.chars().count()
    ));
    true
}
