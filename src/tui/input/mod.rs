//! The terminal's input, read by us rather than by crossterm's reader, so that the answer to
//! the background query (asked with the first frame, not before it) can be told from keys:
//! every byte before, around and after the answer is a key or a paste as crossterm would have
//! read it, and an answer is never a key, however late it comes (see [`filter`]).

mod filter;
mod parse;

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use zeroize::Zeroize;

use self::filter::{Filter, Parsed};
use super::ui::theme::{Detect, Theme};

/// What the wizard's loop receives from the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Event(Event),
    /// The theme for the background the terminal answered with (or its fallback, once the
    /// terminal has shown it will not answer).
    Theme(Theme),
}

/// How long bytes that end a read and may begin an answer wait for its rest. A terminal
/// writes an answer at once, so its parts come together even over SSH; a person's Esc waits
/// this long only while an answer is due.
const SPLIT_GRACE: Duration = Duration::from_millis(30);

/// Reads and parses the terminal's input (standard input, a terminal in raw mode).
struct Reader {
    filter: Filter,
    detect: Detect,
    /// Until when an answer is awaited; the fallback theme is due when it passes unanswered.
    deadline: Option<Instant>,
    /// Neither the background nor DA1 has arrived: the fallback theme is still to be sent.
    unanswered: bool,
    held_until: Instant,
    buffer: [u8; 1024],
}

impl Reader {
    fn new(detect: Detect, asked: Option<Instant>) -> Reader {
        let mut filter = Filter::default();
        filter.expecting = asked.is_some();
        Reader {
            filter,
            detect,
            deadline: asked.map(|at| at + detect.timeout()),
            unanswered: asked.is_some(),
            held_until: Instant::now(),
            buffer: [0; 1024],
        }
    }

    /// The next input, or `None` when `wait` passes first (`None`: wait as long as it takes).
    fn next(&mut self, wait: Option<Duration>) -> io::Result<Option<Input>> {
        let until = wait.map(|w| Instant::now() + w);
        loop {
            while let Some(parsed) = self.filter.next() {
                if let Some(input) = self.input(parsed) {
                    return Ok(Some(input));
                }
            }
            let now = Instant::now();
            if self.filter.held() && now >= self.held_until {
                self.filter.give_up();
                continue;
            }
            if self.deadline.is_some_and(|d| now >= d) {
                self.deadline = None;
                self.filter.expecting = false;
                if std::mem::take(&mut self.unanswered) {
                    return Ok(Some(Input::Theme(self.detect.resolve(None))));
                }
                continue;
            }
            if until.is_some_and(|u| now >= u) {
                return Ok(None);
            }
            let soonest = [
                until,
                self.deadline,
                self.filter.held().then_some(self.held_until),
            ]
            .into_iter()
            .flatten()
            .min();
            if !readable(soonest.map(|t| t.saturating_duration_since(now)))? {
                continue;
            }
            let n = match rustix::io::read(io::stdin().as_fd(), &mut self.buffer) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "the terminal hung up",
                    ));
                }
                Ok(n) => n,
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
                Err(e) => return Err(e.into()),
            };
            self.filter
                .advance(&self.buffer[..n], n == self.buffer.len());
            // What was read may be a pasted token.
            self.buffer[..n].zeroize();
            if self.filter.held() {
                self.held_until = Instant::now() + SPLIT_GRACE;
            }
        }
    }

    fn input(&mut self, parsed: Parsed) -> Option<Input> {
        match parsed {
            Parsed::Event(event) => Some(Input::Event(event)),
            // DA1's answer follows it: until then an ESC may still be that answer's start.
            Parsed::Background(background) => {
                self.unanswered = false;
                Some(Input::Theme(self.detect.resolve(background)))
            }
            // The terminal has answered everything asked before DA1: no OSC 11 is coming.
            Parsed::DeviceAttributes => {
                self.filter.expecting = false;
                self.deadline = None;
                std::mem::take(&mut self.unanswered)
                    .then(|| Input::Theme(self.detect.resolve(None)))
            }
        }
    }
}

