//! Secrets (the Ona token, the Universal Auth client secret, Infisical access tokens) live in
//! [`Secret`]: zeroized on drop, `Debug` prints `<redacted>`, no `Clone`, `Display` or
//! `Serialize`. Reading the value is an explicit, greppable call: [`Secret::expose`].

use std::fmt;
use zeroize::Zeroizing;

pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The only way to read the value; keep calls next to the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A second owned copy, for handing to a task; deliberate, never implicit.
    pub fn duplicate(&self) -> Secret {
        Secret::new(self.0.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// An editable secret: a fixed-capacity buffer (so edits never reallocate and leave copies
/// behind) with a cursor, driven by the same edit requests as the plain text fields.
pub struct SecretInput {
    value: Zeroizing<String>,
    /// Cursor position in characters.
    cursor: usize,
}

const SECRET_CAPACITY_BYTES: usize = crate::validate::TOKEN_MAX * 4;

impl Default for SecretInput {
    fn default() -> Self {
        SecretInput {
            value: Zeroizing::new(String::with_capacity(SECRET_CAPACITY_BYTES)),
            cursor: 0,
        }
    }
}

impl fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretInput(<redacted>, {} chars)", self.char_count())
    }
}

impl SecretInput {
    pub fn with_value(value: &str) -> Self {
        let mut input = SecretInput::default();
        input.insert_str(value);
        input
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    pub fn to_secret(&self) -> Secret {
        Secret::new(self.value.as_str())
    }

    pub fn char_count(&self) -> usize {
        self.value.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Inserts what fits in the fixed buffer; returns false when something was cut.
    pub fn insert_str(&mut self, s: &str) -> bool {
        let mut complete = true;
        for c in s.chars() {
            if self.value.len() + c.len_utf8() > SECRET_CAPACITY_BYTES {
                complete = false;
                break;
            }
            let at = self.byte_at(self.cursor);
            self.value.insert(at, c);
            self.cursor += 1;
        }
        complete
    }

    pub fn clear(&mut self) {
        // Overwrite in place; `clear` alone would leave the bytes in the buffer.
        zeroize::Zeroize::zeroize(&mut *self.value);
        self.cursor = 0;
    }

    /// Applies an edit; yank and word moves are deliberately not supported (no kill buffer
    /// holding secret text, and word boundaries would reveal the token's shape).
    pub fn handle(&mut self, request: tui_input::InputRequest) -> bool {
        use tui_input::InputRequest::*;
        let len = self.char_count();
        match request {
            InsertChar(c) if !c.is_control() => self.insert_str(&c.to_string()),
            GoToPrevChar if self.cursor > 0 => {
                self.cursor -= 1;
                true
            }
            GoToNextChar if self.cursor < len => {
                self.cursor += 1;
                true
            }
            GoToStart => {
                self.cursor = 0;
                true
            }
            GoToEnd => {
                self.cursor = len;
                true
            }
            DeletePrevChar if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
                true
            }
            DeleteNextChar if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
                true
            }
            DeleteLine => {
                self.clear();
                true
            }
            DeletePrevWord | DeleteFromStart if self.cursor > 0 => {
                // In place: the spare capacity is wiped when the buffer is dropped.
                let at = self.byte_at(self.cursor);
                self.value.drain(..at);
                self.cursor = 0;
                true
            }
            DeleteTillEnd | DeleteNextWord if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.truncate(at);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest::*;

    /// A secret copied out of its type into a plain `String` is spelled one of these ways;
    /// no source file does it (run.rs once did, with the client secret).
    #[test]
    fn no_source_copies_a_secret_into_a_plain_string() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut all = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut all,
        );
        assert!(all.len() > 50, "the sources were not found");
        let copies = [
            ".expose().to_string()",
            ".expose().to_owned()",
            ".expose().into()",
            ".expose())).to_string()",
        ];
        // This file names the spellings.
        for path in all.into_iter().filter(|p| !p.ends_with("secret.rs")) {
            let text = std::fs::read_to_string(&path).unwrap();
            for copy in copies {
                let found = text
                    .lines()
                    .any(|l| l.contains(copy) && !l.contains("let copies"));
                assert!(!found, "{} copies a secret: {copy}", path.display());
            }
        }
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("CANARY-secret-value");
        assert_eq!(format!("{s:?}"), "<redacted>");
        let mut input = SecretInput::default();
        input.insert_str("CANARY");
        assert!(!format!("{input:?}").contains("CANARY"));
    }

    #[test]
    fn edits_like_a_text_field_without_reallocating() {
        let mut input = SecretInput::default();
        let capacity = input.value.capacity();
        input.insert_str("abcd");
        input.handle(GoToPrevChar);
        input.handle(DeletePrevChar);
        assert_eq!(input.expose(), "abd");
        input.handle(InsertChar('X'));
        assert_eq!(input.expose(), "abXd");
        input.handle(DeleteTillEnd);
        assert_eq!(input.expose(), "abX");
        input.handle(GoToPrevChar);
        input.handle(DeleteFromStart);
        assert_eq!(input.expose(), "X");
        input.handle(DeleteLine);
        assert_eq!(input.expose(), "");
        assert!(!input.handle(Yank));
        assert_eq!(input.value.capacity(), capacity);
    }

    #[test]
    fn refuses_input_beyond_capacity() {
        let mut input = SecretInput::default();
        assert!(!input.insert_str(&"x".repeat(SECRET_CAPACITY_BYTES + 10)));
        assert_eq!(input.expose().len(), SECRET_CAPACITY_BYTES);
    }
}
