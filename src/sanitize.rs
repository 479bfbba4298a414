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
            c if c.is_control() || is_invisible(c) => out.push('�'),
            c => out.push(c),
        }
    }
    out
}

/// Characters that change how text looks without being seen: bidi controls, zero-width
/// characters and the other format characters (Unicode category Cf). They can make a field
/// read differently from what it holds ("safe \u{202E}gnp.exe" shows as "safe exe.png").
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0E}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
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