/// Whether standard input has something to read (or has hung up, which a read then reports)
/// before `timeout`.
fn readable(timeout: Option<Duration>) -> io::Result<bool> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let timeout = timeout.map(|t| {
        Timespec::try_from(t).unwrap_or(Timespec {
            tv_sec: i64::MAX,
            tv_nsec: 0,
        })
    });
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    match poll(&mut fds, timeout.as_ref()) {
        Ok(n) => Ok(n > 0),
        Err(rustix::io::Errno::INTR) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The terminal's input, read on threads of their own, as a stream for the wizard's loop.
/// `asked`: when the background query went out (with the first frame), if it did.
///
/// A second thread waits for the terminal to hang up and ends the stream with an error:
/// SIGHUP does not reach every process that loses its terminal. Neither thread wakes while
/// nothing happens.
pub fn input_events(
    detect: Detect,
    asked: Option<Instant>,
) -> impl futures::Stream<Item = io::Result<Input>> + Unpin {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let keys = tx.clone();
    let report = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            let mut reader = Reader::new(detect, asked);
            loop {
                let (input, after) = match reader.next(None) {
                    Ok(Some(Input::Event(Event::Paste(text)))) => {
                        let (text, after) = rest_of_paste(&mut reader, text);
                        (Ok(Input::Event(Event::Paste(text))), after)
                    }
                    Ok(Some(input)) => (Ok(input), Vec::new()),
                    Ok(None) => continue,
                    Err(e) => (Err(e), Vec::new()),
                };
                let failed = input.is_err() || after.iter().any(Result::is_err);
                if keys.send(input).is_err()
                    || after.into_iter().any(|a| keys.send(a).is_err())
                    || failed
                {
                    break;
                }
            }
        })
        .and_then(|_| {
            std::thread::Builder::new()
                .name("hang-up".into())
                .spawn(move || {
                    let why = match super::terminal::wait_for_hang_up(io::stdin()) {
                        Ok(()) => io::Error::new(io::ErrorKind::BrokenPipe, "the terminal hung up"),
                        Err(e) => e,
                    };
                    let _ = tx.send(Err(why));
                })
        });
    // Without its threads the program could not see a key: end at once rather than hang.
    if let Err(e) = spawned {
        let _ = report.send(Err(e));
    }
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// How long the input must be quiet after a paste before the paste is complete. Far shorter
/// than a person takes to press a key after pasting; long enough for a terminal's one write.
const PASTE_SETTLE: Duration = Duration::from_millis(30);

/// A paste runs to the terminal's real end of paste. A terminal that passes an end-of-paste
/// marker inside the pasted text through (tmux 3.3 does) makes crossterm's parser end the
/// paste early and read the rest as keys, where a pasted `\r` would be Enter; it then drops
/// the real marker as an unknown sequence. So whatever arrives together with a paste is text
/// of the paste: keys become the characters they were typed as (control characters included,
/// which no one-line field accepts) until the input is quiet. Anything else (a theme, an
/// error) is delivered after the paste, and an event that is not a key or a paste ends it.
fn rest_of_paste(reader: &mut Reader, mut text: String) -> (String, Vec<io::Result<Input>>) {
    let mut after = Vec::new();
    loop {
        match reader.next(Some(PASTE_SETTLE)) {
            Ok(None) => break,
            Ok(Some(Input::Event(Event::Key(key)))) => push_as_typed(&mut text, key),
            Ok(Some(Input::Event(Event::Paste(more)))) => text.push_str(&more),
            Ok(Some(theme @ Input::Theme(_))) => after.push(Ok(theme)),
            other => {
                after.push(other.map(|o| o.expect("not a timeout")));
                break;
            }
        }
    }
    (text, after)
}

/// The characters a terminal sends for `key`, as far as a field needs to know: printable
/// characters as they are, anything else as the control character that starts it.
fn push_as_typed(text: &mut String, key: KeyEvent) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        text.push('\u{1b}');
    }
    match key.code {
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(match c.to_ascii_lowercase() {
                l @ 'a'..='z' => char::from(l as u8 - b'a' + 1),
                _ => '\u{1b}',
            })
        }
        KeyCode::Char(c) => text.push(c),
        KeyCode::Enter => text.push('\r'),
        KeyCode::Tab => text.push('\t'),
        KeyCode::Backspace => text.push('\u{7f}'),
        _ => text.push('\u{1b}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that come with a paste become the characters a terminal sends for them: Enter is
    /// a carriage return, and anything that is not a printable character starts with a
    /// control character, which no one-line field takes.
    #[test]
    fn keys_after_a_paste_become_the_characters_they_were_typed_as() {
        let mut text = String::new();
        for (code, modifiers) in [
            (KeyCode::Char('a'), KeyModifiers::NONE),
            (KeyCode::Char('Z'), KeyModifiers::SHIFT),
            (KeyCode::Enter, KeyModifiers::NONE),
            (KeyCode::Tab, KeyModifiers::NONE),
            (KeyCode::Char('c'), KeyModifiers::CONTROL),
            (KeyCode::Down, KeyModifiers::NONE),
            (KeyCode::Char('x'), KeyModifiers::ALT),
            (KeyCode::Backspace, KeyModifiers::NONE),
        ] {
            push_as_typed(&mut text, KeyEvent::new(code, modifiers));
        }
        assert_eq!(text, "aZ\r\t\u{3}\u{1b}\u{1b}x\u{7f}");
    }
}
