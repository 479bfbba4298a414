//! Infisical's field rules for an Ona App Connection (docs/infisical-api.md §4.2), shared by every front
//! end and by the sandbox so that the client-side check and the server agree to the letter.

/// Longest name Infisical accepts (its DB column is 64 characters).
pub const NAME_MAX: usize = 64;
/// Longest description Infisical accepts, counted after trimming in UTF-16 code units (its
/// check is JavaScript's `string.length`: an emoji counts 2).
pub const DESCRIPTION_MAX: usize = 256;
/// Longest Ona token we accept; real ones are far shorter, this bounds memory.
pub const TOKEN_MAX: usize = 4096;

pub const NAME_TOO_SHORT: &str = "name field must be at least 1 lowercase character";
pub const NAME_TOO_LONG: &str = "name field must be at most 64 lowercase characters";
pub const NAME_BAD_CHARS: &str =
    "name field can only contain lowercase letters, numbers, and hyphens";
/// Infisical's words; the counter beside the field shows the count it means.
pub const DESCRIPTION_TOO_LONG: &str = "Description cannot exceed 256 characters";
/// What is sent is what is seen: no text field holds characters that do not show.
pub const TEXT_NOT_VISIBLE: &str = "invisible or bidi characters (text that hides)";
pub const TEXT_NOT_ONE_LINE: &str = "this field is one line, and the text had a line break";
pub const TEXT_HAS_CONTROLS: &str = "it held control characters (escape sequences or keys)";
pub const TOKEN_REQUIRED: &str = "Personal Access Token required";
pub const TOKEN_NOT_ONE_LINE: &str = "the token must be one line of printable characters (it contained a line break or control character)";
/// The terminal turns invalid UTF-8 in a paste into U+FFFD; no token contains it.
pub const TOKEN_NOT_TEXT: &str =
    "the text held bytes that are not valid UTF-8 (a binary or mis-encoded copy)";
pub const TOKEN_TOO_LONG: &str =
    "the token is longer than 4096 characters; is this really an Ona token?";

/// Every rule the name breaks, in Infisical's order (it reports all issues together).
pub fn name_issues(raw: &str) -> Vec<&'static str> {
    let name = raw.trim();
    let len = name.chars().count();
    let mut issues = Vec::new();
    if len < 1 {
        issues.push(NAME_TOO_SHORT);
    }
    if len > NAME_MAX {
        issues.push(NAME_TOO_LONG);
    }
    if len >= 1 && !is_slug(name) {
        issues.push(NAME_BAD_CHARS);
    }
    issues
}

/// The trimmed name, or the first rule it breaks.
pub fn name(raw: &str) -> Result<&str, &'static str> {
    match name_issues(raw).first() {
        Some(issue) => Err(issue),
        None => Ok(raw.trim()),
    }
}

/// What exactly is wrong with a name, in words, or `None` when Infisical accepts it. Infisical
/// gives one message for every kind of mistake; this names each one and offers the name it
/// would become ([`name_suggestion`]).
pub fn name_problem(raw: &str) -> Option<String> {
    if name(raw).is_ok() {
        return None;
    }
    let name = raw.trim();
    if name.is_empty() {
        return Some("a name is required: lowercase letters, digits and single hyphens".into());
    }
    let count = |f: fn(char) -> bool| name.chars().filter(|c| f(*c)).count();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let mut wrong = Vec::new();
    let len = name.chars().count();
    if len > NAME_MAX {
        wrong.push(format!("{len} characters (at most {NAME_MAX})"));
    }
    let upper = count(|c| c.is_ascii_uppercase());
    if upper > 0 {
        wrong.push(plural(upper, "an uppercase letter", "uppercase letters"));
    }
    let spaces = count(char::is_whitespace);
    if spaces > 0 {
        wrong.push(plural(spaces, "a space", "spaces"));
    }
    if name.starts_with('-') {
        wrong.push("a hyphen at the start".into());
    }
    if name.ends_with('-') && len > 1 {
        wrong.push("a hyphen at the end".into());
    }
    if name.contains("--") {
        wrong.push("a double hyphen".into());
    }
    let mut others: Vec<char> = name
        .chars()
        .filter(|c| !(c.is_ascii_alphanumeric() || *c == '-' || c.is_whitespace()))
        .collect();
    others.dedup();
    if !others.is_empty() {
        let shown: Vec<String> = others.iter().take(5).map(|c| format!("\"{c}\"")).collect();
        wrong.push(format!("{} (only a-z, 0-9 and -)", shown.join(" ")));
    }
    Some(format!("has {}", and_list(&wrong)))
}

