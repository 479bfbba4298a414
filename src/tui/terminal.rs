//! Owning the terminal: raw mode, alternate screen and bracketed paste on the way in, and
//! all of it undone on every way out (normal exit, error, panic, signal) and while the
//! program is stopped (Ctrl-Z, SIGTSTP).

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, Event, KeyCode, KeyEvent,
    KeyEventKind, KeyModifiers,
};
use crossterm::style::{Attribute, ResetColor, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;

/// Frames are gathered in a buffer and written with one call when ratatui flushes: stdout's
/// own line buffer would cut a full frame into many small writes.
pub use super::backend::LeanBackend;
pub type Tui = Terminal<LeanBackend<BufWriter<Stdout>>>;

/// Large enough for a full 100x30 frame with colours.
const FRAME_BUFFER: usize = 32 * 1024;

/// Restores the terminal when dropped, so early returns and `?` cannot skip it.
pub struct Guard {
    pub terminal: Tui,
}

impl Guard {
    pub fn enter() -> io::Result<Guard> {
        install_panic_hook();
        if let Err(e) = take_over() {
            restore();
            return Err(e);
        }
        let stdout = io::stdout();
        let backend = LeanBackend::new(BufWriter::with_capacity(FRAME_BUFFER, stdout));
        let terminal = Terminal::new(backend).inspect_err(|_| restore())?;
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// The terminal's events, read on threads of their own, as a stream for the wizard's loop.
///
/// crossterm 0.29 retries forever once the terminal is gone: its read loop ignores EOF and EIO
/// (crossterm-rs/crossterm#793), and it would hold whatever thread called it. So its reads run
/// on a thread of their own, and a second thread waits for the terminal to hang up and ends
/// the stream with an error. SIGHUP does not reach every process that loses its terminal.
/// Neither thread wakes while nothing happens.
pub fn input_events() -> impl futures::Stream<Item = io::Result<crossterm::event::Event>> + Unpin {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let keys = tx.clone();
    let report = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || {
            loop {
                let (event, after) = match crossterm::event::read() {
                    Ok(Event::Paste(text)) => {
                        let (text, after) = rest_of_paste(text);
                        (Ok(Event::Paste(text)), after)
                    }
                    other => (other, None),
                };
                let failed = event.is_err() || after.as_ref().is_some_and(Result::is_err);
                if keys.send(event).is_err()
                    || after.is_some_and(|a| keys.send(a).is_err())
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
                    let why = match wait_for_hang_up(io::stdin()) {
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
/// marker inside the pasted text through (tmux 3.3 does) makes crossterm end the paste early
/// and read the rest as keys, where a pasted `\r` would be Enter; crossterm then drops the
/// real marker as an unknown sequence. So whatever arrives together with a paste is text of
/// the paste: keys become the characters they were typed as (control characters included,
/// which no one-line field accepts) until the input is quiet. An event that is not a key
/// (a resize, an error) ends the paste and is delivered after it.
fn rest_of_paste(mut text: String) -> (String, Option<io::Result<Event>>) {
    while let Ok(true) = crossterm::event::poll(PASTE_SETTLE) {
        match crossterm::event::read() {
            Ok(Event::Key(key)) => push_as_typed(&mut text, key),
            Ok(Event::Paste(more)) => text.push_str(&more),
            other => return (text, Some(other)),
        }
    }
    (text, None)
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

/// Blocks until `terminal` hangs up (the window is closed, the SSH connection drops), without
/// reading from it: poll(2) with no events asked for reports only a hang-up or an error.
pub fn wait_for_hang_up(terminal: impl std::os::fd::AsFd) -> io::Result<()> {
    use rustix::event::{PollFd, PollFlags, poll};
    loop {
        let mut fds = [PollFd::new(&terminal, PollFlags::empty())];
        match poll(&mut fds, None) {
            Ok(_)
                if fds[0]
                    .revents()
                    .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) =>
            {
                return Ok(());
            }
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Raw mode, the alternate screen and bracketed paste; idempotent, so a SIGCONT that follows
/// no stop of ours does no harm.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
}

/// Ctrl-Z or SIGTSTP: the terminal as it was found, then the process stops until SIGCONT
/// (see [`resume`]). SIGSTOP rather than SIGTSTP: our SIGTSTP handler cannot be reset to the
/// default action through tokio, and the kernel drops a default-action SIGTSTP for a process
/// group without a job-control shell (an orphaned one), where nobody could continue it anyway
/// but the sender.
pub fn suspend() {
    restore();
    #[cfg(unix)]
    {
        use rustix::process::{Signal, getpid, kill_process};
        let _ = kill_process(getpid(), Signal::STOP);
    }
}

/// Whether a job-control shell can continue us: our parent is in our session but leads
/// another process group. Where none can (the wizard leads its session, or shares its
/// shell's group), Ctrl-Z is ignored, as the kernel ignores it for a process group nobody
/// could bring back; a SIGTSTP from outside is obeyed, for its sender can.
pub fn a_shell_can_continue_us() -> bool {
    // nix, not rustix: across a PID namespace (a container) the kernel answers 0 for a
    // session or group led from outside it, which rustix's non-zero `Pid` cannot hold.
    #[cfg(unix)]
    {
        use nix::unistd::{Pid, getpgid, getpgrp, getppid, getsid};
        let parent = getppid();
        parent != Pid::from_raw(0)
            && getsid(Some(parent)).ok() == getsid(None).ok()
            && getpgid(Some(parent)).is_ok_and(|group| group != getpgrp())
    }
    #[cfg(not(unix))]
    false
}

/// After SIGCONT: the terminal is ours again; the caller clears and redraws.
pub fn resume() -> io::Result<()> {
    take_over()
}

/// Best effort and idempotent: a hung-up terminal must not turn exit into an error.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        SetAttribute(Attribute::Reset),
        ResetColor,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = stdout.flush();
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            // A panic in a background task would otherwise leave the wizard running on a
            // restored terminal: end the program, whichever thread panicked.
            eprintln!("ona-connect: internal error; the terminal was restored and nothing was sent after it.");
            std::process::exit(101);
        }));
    });
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn the_hang_up_watcher_ignores_input_and_returns_when_the_terminal_goes() {
        use rustix::fs::{Mode, OFlags, open};
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY,
            Mode::empty(),
        )
        .unwrap();
        rustix::io::write(&master, b"typed").unwrap();
        let watcher = std::thread::spawn(move || super::wait_for_hang_up(&slave));
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            !watcher.is_finished(),
            "returned while the terminal was there"
        );
        drop(master);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !watcher.is_finished() {
            assert!(
                std::time::Instant::now() < deadline,
                "no return after the hang-up"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        watcher.join().unwrap().unwrap();
    }

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
