//! The binary in a pseudo-terminal.
//!
//! [`Wizard::spawn`] runs it in a 100×30 PTY with [`Home::base_env`] plus the variables a test
//! passes. A reader thread drains the PTY master continuously into a shared `vt100::Parser`
//! and keeps the full raw byte transcript.
//!
//! Tests drive it with [`Wizard::send`] / [`Wizard::paste`] and synchronise with
//! [`Wizard::wait_for`] / [`Wizard::wait_until`], which poll the parsed screen up to
//! [`timeout`]. [`Wizard::exit_code`] waits for the child and then for the transcript to reach
//! EOF.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use super::{Answers, BIN, Home, timeout};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

pub const ENTER: &str = "\r";
pub const TAB: &str = "\t";
pub const ESC: &str = "\x1b";
pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const CTRL_C: &str = "\x03";
/// Review once Ona's check has answered: only then does Enter send.
pub const REVIEW_SETTLED: &str = "Press Enter to create the connection";
pub const CTRL_Z: &str = "\x1a";
pub const BACKTAB: &str = "\x1b[Z";
/// Ctrl-U clears the focused field.
pub const CTRL_U: &str = "\x15";

/// The binary running in a PTY.
pub struct Wizard {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Shared with the threads that answer the terminal queries the program sends.
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    reader: Option<JoinHandle<()>>,
    master: Option<Box<dyn MasterPty + Send>>,
    status: Option<u32>,
    /// Tells the reader thread to stop and close its end of the master.
    stop: Arc<AtomicBool>,
    /// The child has exited: the reader may block, reads end at EOF/EIO.
    exited: Arc<AtomicBool>,
}