/// The valid name an invalid one would become ("My Conn" → "my-conn"), if any.
pub fn name_suggestion(raw: &str) -> Option<String> {
    if name(raw).is_ok() {
        return None;
    }
    Some(slugify(raw)).filter(|s| !s.is_empty())
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$` without a regex engine.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|group| {
            !group.is_empty()
                && group
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Turns free text into a name that passes [`name`], for suggesting a default.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(NAME_MAX).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// How Infisical measures a description: UTF-16 code units after trimming.
pub fn description_units(raw: &str) -> usize {
    raw.trim().encode_utf16().count()
}

/// Infisical's own rule for a description (which the sandbox applies): at most 256 units
/// after trimming.
pub fn description_length(raw: &str) -> Result<Option<&str>, &'static str> {
    let d = raw.trim();
    if description_units(d) > DESCRIPTION_MAX {
        Err(DESCRIPTION_TOO_LONG)
    } else if d.is_empty() {
        Ok(None)
    } else {
        Ok(Some(d))
    }
}

/// The trimmed description (`None` when empty), or why it is refused: Infisical's length,
/// and text that shows as what it is.
pub fn description(raw: &str) -> Result<Option<&str>, &'static str> {
    let d = description_length(raw)?;
    visible_text(raw.trim()).map(|()| d)
}

/// One line of text that reads as what it holds: no control character, no invisible one.
pub fn visible_text(text: &str) -> Result<(), &'static str> {
    if text.contains(['\n', '\r']) {
        Err(TEXT_NOT_ONE_LINE)
    } else if text.chars().any(char::is_control) {
        Err(TEXT_HAS_CONTROLS)
    } else if text.chars().any(crate::sanitize::is_invisible) {
        Err(TEXT_NOT_VISIBLE)
    } else {
        Ok(())
    }
}

/// The trimmed token, or why it is refused. A token is one line of printable characters.
pub fn token(raw: &str) -> Result<&str, &'static str> {
    let t = raw.trim();
    if t.is_empty() {
        Err(TOKEN_REQUIRED)
    } else if t.chars().any(char::is_control) {
        Err(TOKEN_NOT_ONE_LINE)
    } else if t.contains(char::REPLACEMENT_CHARACTER) {
        Err(TOKEN_NOT_TEXT)
    } else if t.chars().count() > TOKEN_MAX {
        Err(TOKEN_TOO_LONG)
    } else {
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_infisical_rules() {
        assert_eq!(name("  ona-dev-team "), Ok("ona-dev-team"));
        assert_eq!(name("a"), Ok("a"));
        assert_eq!(name(""), Err(NAME_TOO_SHORT));
        assert_eq!(name("   "), Err(NAME_TOO_SHORT));
        assert_eq!(name(&"a".repeat(64)), Ok("a".repeat(64).as_str()));
        assert_eq!(name(&"a".repeat(65)), Err(NAME_TOO_LONG));
        for bad in [
            "Ona", "ona_dev", "ona--dev", "-ona", "ona-", "ona dev", "üní", "a/b",
        ] {
            assert_eq!(name(bad), Err(NAME_BAD_CHARS), "{bad}");
        }
        assert_eq!(
            name_issues(&"A".repeat(65)),
            vec![NAME_TOO_LONG, NAME_BAD_CHARS]
        );
    }

    #[test]
    fn name_problems_say_exactly_what_is_wrong() {
        let says = |raw: &str| name_problem(raw).unwrap_or_default();
        assert_eq!(says("My Conn"), "has uppercase letters and a space");
        assert_eq!(
            says("ona--dev-"),
            "has a hyphen at the end and a double hyphen"
        );
        assert_eq!(says("-ona"), "has a hyphen at the start");
        assert_eq!(says("ona-"), "has a hyphen at the end");
        assert_eq!(says("Ona dev"), "has an uppercase letter and a space");
        assert_eq!(says("a_b/c"), "has \"_\" \"/\" (only a-z, 0-9 and -)");
        assert_eq!(says(&"a".repeat(70)), "has 70 characters (at most 64)");
        assert_eq!(name_suggestion(&"a".repeat(70)), Some("a".repeat(64)));
        assert_eq!(name_suggestion("My Conn").as_deref(), Some("my-conn"));
        assert_eq!(name_suggestion("___"), None, "nothing to offer");
        assert!(says("").starts_with("a name is required"));
        assert_eq!(name_problem("ona-dev"), None);
        assert_eq!(name_suggestion("ona-dev"), None);
    }

    #[test]
    fn slugify_makes_valid_names() {
        assert_eq!(slugify("Ona – Dev Team!"), "ona-dev-team");
        assert_eq!(slugify("__x__"), "x");
        assert!(is_slug(&slugify(&"ab-".repeat(40))));
    }

    #[test]
    fn description_counts_after_trim() {
        assert_eq!(description("  "), Ok(None));
        assert_eq!(
            description(&format!(" {} ", "x".repeat(256))).map(|d| d.map(str::len)),
            Ok(Some(256))
        );
        assert_eq!(description(&"x".repeat(257)), Err(DESCRIPTION_TOO_LONG));
    }

    /// Infisical counts JavaScript string length: 128 emoji are 256 units and pass, 129 do
    /// not, though they are far fewer than 256 characters.
    #[test]
    fn description_counts_utf16_units_like_infisical() {
        let emoji = |n| "😀".repeat(n);
        assert_eq!(description_units(&emoji(128)), 256);
        assert!(description(&emoji(128)).is_ok());
        assert_eq!(description(&emoji(129)), Err(DESCRIPTION_TOO_LONG));
        assert_eq!(description(&emoji(200)), Err(DESCRIPTION_TOO_LONG));
        assert_eq!(description_units("é"), 1);
    }

    #[test]
    fn text_that_hides_is_refused() {
        for hidden in [
            "safe \u{202E}gnp.exe\u{202C} end",
            "zero\u{200B}width",
            "joiner\u{2060}",
            "bom\u{FEFF}",
            "soft\u{AD}hyphen",
            "tag\u{E0041}",
            "isolate\u{2067}x\u{2069}",
        ] {
            assert_eq!(description(hidden), Err(TEXT_NOT_VISIBLE), "{hidden:?}");
            assert_eq!(visible_text(hidden), Err(TEXT_NOT_VISIBLE), "{hidden:?}");
        }
        assert_eq!(visible_text("a\u{1b}[31m"), Err(TEXT_HAS_CONTROLS));
        assert_eq!(visible_text("a\u{9b}"), Err(TEXT_HAS_CONTROLS));
        assert_eq!(
            visible_text("adv-name\nsecond-line"),
            Err(TEXT_NOT_ONE_LINE)
        );
        assert_eq!(
            description("Ona für das Team 😀 ✓"),
            Ok(Some("Ona für das Team 😀 ✓"))
        );
        // Infisical's own rule is the length only.
        assert!(description_length("safe \u{202E}gnp").is_ok());
    }

    #[test]
    fn token_is_one_printable_line() {
        assert_eq!(token("  abc\n"), Ok("abc"));
        assert_eq!(token("\n"), Err(TOKEN_REQUIRED));
        assert_eq!(token("ab\ncd"), Err(TOKEN_NOT_ONE_LINE));
        assert_eq!(token("ab\u{1b}[31mcd"), Err(TOKEN_NOT_ONE_LINE));
        assert_eq!(token(&"x".repeat(4097)), Err(TOKEN_TOO_LONG));
        assert_eq!(token("tok\u{FFFD}en"), Err(TOKEN_NOT_TEXT));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The words and Infisical's rule never disagree on whether a name is valid, and what
        /// is offered is itself valid.
        #[test]
        fn the_words_agree_with_the_rule(raw in "[ a-zA-Z0-9_-]{0,70}") {
            prop_assert_eq!(name_problem(&raw).is_none(), name(&raw).is_ok());
            if let Some(slug) = name_suggestion(&raw) {
                prop_assert!(name(&slug).is_ok(), "{}", slug);
            }
        }
    }
}
