//! Line-by-line input for the commands and the plain mode: a visible line, a hidden line for
//! secrets (no echo on a terminal), and numbered choices. Prompts go to stderr so stdout stays
//! clean for results.

use std::io::{BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptError {
    /// Ctrl-C on a hidden prompt.
    Cancelled,
    /// Standard input ended before an answer.
    EndOfInput,
    /// A secret line that is not UTF-8: it is refused, not turned into U+FFFD.
    NotText,
    Io(String),
}

impl std::fmt::Display for PromptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PromptError::Cancelled => f.write_str("cancelled"),
            PromptError::EndOfInput => {
                f.write_str("standard input ended before all answers were given")
            }
            PromptError::NotText => f.write_str(crate::validate::TOKEN_NOT_TEXT),
            PromptError::Io(e) => write!(f, "cannot read standard input: {e}"),
        }
    }
}

/// Longest line read; more is cut (a token is far shorter, and this bounds memory).
const MAX_LINE: u64 = 64 * 1024;

/// Reads one line (without its line break) from stdin.
pub fn line() -> Result<String, PromptError> {
    let buffer = line_bytes()?;
    let text = String::from_utf8_lossy(&buffer);
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// One line of stdin as bytes, with its line break; a secret line's bytes are zeroized.
fn line_bytes() -> Result<Zeroizing<Vec<u8>>, PromptError> {
    let mut buffer = Zeroizing::new(Vec::new());
    let read = std::io::Read::take(std::io::stdin().lock(), MAX_LINE)
        .read_until(b'\n', &mut buffer)
        .map_err(|e| PromptError::Io(e.to_string()))?;
    if read == 0 {
        return Err(PromptError::EndOfInput);
    }
    Ok(buffer)
}

/// Shows `question` and reads a visible answer.
pub fn ask(question: &str) -> Result<String, PromptError> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    line()
}

/// Shows `question` and reads a secret: without echo on a terminal, a plain line otherwise.
pub fn ask_secret(question: &str) -> Result<Zeroizing<String>, PromptError> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    secret_line()
}

/// Reads a secret line: without echo on a terminal, a plain line otherwise.
pub fn secret_line() -> Result<Zeroizing<String>, PromptError> {
    if !std::io::stdin().is_terminal() {
        let bytes = line_bytes()?;
        let text = std::str::from_utf8(&bytes).map_err(|_| PromptError::NotText)?;
        return Ok(Zeroizing::new(
            text.trim_end_matches(['\n', '\r']).to_string(),
        ));
    }
    hidden_line()
}

/// Reads a line with the terminal's echo off (raw mode), accepting a bracketed paste whole.
fn hidden_line() -> Result<Zeroizing<String>, PromptError> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode().map_err(|e| PromptError::Io(e.to_string()))?;
    let mut text = Zeroizing::new(String::new());
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') | KeyCode::Char('d')
                    if k.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    break Err(PromptError::Cancelled);
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) if !c.is_control() => text.push(c),
                _ => {}
            },
            Ok(Event::Paste(p)) => text.push_str(p.trim()),
            Ok(_) => {}
            Err(e) => break Err(PromptError::Io(e.to_string())),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| text)
}
