//! Text from a server is untrusted: it may carry terminal escape sequences (Infisical embeds
//! Ona's response body in its error messages). Everything shown goes through here.

/// Longest server text we show; the rest is cut with a marker.
pub const MAX_SERVER_TEXT: usize = 500;

/// Replaces control characters (C0, DEL, C1) and invisible ones (bidi, zero-width) with
/// visible stand-ins, folds line breaks (Unicode's separators too) into spaces and caps the length in characters.
pub fn for_terminal(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count >= max_chars {
            out.push_str("… (truncated)");
            return out;
        }
        match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
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

/// JSON for output, the same for every command's `--json` and its errors: valid JSON whose
/// values a JSON reader gets unchanged, with no raw control (C0, DEL, C1), line-separator or
/// invisible character in it, so it is safe on a terminal too: those are written as `\uXXXX`
/// escapes. (serde_json escapes C0 itself, and such characters only occur inside strings.)
pub fn json(value: &impl serde::Serialize, pretty: bool) -> String {
    let raw = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let escape = c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{2028}' | '\u{2029}')
            || is_invisible(c);
        if escape {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_keeps_every_value() {
        let hostile = "a\u{1b}[2J\u{7f}\u{9b}31m\u{202E}gnp\u{200B}\u{2028}\u{E0041}\nz\"\\";
        let value = serde_json::json!({ "name": hostile, "list": [hostile] });
        for pretty in [false, true] {
            let text = json(&value, pretty);
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value, "values unchanged for a JSON reader");
            assert!(
                !text.chars().any(|c| (c.is_control() && c != '\n')
                    || is_invisible(c)
                    || matches!(c, '\u{2028}' | '\u{2029}')),
                "{text:?}"
            );
            assert!(
                text.contains("\\u202e") && text.contains("\\u009b"),
                "{text}"
            );
            assert!(
                text.contains("\\udb40\\udc41"),
                "a tag as a surrogate pair: {text}"
            );
        }
    }

    #[test]
    fn strips_escapes_and_caps() {
        let s = for_terminal("a\u{1b}]0;pwned\u{7}\u{1b}[2Jb\nc\u{202E}d\u{9b}", 100);
        assert!(!s.chars().any(|c| c.is_control()));
        assert_eq!(s, "a␛]0;pwned�␛[2Jb c�d�");
        assert_eq!(for_terminal("abcdef", 3), "abc… (truncated)");
        assert_eq!(for_terminal(&for_terminal("x\u{1b}y", 10), 10), "x␛y");
    }
}