impl Wizard {
    /// Starts `ona-connect <args>` in a 100×30 PTY with `home`'s environment plus `env`. The
    /// PTY answers no queries (as a terminal that knows neither OSC 11 nor DA1).
    pub fn spawn(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Wizard {
        Wizard::spawn_program(home, BIN, args, env, None)
    }

    /// Like [`Wizard::spawn`], in a PTY that answers the background query as `answers` says.
    pub fn spawn_answering(
        home: &Home,
        args: &[&str],
        env: &[(&str, &str)],
        answers: Answers,
    ) -> Wizard {
        Wizard::spawn_program(home, BIN, args, env, Some(answers))
    }

    /// Starts `ona-connect <args>` under `sh -c`, which prints `stty -g` before and after it
    /// to the PTY (see [`stty_snapshots`]) and exits with its status.
    pub fn spawn_in_shell(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Wizard {
        let stty = ["/bin/stty", "/usr/bin/stty"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("stty is installed");
        let script =
            format!("{stty} -g; \"$0\" \"$@\"; s=$?; {stty} -g; echo \"exit status $s\"; exit $s");
        let mut all = vec!["-c", script.as_str(), BIN];
        all.extend_from_slice(args);
        Wizard::spawn_program(home, "/bin/sh", &all, env, None)
    }

    /// Starts `program <args>` in a 100×30 PTY with `home`'s environment plus `env`.
    pub fn spawn_program(
        home: &Home,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        answers: Option<Answers>,
    ) -> Wizard {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        // The demo brings its own Ona (its sandbox's) unless told otherwise.
        let demo = args.first() == Some(&"demo");
        for (k, v) in home.base_env() {
            if !(demo && k == "ONA_API_URL") {
                cmd.env(k, v);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn ona-connect");
        // Only the child may hold the slave, so the master reads EOF once it exits.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        // Its own handle on the master, to ask how much is buffered before a read may block,
        // so the thread can notice `stop` and let `close_master` really close the master.
        #[cfg(target_os = "linux")]
        let probe = {
            let fd = pair.master.as_raw_fd().expect("master fd");
            // SAFETY: the master is open for the duration of this call.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            rustix::io::dup(fd).expect("dup master")
        };
        let stop = Arc::new(AtomicBool::new(false));
        let exited = Arc::new(AtomicBool::new(false));
        let (p, r) = (parser.clone(), raw.clone());
        let (stop_reader, exited_reader) = (stop.clone(), exited.clone());
        let writer: Arc<Mutex<Box<dyn Write + Send>>> =
            Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let answer_to = writer.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Where in the transcript to look for the next background query.
            let mut scanned = 0;
            loop {
                if stop_reader.load(Ordering::SeqCst) {
                    break;
                }
                #[cfg(target_os = "linux")]
                if !exited_reader.load(Ordering::SeqCst)
                    && rustix::io::ioctl_fionread(&probe).is_ok_and(|n| n == 0)
                {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                #[cfg(not(target_os = "linux"))]
                let _ = &exited_reader;
                match source.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut raw = r.lock().unwrap_or_else(PoisonError::into_inner);
                        raw.extend_from_slice(&buf[..n]);
                        if let Some(answers) = answers {
                            scanned = answers.answer_queries(&raw, scanned, &answer_to);
                        }
                        drop(raw);
                        p.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .process(&buf[..n]);
                    }
                }
            }
        });
        Wizard {
            parser,
            raw,
            writer,
            child,
            reader: Some(reader),
            master: Some(pair.master),
            status: None,
            stop,
            exited,
        }
    }

    /// Writes bytes to the terminal as if typed.
    pub fn send(&mut self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    /// Writes raw bytes to the terminal (which need not be UTF-8).
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        writer.write_all(bytes).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// A bracketed paste of `text`, as a terminal sends it.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// The visible screen as text (the alternate screen while the wizard runs).
    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .screen()
            .contents()
    }

    /// The screen's rows, trailing spaces trimmed.
    pub fn lines(&self) -> Vec<String> {
        self.screen()
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect()
    }

    /// The colours (foreground, background) of the first cell of `text` on screen, if it is
    /// there.
    pub fn colours_of(&self, text: &str) -> Option<(vt100::Color, vt100::Color)> {
        let parser = self.parser.lock().unwrap_or_else(PoisonError::into_inner);
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let first = text.chars().next()?;
        for row in 0..rows {
            let line: String = (0..cols)
                .map(|col| {
                    screen
                        .cell(row, col)
                        .map_or(' ', |c| c.contents().chars().next().unwrap_or(' '))
                })
                .collect();
            // Columns are cells: the text's column is its character index on a row whose
            // characters each take one cell, which the wizard's titles and choices do.
            if let Some(at) = line.find(text) {
                let col = line[..at].chars().count() as u16;
                let cell = screen.cell(row, col)?;
                debug_assert_eq!(cell.contents().chars().next(), Some(first));
                return Some((cell.fgcolor(), cell.bgcolor()));
            }
        }
        None
    }

    /// (row, column) of the terminal cursor.
    pub fn cursor(&self) -> (u16, u16) {
        self.parser
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .screen()
            .cursor_position()
    }

    /// (alternate screen, bracketed paste, cursor hidden) as the terminal stands now.
    pub fn modes(&self) -> (bool, bool, bool) {
        let parser = self.parser.lock().unwrap_or_else(PoisonError::into_inner);
        let screen = parser.screen();
        (
            screen.alternate_screen(),
            screen.bracketed_paste(),
            screen.hide_cursor(),
        )
    }

    /// Whether the terminal reports mouse events (mouse capture on).
    pub fn mouse_captured(&self) -> bool {
        let parser = self.parser.lock().unwrap_or_else(PoisonError::into_inner);
        parser.screen().mouse_protocol_mode() != vt100::MouseProtocolMode::None
    }

    /// Every byte the program wrote so far.
    pub fn transcript(&self) -> Vec<u8> {
        self.raw
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Polls the screen until `ready` holds; fails with `what` and the screen on timeout.
    pub fn wait_until(&mut self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // One last look once the transcript is complete: the final frame may have
                // been written just before the exit.
                let code = self.finish(status.exit_code());
                let screen = self.screen();
                if ready(&screen) {
                    return screen;
                }
                panic!("ona-connect exited ({code}) while waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the transcript holds `needle` (bytes that need not reach the screen, like
    /// an OSC 52 copy); fails with `what` and the screen on timeout.
    pub fn wait_for_output(&self, needle: &[u8], what: &str) {
        let deadline = Instant::now() + timeout();
        while !super::contains_bytes(&self.transcript(), needle) {
            assert!(
                Instant::now() < deadline,
                "{what} never written; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the screen contains `text`.
    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Sends SIGTERM to the child.
    pub fn sigterm(&mut self) {
        signal(self.pid(), "TERM");
    }

    /// The process id of the child (the shell under [`Wizard::spawn_in_shell`]).
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// The process id of `ona-connect` itself: the child, or the shell's child under
    /// [`Wizard::spawn_in_shell`].
    #[cfg(target_os = "linux")]
    pub fn app_pid(&self) -> u32 {
        let pid = self.pid();
        if proc_comm(pid).as_deref() == Some("ona-connect") {
            return pid;
        }
        let mut found = None;
        super::eventually(&format!("ona-connect under pid {pid}"), || {
            found = children_of(pid)
                .into_iter()
                .find(|c| proc_comm(*c).as_deref() == Some("ona-connect"));
            found.is_some()
        });
        found.expect("found")
    }

    /// Whether the terminal is in raw mode (no line editing, no echo), read from the master
    /// (on Linux its termios are the terminal's); `None` once the master is closed.
    #[cfg(target_os = "linux")]
    pub fn raw_mode(&self) -> Option<bool> {
        use rustix::termios::LocalModes;
        let fd = self.master.as_ref()?.as_raw_fd()?;
        // SAFETY: the master is open while `self.master` holds it.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let t = rustix::termios::tcgetattr(fd).ok()?;
        Some(
            !t.local_modes
                .intersects(LocalModes::ICANON | LocalModes::ECHO),
        )
    }

    /// Closes the master side, as a terminal emulator does when its window is closed or an
    /// SSH connection drops: the reader stops, then the writer and the master are dropped.
    /// What was read until then stays in the transcript.
    pub fn close_master(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        // The writer's drop sends "\n" and VEOF first (harmless on a form).
        *self.writer.lock().unwrap_or_else(PoisonError::into_inner) = Box::new(std::io::sink());
        self.master = None;
    }

    /// Whether the master is still open.
    pub fn master_open(&self) -> bool {
        self.master.is_some()
    }

    /// Waits for the child to exit and for the transcript to be complete; the exit status.
    pub fn exit_code(&mut self) -> u32 {
        if let Some(code) = self.status {
            return code;
        }
        let deadline = Instant::now() + timeout();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "ona-connect did not exit in time; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.finish(status.exit_code())
    }

    /// The child has exited with `code`: lets the reader drain the master to EOF, so the
    /// transcript and the screen are complete, and remembers the status.
    fn finish(&mut self, code: u32) -> u32 {
        self.exited.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.status = Some(code);
        code
    }
}

impl Drop for Wizard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends `SIG<name>` (e.g. "TERM", "INT", "HUP") to `pid` with `kill(1)`.
pub fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// The fields of `/proc/<pid>/stat` after the command name: state is `[0]`, utime `[11]`,
/// stime `[12]`. `None` once the process is gone (reaped).
#[cfg(target_os = "linux")]
fn proc_stat(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_string).collect())
}

/// The command name of `pid` (`/proc/<pid>/comm`).
#[cfg(target_os = "linux")]
pub fn proc_comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|c| c.trim().to_string())
}

/// The processes whose parent is `pid`.
#[cfg(target_os = "linux")]
pub fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| {
            proc_stat(*p)
                .is_some_and(|f| f.get(1).and_then(|pp| pp.parse::<u32>().ok()) == Some(pid))
        })
        .collect()
}

/// CPU time (user + system, all threads) of `pid` in clock ticks; `None` once it is gone.
#[cfg(target_os = "linux")]
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let f = proc_stat(pid)?;
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Whether `pid` is stopped (by SIGSTOP, SIGTSTP or the like).
#[cfg(target_os = "linux")]
pub fn stopped(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|f| f.first().is_some_and(|s| s == "T"))
}

/// The terminal settings of `pid`'s standard input as `stty -g` prints them, read from outside
/// (`stty -g -F /dev/pts/N`), e.g. while the process is stopped.
#[cfg(target_os = "linux")]
pub fn stty_of(pid: u32) -> String {
    let tty = std::fs::read_link(format!("/proc/{pid}/fd/0")).expect("the terminal of pid");
    let stty = ["/bin/stty", "/usr/bin/stty"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("stty is installed");
    let out = std::process::Command::new(stty)
        .arg("-g")
        .arg("-F")
        .arg(&tty)
        .output()
        .expect("stty runs");
    assert!(out.status.success(), "stty -F {}: {out:?}", tty.display());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Whether `pid` has ended (gone, or a zombie waiting to be reaped).
#[cfg(target_os = "linux")]
pub fn ended(pid: u32) -> bool {
    proc_stat(pid).is_none_or(|f| f.first().is_some_and(|s| s == "Z" || s == "X"))
}

/// Waits up to `within` for `pid` to end; returns how long it took and the CPU ticks it used
/// while we waited (from the first reading to the last one before it ended), or fails with
/// `what`.
#[cfg(target_os = "linux")]
pub fn wait_ended(pid: u32, within: Duration, what: &str) -> (Duration, u64) {
    let started = Instant::now();
    let first = cpu_ticks(pid).unwrap_or(0);
    let mut last = first;
    loop {
        if ended(pid) {
            // A zombie still reports the time its threads used.
            if let Some(t) = cpu_ticks(pid) {
                last = last.max(t);
            }
            return (started.elapsed(), last.saturating_sub(first));
        }
        if let Some(t) = cpu_ticks(pid) {
            last = t;
        }
        if started.elapsed() > within {
            panic!(
                "{what}: pid {pid} still running after {within:?}, using {} CPU ticks meanwhile",
                last.saturating_sub(first)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `stty -g` lines in a transcript (colon-separated hex fields), in order.
pub fn stty_snapshots(transcript: &[u8]) -> Vec<String> {
    transcript
        .split(|b| !(b.is_ascii_hexdigit() || *b == b':'))
        .filter(|w| w.iter().filter(|b| **b == b':').count() >= 10)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}
