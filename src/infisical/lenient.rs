//! Answers decoded leniently: one broken string must not cost a whole list. JavaScript cuts a
//! name in the middle of an emoji into a lone surrogate (`"\ud83d"`), which serde_json refuses
//! anywhere in a body, and a server may send bytes that are not UTF-8. Both become U+FFFD, so
//! the broken name shows with a replacement character and the rest of the list stays.

use std::borrow::Cow;

/// The body as text, invalid UTF-8 and lone surrogate escapes replaced by U+FFFD.
pub(super) fn json_text(body: &[u8]) -> Cow<'_, str> {
    match String::from_utf8_lossy(body) {
        Cow::Borrowed(text) => without_lone_surrogates(text),
        Cow::Owned(text) => Cow::Owned(without_lone_surrogates(&text).into_owned()),
    }
}

/// `\uD800`–`\uDFFF` escapes that are not a high-low pair become `\ufffd`.
fn without_lone_surrogates(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    let unit_at = |at: usize| -> Option<u32> {
        let escape = bytes.get(at..at + 6)?;
        if escape[0] != b'\\' || escape[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
    };
    let (mut out, mut copied, mut i) = (String::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = unit_at(i) else {
            // Any other escape, `\\` included: the escaped character is not an escape.
            i += 2;
            continue;
        };
        let paired = (0xD800..0xDC00).contains(&unit)
            && unit_at(i + 6).is_some_and(|low| (0xDC00..0xE000).contains(&low));
        if paired {
            i += 12;
        } else if (0xD800..0xE000).contains(&unit) {
            out.push_str(&json[copied..i]);
            out.push_str("\\ufffd");
            i += 6;
            copied = i;
        } else {
            i += 6;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(json);
    }
    out.push_str(&json[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(body: &[u8]) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&json_text(body)).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn lone_surrogates_and_invalid_utf8_become_replacement_characters() {
        assert_eq!(
            names(br#"["cut \ud83d", "pair \ud83d\ude00", "low \ude00 end", "\\ud83d", "\u00e9"]"#),
            [
                "cut \u{FFFD}",
                "pair 😀",
                "low \u{FFFD} end",
                "\\ud83d",
                "é"
            ]
        );
        assert_eq!(
            names(b"[\"bad \xff\xfe\", \"fine\"]"),
            ["bad \u{FFFD}\u{FFFD}", "fine"]
        );
        assert_eq!(names(br#"["\ud83d\ud83d"]"#), ["\u{FFFD}\u{FFFD}"]);
        assert!(matches!(json_text(br#"["plain"]"#), Cow::Borrowed(_)));
    }
}
