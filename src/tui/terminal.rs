//! Owning the terminal: raw mode, alternate screen and bracketed paste on the way in, and
//! all of it undone on every way out (normal exit, error, panic, signal) and while the
//! program is stopped (Ctrl-Z, SIGTSTP).

use std::io::{self, BufWriter, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use crossterm::style::{Attribute, Print, ResetColor, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
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
    /// The modes and `query` are queued in the frame buffer: the first frame's one write
    /// carries them, and the query's answer comes back while the program goes on (the key
    /// reader takes it out of the input).
    pub fn enter(query: Option<&str>) -> io::Result<Guard> {
        install_panic_hook();
        let mut out = BufWriter::with_capacity(FRAME_BUFFER, io::stdout());
        if let Err(e) = take_over(&mut out, query.unwrap_or_default()) {
            restore();
            return Err(e);
        }
        let backend = LeanBackend::new(out);
        let terminal = Terminal::new(backend).inspect_err(|_| restore())?;
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
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

/// Raw mode, then the alternate screen, bracketed paste and `query` queued in `out` (raw mode
/// first, or the terminal's answer would be echoed); idempotent, so a SIGCONT that follows no
/// stop of ours does no harm.
fn take_over(out: &mut impl Write, query: &str) -> io::Result<()> {
    enable_raw_mode()?;
    queue!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        Print(query)
    )
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
    let mut out = io::stdout();
    take_over(&mut out, "")?;
    out.flush()
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
}
