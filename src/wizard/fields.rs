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

/// Longest paste a plain one-line field takes.
const LINE_MAX: usize = 1024;

/// A plain one-line field takes the whole paste, trimmed, or nothing: text with a line
/// break, a control character or an invisible character inside is refused with a message,
/// so what the field shows is what it holds (and a pasted newline never submits).
pub(super) fn paste_one_line(input: &mut Input, notice: &mut Option<String>, text: &str) -> bool {
    let trimmed = text.trim();
    let refusal = if trimmed.is_empty() {
        Some("the clipboard was empty".to_string())
    } else if let Err(why) = validate::visible_text(trimmed) {
        Some(format!("refused the paste: {why}"))
    } else if trimmed.contains(char::REPLACEMENT_CHARACTER) {
        Some(format!("refused the paste: {}", validate::TOKEN_NOT_TEXT))
    } else if trimmed.chars().count() > LINE_MAX {
        Some(format!(
            "refused the paste: longer than {LINE_MAX} characters"
        ))
    } else {
        None
    };
    if let Some(r) = refusal {
        *notice = Some(r);
        return false;
    }
    for c in trimmed.chars() {
        input.handle(InputRequest::InsertChar(c));
    }
    *notice = None;
    true
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
