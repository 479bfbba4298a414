//! Line-by-line input for the commands and the plain mode: a visible line, a hidden line for
//! secrets (no echo on a terminal), and numbered choices. Prompts go to stderr so stdout stays
//! clean for results.

use std::io::{IsTerminal, Write};

use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptError {
    /// Ctrl-C on a hidden prompt.
    Cancelled,
    /// Standard input ended before an answer.
    EndOfInput,
    /// A line that is not UTF-8: it is refused, not turned into U+FFFD.
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

/// Reads one line (without its line break) from stdin. A line that is not UTF-8 is refused,
/// not turned into U+FFFD: what is sent must be what was given. Asking again would take the
/// next piped line, meant for the next question, so the answers stop there.
pub fn line() -> Result<String, PromptError> {
    let buffer = read_line(None)?.ok_or(PromptError::EndOfInput)?;
    let text = std::str::from_utf8(&buffer).map_err(|_| PromptError::NotText)?;
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// One line of stdin's bytes, without the `\n`; `None` when `stop` said so first. Read a byte
/// at a time straight from the descriptor (no buffer in between), so that a reader that was
/// called off leaves the rest of the input to the next question.
#[cfg(unix)]
fn read_line(stop: Option<&dyn Fn() -> bool>) -> Result<Option<Zeroizing<Vec<u8>>>, PromptError> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = std::io::stdin();
    let io = |e: rustix::io::Errno| PromptError::Io(std::io::Error::from(e).to_string());
    let mut buffer = Zeroizing::new(Vec::new());
    loop {
        if let Some(stop) = stop {
            if stop() {
                return Ok(None);
            }
            let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
            let tick = Timespec {
                tv_sec: 0,
                tv_nsec: 100_000_000,
            };
            match poll(&mut fds, Some(&tick)) {
                Ok(0) | Err(rustix::io::Errno::INTR) => continue,
                Ok(_) => {}
                Err(e) => return Err(io(e)),
            }
        }
        let mut byte = [0u8];
        match rustix::io::read(&stdin, &mut byte) {
            Ok(0) if buffer.is_empty() => return Err(PromptError::EndOfInput),
            Ok(0) => return Ok(Some(buffer)),
            Ok(_) if byte[0] == b'\n' => return Ok(Some(buffer)),
            // Past the limit the rest of the line is dropped (it bounds memory).
            Ok(_) if buffer.len() as u64 >= MAX_LINE => {}
            Ok(_) => buffer.push(byte[0]),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(io(e)),
        }
    }
}

#[cfg(not(unix))]
fn read_line(_stop: Option<&dyn Fn() -> bool>) -> Result<Option<Zeroizing<Vec<u8>>>, PromptError> {
    use std::io::BufRead;
    let mut buffer = Zeroizing::new(Vec::new());
    let read = std::io::Read::take(std::io::stdin().lock(), MAX_LINE)
        .read_until(b'\n', &mut buffer)
        .map_err(|e| PromptError::Io(e.to_string()))?;
    if read == 0 {
        return Err(PromptError::EndOfInput);
    }
    if buffer.last() == Some(&b'\n') {
        buffer.pop();
    }
    Ok(Some(buffer))
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
    secret_line_unless(None)?.ok_or(PromptError::EndOfInput)
}

/// Like [`secret_line`], but gives up with `None` as soon as `stop` holds (checked every
/// 100 ms): for an answer that may also arrive another way (the browser's hand-off).
pub fn secret_line_unless(
    stop: Option<&dyn Fn() -> bool>,
) -> Result<Option<Zeroizing<String>>, PromptError> {
    if std::io::stdin().is_terminal() {
        return hidden_line(stop);
    }
    // A secret from a pipe is decoded strictly: invalid UTF-8 is refused, never replaced.
    match read_line(stop)? {
        None => Ok(None),
        Some(bytes) => {
            let text = std::str::from_utf8(&bytes).map_err(|_| PromptError::NotText)?;
            Ok(Some(Zeroizing::new(
                text.trim_end_matches(['\n', '\r']).to_string(),
            )))
        }
    }
}

/// Reads a line with the terminal's echo off (raw mode), accepting a bracketed paste whole.
fn hidden_line(stop: Option<&dyn Fn() -> bool>) -> Result<Option<Zeroizing<String>>, PromptError> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, poll, read};
    crossterm::terminal::enable_raw_mode().map_err(|e| PromptError::Io(e.to_string()))?;
    let mut text = Zeroizing::new(String::new());
    let result = loop {
        if let Some(stop) = stop {
            if stop() {
                break Ok(false);
            }
            match poll(std::time::Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => break Err(PromptError::Io(e.to_string())),
            }
        }
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(true),
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
    result.map(|answered| answered.then_some(text))
}
