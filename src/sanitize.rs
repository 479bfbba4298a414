//! Text from a server is untrusted: it may carry terminal escape sequences (Infisical embeds
//! Ona's response body in its error messages). Everything shown goes through here.

/// Longest server text we show; the rest is cut with a marker.
pub const MAX_SERVER_TEXT: usize = 500;

/// Replaces control characters (C0, DEL, C1) and bidi overrides with visible stand-ins,
/// folds line breaks into spaces and caps the length in characters.
pub fn for_terminal(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count >= max_chars {
            out.push_str("… (truncated)");
            return out;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{1b}' => out.push('␛'),
            c if c.is_control() || is_bidi_control(c) => out.push('�'),
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Shorthand for server text with the default cap.
pub fn server_text(text: &str) -> String {
    for_terminal(text, MAX_SERVER_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_caps() {
        let s = for_terminal("a\u{1b}]0;pwned\u{7}\u{1b}[2Jb\nc\u{202E}d\u{9b}", 100);
        assert!(!s.chars().any(|c| c.is_control()));
        assert_eq!(s, "a␛]0;pwned�␛[2Jb c�d�");
        assert_eq!(for_terminal("abcdef", 3), "abc… (truncated)");
        assert_eq!(for_terminal(&for_terminal("x\u{1b}y", 10), 10), "x␛y");
    }
}
