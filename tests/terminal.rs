//! The terminal around the wizard, with the real binary in a pseudo-terminal: it is restored
//! on every way out (exit, panic, signal, hang-up), hostile pastes are refused without harm,
//! and links are copied with OSC 52 or opened only where a browser can be.
//! Linux only: the checks read `/proc` and the terminal's modes through the PTY master.

#![cfg(target_os = "linux")]

mod common;

use common::*;
use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};

const CREATE_PATH: &str = "/api/v1/app-connections/ona";
const ONA_URL: &str = "https://app.ona.com";
const DOCS_URL: &str = "https://ona.com/docs/ona/integrations/personal-access-token";

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// Arguments for the wizard against `sandbox`, without the Ona check.
fn args(home: &Home, sandbox: &Sandbox) -> Vec<String> {
    vec![
        "--domain".into(),
        sandbox.url(),
        "--config".into(),
        home.config_file().display().to_string(),
        "--skip-ona-check".into(),
    ]
}

fn env<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = UA_ENV.to_vec();
    all.extend_from_slice(extra);
    all
}

fn spawn(home: &Home, sandbox: &Sandbox, extra_env: &[(&str, &str)]) -> Wizard {
    let args = args(home, sandbox);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Wizard::spawn(home, &args, &env(extra_env))
}

/// The wizard under `sh -c 'stty -g; ona-connect …; stty -g'`.
fn spawn_in_shell(home: &Home, sandbox: &Sandbox, extra_env: &[(&str, &str)]) -> Wizard {
    let args = args(home, sandbox);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Wizard::spawn_in_shell(home, &args, &env(extra_env))
}

/// Signed in from the environment, then on to the guide's first step (the one with links).
fn to_guide(w: &mut Wizard, sandbox: &Sandbox) {
    w.wait_for("Sign in to Infisical");
    w.wait_for(&format!("✓ Signed in to {}", sandbox.url()));
    w.send(ENTER);
    w.wait_for("Open your user settings on Ona");
    w.wait_for(ONA_URL);
}

/// From the guide's first step through the four steps to the form with its project list.
fn to_form(w: &mut Wizard, sandbox: &Sandbox) {
    to_guide(w, sandbox);
    for _ in 0..4 {
        let before = w.wait_until("a guide step", |s| {
            s.contains("Press Enter when this is done")
        });
        let title = before.lines().nth(1).unwrap_or_default().to_string();
        w.send(ENTER);
        w.wait_until("the next screen", |s| {
            s.lines().nth(1).unwrap_or_default() != title
        });
    }
    w.wait_for("Connection details");
    w.wait_for(demo::BACKEND_PROJECT_NAME);
}

fn create_posts(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == CREATE_PATH)
        .count()
}

/// Waits until the terminal is in raw mode, i.e. the wizard owns it.
fn wait_raw(w: &Wizard) {
    eventually("raw mode", || w.raw_mode() == Some(true));
}

/// After the program ended: every mode it switched on is off again, in the transcript (the
/// last "off" after the last "on") and in the emulated terminal; raw mode is off.
fn assert_restored(w: &Wizard) {
    let t = w.transcript();
    let last = |seq: &str| rfind_bytes(&t, seq.as_bytes());
    for (on, off) in [
        ("\x1b[?1049h", "\x1b[?1049l"),
        ("\x1b[?2004h", "\x1b[?2004l"),
        ("\x1b[?25l", "\x1b[?25h"),
    ] {
        let on_at = last(on).unwrap_or_else(|| panic!("{on:?} never sent"));
        let off_at = last(off).unwrap_or_else(|| panic!("{off:?} never sent"));
        assert!(off_at > on_at, "{off:?} is not after the last {on:?}");
    }
    // Mouse capture is never switched on, and switched off on the way out all the same.
    let entered = last("\x1b[?1049h").unwrap();
    for mode in ["1000", "1002", "1003", "1006"] {
        let on = format!("\x1b[?{mode}h");
        let off = format!("\x1b[?{mode}l");
        let off_at = last(&off).unwrap_or_else(|| panic!("{off:?} never sent"));
        assert!(off_at > entered, "{off:?} not sent on the way out");
        assert!(
            last(&on).is_none_or(|on_at| on_at < off_at),
            "mouse mode {mode} left on"
        );
    }
    assert_eq!(w.modes(), (false, false, false), "terminal not restored");
    assert!(!w.mouse_captured(), "mouse capture left on");
    if w.master_open() {
        assert_eq!(w.raw_mode(), Some(false), "raw mode left on");
    }
}

/// Under the shell wrapper: `stty -g` after the program equals `stty -g` before it.
fn assert_stty_unchanged(w: &Wizard, status: u32) {
    let screen = w.screen();
    assert!(
        screen.contains(&format!("exit status {status}")),
        "the shell did not finish:\n{screen}"
    );
    let snapshots = stty_snapshots(&w.transcript());
    assert_eq!(
        snapshots.len(),
        2,
        "two stty -g lines expected: {snapshots:?}"
    );
    assert_eq!(
        snapshots[0], snapshots[1],
        "terminal settings differ after ona-connect"
    );
}

/// The text after the last restoring sequence: plain text only.
fn tail_after_restore(w: &Wizard) -> String {
    let t = w.transcript();
    let end = ["\x1b[?1049l", "\x1b[?2004l", "\x1b[?25h"]
        .iter()
        .filter_map(|s| rfind_bytes(&t, s.as_bytes()).map(|at| at + s.len()))
        .max()
        .expect("restoring sequences");
    String::from_utf8_lossy(&t[end..]).into_owned()
}

/// Clock ticks a process may use while we wait for it to end (0.5 s at the usual 100 Hz).
const SPIN_TICKS: u64 = 50;

// ---------------------------------------------------------------------------------------
// 1. The terminal is restored on every way out, with the right exit status.

#[test]
fn normal_exit_restores_the_terminal_and_exits_0() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn_in_shell(&home, &sandbox, &[]);
    to_form(&mut w, &sandbox);
    wait_raw(&w);
    w.paste(demo::ONA_PAT);
    w.wait_for(&format!("{} characters", demo::ONA_PAT.len()));
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    w.send(ENTER);
    w.wait_for("Connection created");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    assert_restored(&w);
    assert_stty_unchanged(&w, 0);
    assert!(tail_after_restore(&w).contains("Ona connection created"));
}

#[test]
fn panic_in_the_ui_thread_restores_the_terminal_and_exits_101() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn_in_shell(&home, &sandbox, &[("ONA_CONNECT_TEST_PANIC", "ui")]);
    w.wait_for("Sign in to Infisical");
    wait_raw(&w);
    w.send("x");
    assert_eq!(w.exit_code(), 101);
    assert_restored(&w);
    assert_stty_unchanged(&w, 101);
    let tail = tail_after_restore(&w);
    assert!(tail.contains("test panic in the UI thread"), "{tail:?}");
    assert!(tail.contains("ona-connect: internal error"), "{tail:?}");
    assert!(
        !tail.contains('\x1b'),
        "escape sequences after restoring: {tail:?}"
    );
}

#[test]
fn panic_in_a_task_restores_the_terminal_and_ends_the_program_by_itself() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn_in_shell(&home, &sandbox, &[("ONA_CONNECT_TEST_PANIC", "task")]);
    w.wait_for("Sign in to Infisical");
    let pid = w.app_pid();
    // The task panics ~300 ms after the first frame; nobody touches a key, so the program can
    // only end by itself (`timeout()` is a hang guard, not the claim).
    wait_ended(pid, timeout(), "after a panic in a task");
    assert_eq!(w.exit_code(), 101);
    assert_restored(&w);
    assert_stty_unchanged(&w, 101);
    let tail = tail_after_restore(&w);
    assert!(tail.contains("test panic in a task"), "{tail:?}");
    assert!(tail.contains("ona-connect: internal error"), "{tail:?}");
}

/// Sends `signal` to the wizard (not to the shell around it) on its first screen; checks that
/// it ends without burning CPU while it does, with `status`, and leaves the terminal as it was.
/// (The wait for the end is a hang guard, scaled like every limit.)
fn signal_restores(name: &str, status: u32) {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn_in_shell(&home, &sandbox, &[]);
    w.wait_for(&format!("✓ Signed in to {}", sandbox.url()));
    wait_raw(&w);
    let pid = w.app_pid();
    signal(pid, name);
    let (_, ticks) = wait_ended(pid, timeout(), &format!("after SIG{name}"));
    assert!(ticks < SPIN_TICKS, "used {ticks} CPU ticks after SIG{name}");
    assert_eq!(w.exit_code(), status, "exit status after SIG{name}");
    assert_restored(&w);
    assert_stty_unchanged(&w, status);
    assert!(!tail_after_restore(&w).contains('\x1b'));
    assert_eq!(create_posts(&sandbox), 0);
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_restores("TERM", 143);
}

#[test]
fn sigint_as_a_signal_restores_the_terminal_and_exits_130() {
    signal_restores("INT", 130);
}

#[test]
fn sighup_exits_129_promptly_without_spinning() {
    signal_restores("HUP", 129);
}

/// Closes the master while the wizard waits on its form, as a terminal window being closed
/// or an SSH connection dropping does: the program must end promptly without spinning.
fn closing_the_master_ends_the_program(in_shell: bool) {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = if in_shell {
        spawn_in_shell(&home, &sandbox, &[])
    } else {
        spawn(&home, &sandbox, &[])
    };
    to_form(&mut w, &sandbox);
    wait_raw(&w);
    let pid = w.app_pid();
    w.close_master();
    let (_, ticks) = wait_ended(pid, timeout(), "after the master was closed");
    assert!(
        ticks < SPIN_TICKS,
        "used {ticks} CPU ticks after the terminal went away"
    );
    let code = w.exit_code();
    if !in_shell {
        // The session leader gets SIGHUP from the kernel and leaves as for a signal. (Under
        // the shell, the status is the shell's, which the hang-up killed.)
        assert_eq!(code, 129, "exit status after the terminal went away");
    }
    assert_eq!(create_posts(&sandbox), 0);
}

#[test]
fn closing_the_terminal_ends_the_program_promptly() {
    closing_the_master_ends_the_program(false);
}

#[test]
fn closing_the_terminal_under_a_shell_ends_the_program_promptly() {
    closing_the_master_ends_the_program(true);
}

/// Ctrl-C, confirmed: exit status 130.
fn quit(w: &mut Wizard) {
    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
}

// ---------------------------------------------------------------------------------------
// 2. Job control: stopped with the terminal as it was found, taken back on SIGCONT.

/// To the form, then a description and part of a token typed: values a stop must keep.
/// Returns the wizard's pid.
fn half_filled_form(w: &mut Wizard, sandbox: &Sandbox) -> u32 {
    to_form(w, sandbox);
    wait_raw(w);
    w.send(BACKTAB);
    w.send("kept-across-fg");
    w.wait_for("kept-across-fg");
    w.send(TAB);
    w.send("part");
    wait_token(w, 4);
    w.app_pid()
}

/// On the form with a description and part of a token typed, SIGTSTP stops the wizard: while
/// it is stopped the terminal is as the shell left it (the same `stty -g`, main screen,
/// cursor shown, bracketed paste off); SIGCONT takes it back (raw mode, alternate screen,
/// bracketed paste), redraws the whole screen with every value kept, and a token pasted then
/// is masked.
#[test]
fn sigtstp_stops_with_the_terminal_restored_and_sigcont_takes_it_back() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn_in_shell(&home, &sandbox, &[]);
    let pid = half_filled_form(&mut w, &sandbox);
    let found = stty_snapshots(&w.transcript())[0].clone();

    signal(pid, "TSTP");
    eventually("the wizard stopped", || stopped(pid));
    eventually("the terminal restored while stopped", || {
        w.modes() == (false, false, false)
    });
    assert_eq!(w.raw_mode(), Some(false), "raw mode while stopped");
    assert_eq!(stty_of(pid), found, "terminal settings while stopped");
    assert!(stopped(pid), "it must stay stopped until continued");

    let before = w.transcript().len();
    signal(pid, "CONT");
    wait_raw(&w);
    eventually("the alternate screen and bracketed paste again", || {
        let (alternate, paste, _) = w.modes();
        alternate && paste
    });
    eventually("the whole screen drawn again", || {
        let t = w.transcript();
        [
            "Connection details",
            "kept-across-fg",
            "Personal Access Token",
        ]
        .iter()
        .all(|text| contains_bytes(&t[before..], text.as_bytes()))
    });
    let screen = wait_token(&mut w, 4);
    assert!(screen.contains("kept-across-fg"), "{screen}");

    w.send(CTRL_U);
    wait_token(&mut w, 0);
    w.paste(demo::ONA_PAT);
    wait_token(&mut w, demo::ONA_PAT.len());
    assert_never_shown(&w.transcript(), demo::ONA_PAT);
    quit(&mut w);
    assert_restored(&w);
    assert_stty_unchanged(&w, 130);
    assert_eq!(create_posts(&sandbox), 0);
}

/// Ctrl-Z under an interactive shell with job control, as people use it: the shell reports
/// the job stopped on the main screen, `fg` brings back the wizard with every value kept.
#[test]
fn ctrl_z_under_a_shell_stops_and_fg_comes_back_with_every_value() {
    let sandbox = sandbox();
    let home = Home::new();
    // No line editing: readline would switch bracketed paste on for its own prompt.
    let mut env = env(&[("PS1", "shell$ ")]);
    env.push(("HISTFILE", "/dev/null"));
    let mut w = Wizard::spawn_program(
        &home,
        "/bin/bash",
        &["--norc", "--noprofile", "--noediting", "-i"],
        &env,
        None,
    );
    w.wait_for("shell$ ");
    let mut command = vec![BIN.to_string()];
    command.extend(args(&home, &sandbox));
    w.send(&format!("{}\r", command.join(" ")));
    let pid = half_filled_form(&mut w, &sandbox);

    w.send(CTRL_Z);
    eventually("the wizard stopped", || stopped(pid));
    let screen = w.wait_for("Stopped");
    assert!(
        screen.contains("shell$ "),
        "the shell has the terminal:\n{screen}"
    );
    assert_eq!(
        w.modes(),
        (false, false, false),
        "the terminal while stopped"
    );
    assert_eq!(w.raw_mode(), Some(false), "raw mode while stopped");

    let before = w.transcript().len();
    w.send("fg\r");
    wait_raw(&w);
    eventually("the alternate screen and bracketed paste again", || {
        let (alternate, paste, _) = w.modes();
        alternate && paste
    });
    eventually("the whole screen drawn again", || {
        contains_bytes(&w.transcript()[before..], b"kept-across-fg")
    });
    wait_token(&mut w, 4);
    w.send(CTRL_U);
    wait_token(&mut w, 0);
    w.paste(demo::ONA_PAT);
    wait_token(&mut w, demo::ONA_PAT.len());
    assert_never_shown(&w.transcript(), demo::ONA_PAT);
    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    wait_ended(pid, timeout(), "after quitting");
    w.wait_for("shell$ ");
    w.send("exit 0\r");
    assert_eq!(w.exit_code(), 0);
    assert_restored(&w);
    assert_eq!(create_posts(&sandbox), 0);
}

/// Where no shell could bring it back (the wizard leads its own session), Ctrl-Z is ignored
/// as the kernel ignores it there, instead of stopping the program for good.
#[test]
fn ctrl_z_without_a_shell_to_come_back_to_is_ignored() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn(&home, &sandbox, &[]);
    to_form(&mut w, &sandbox);
    let pid = w.app_pid();
    w.send(CTRL_Z);
    // A key after it is handled: by then a stop would have happened.
    w.send("x");
    wait_token(&mut w, 1);
    assert!(!stopped(pid));
    assert_eq!(w.raw_mode(), Some(true));
    quit(&mut w);
}

// ---------------------------------------------------------------------------------------
// 3. Hostile pastes.

/// Waits for the token field to hold `n` characters (mask and counter).
fn wait_token(w: &mut Wizard, n: usize) -> String {
    let mask = "•".repeat(n);
    let count = format!("{n} characters");
    w.wait_until(&format!("a token of {n} characters"), |s| {
        s.contains(&count) && (n == 0 || s.contains(&mask))
    })
}

#[test]
fn hostile_pastes_are_refused_and_leave_the_token_as_it_was() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn(&home, &sandbox, &[]);
    to_form(&mut w, &sandbox);

    let huge = "A".repeat(1 << 20);
    let cases: [(&str, &[u8]); 6] = [
        ("multi-line", b"first line\r\nsecond line\nthird"),
        ("1 MB", huge.as_bytes()),
        ("SGR escape", b"tok\x1b[31mred\x1b[0men"),
        ("title escape", b"tok\x1b]0;pwned title\x07en"),
        ("NUL", b"tok\0en"),
        ("invalid UTF-8", b"tok\xff\xfe\xc3en"),
    ];
    for (what, bytes) in cases {
        // A known field: "abc" typed, no notice left from the previous case.
        w.send(CTRL_U);
        w.send("abc");
        let screen = wait_token(&mut w, 3);
        assert!(
            !screen.contains("refused the paste"),
            "{what}: stale notice"
        );

        let mut paste = b"\x1b[200~".to_vec();
        paste.extend_from_slice(bytes);
        paste.extend_from_slice(b"\x1b[201~");
        w.send_bytes(&paste);
        let screen = w.wait_until(&format!("the {what} paste refused"), |s| {
            s.contains("refused the paste")
        });
        assert!(screen.contains("Connection details"), "{what}:\n{screen}");
        assert!(
            screen.contains("3 characters") && screen.contains("•••"),
            "{what}: the token changed:\n{screen}"
        );
        assert!(
            !screen.contains("••••"),
            "{what}: the token grew:\n{screen}"
        );

        // Still alive and handling keys, on the same screen.
        w.send("x");
        let screen = wait_token(&mut w, 4);
        assert!(screen.contains("Connection details"), "{what}:\n{screen}");
        assert!(
            !screen.contains("Nothing has been sent yet"),
            "{what}: on Review:\n{screen}"
        );
    }
    let t = w.transcript();
    assert!(
        !contains_bytes(&t, b"pwned title"),
        "the pasted title reached the terminal"
    );
    assert!(!contains_bytes(&t, b"second line"));
    assert_eq!(create_posts(&sandbox), 0, "a create was sent");

    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
    assert_eq!(create_posts(&sandbox), 0, "a create was sent");
    assert!(sandbox.connections().is_empty());
}

/// tmux 3.3 passes an end-of-paste marker inside pasted text through: crossterm would end
/// the paste there and read the rest as keys (`\r\r`: Enter on the form, Enter on Review,
/// a connection created with no key pressed). Through the real key reader, everything that
/// comes with the paste is text of it: refused whole in a one-line field, trimmed in the token.
#[test]
fn an_end_of_paste_marker_inside_a_paste_never_becomes_keys() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn(&home, &sandbox, &[]);
    to_form(&mut w, &sandbox);
    w.send(BACKTAB);
    eventually("the cursor in Description", || {
        row_of(&w.screen(), "Description").map(|r| r as u16 + 1) == Some(w.cursor().0)
    });
    // The Enters are the paste's trailing line break, trimmed like any.
    w.send_bytes(b"\x1b[200~desc\x1b[201~\r\r\x1b[201~");
    let screen = w.wait_for("optional · 4/256");
    assert!(screen.contains("❯ desc"), "{screen}");
    // With text after them, the paste has two lines: refused whole.
    w.send(CTRL_U);
    w.send_bytes(b"\x1b[200~desc\x1b[201~\r\rsecond\x1b[201~");
    let screen = w.wait_for("refused the paste: this field is one line");
    assert!(
        screen.contains("optional · 0/256"),
        "the description changed:\n{screen}"
    );
    // Keys (arrows, Tab) after the marker are characters of the paste too.
    w.send_bytes(b"\x1b[200~desc\x1b[201~\x1b[B\x1b[Bx\t\x1b[201~");
    w.wait_for("refused the paste: it held control characters");
    let screen = w.wait_for("optional · 0/256");
    assert!(screen.contains("Connection details"), "{screen}");

    w.send(TAB);
    let pasted = format!("\x1b[200~{}\x1b[201~\r\r\x1b[201~", demo::ONA_PAT);
    w.send(&pasted);
    wait_token(&mut w, demo::ONA_PAT.len());
    // A key typed afterwards is handled after the paste, still on the form.
    w.send(BACKTAB);
    w.send("z");
    let screen = w.wait_for("optional · 1/256");
    assert!(screen.contains("Connection details"), "{screen}");
    assert!(!screen.contains("Nothing has been sent yet"), "{screen}");
    assert_eq!(create_posts(&sandbox), 0, "a paste sent a create");
    quit(&mut w);
    assert_eq!(create_posts(&sandbox), 0, "a paste sent a create");
}

// ---------------------------------------------------------------------------------------
// 4. Links: copied with OSC 52 (wrapped under tmux), opened only where a browser can be.

fn copy_both_links(extra_env: &[(&str, &str)], wrap: fn(&str) -> String) {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = spawn(&home, &sandbox, extra_env);
    to_guide(&mut w, &sandbox);
    for url in [ONA_URL, DOCS_URL] {
        let osc52 = wrap(&format!("\x1b]52;c;{}\x07", base64(url.as_bytes())));
        assert!(!contains_bytes(&w.transcript(), osc52.as_bytes()));
        w.send("c");
        w.wait_for("copied the link");
        w.wait_for_output(osc52.as_bytes(), &format!("OSC 52 for {url}"));
        // The next link; choosing it clears the notice.
        w.send(DOWN);
        w.wait_until("the notice cleared", |s| !s.contains("copied the link"));
    }
    quit(&mut w);
}

#[test]
fn c_copies_each_link_with_osc52() {
    copy_both_links(&[], |s| s.to_string());
}

#[test]
fn c_copies_through_tmux_wrapped() {
    copy_both_links(&[("TMUX", "/tmp/tmux-1000/default,1234,0")], |s| {
        format!("\x1bPtmux;{}\x1b\\", s.replace('\x1b', "\x1b\x1b"))
    });
}

/// A fake `xdg-open` that records its arguments in a marker file.
fn fake_browser(home: &Home) -> std::path::PathBuf {
    let marker = home.path().join("xdg-open-ran");
    home.fake_command(
        "xdg-open",
        &format!("printf '%s\\n' \"$@\" > '{}'", marker.display()),
    );
    marker
}

#[test]
fn o_over_ssh_explains_and_starts_nothing() {
    let sandbox = sandbox();
    let home = Home::new();
    let marker = fake_browser(&home);
    let mut w = spawn(
        &home,
        &sandbox,
        &[
            ("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22"),
            ("DISPLAY", ":0"),
        ],
    );
    to_guide(&mut w, &sandbox);
    w.send("o");
    let screen = w.wait_for("cannot open a browser");
    assert!(screen.contains("SSH"), "{screen}");
    // A later key is handled after it: by then anything `o` started would have run.
    w.send("c");
    let screen = w.wait_for("copied the link");
    assert!(!screen.contains("opening the link"), "{screen}");
    // The runtime waits for its blocking tasks before the process ends: an opener started by
    // `o` would have run by the time the exit status is known.
    quit(&mut w);
    assert!(!marker.exists(), "xdg-open ran over SSH");
}

#[test]
fn o_with_a_display_runs_the_opener_with_the_url() {
    let sandbox = sandbox();
    let home = Home::new();
    let marker = fake_browser(&home);
    let mut w = spawn(&home, &sandbox, &[("DISPLAY", ":0")]);
    to_guide(&mut w, &sandbox);
    w.send("o");
    w.wait_for("opened the link in your browser");
    let args = std::fs::read_to_string(&marker).expect("xdg-open ran");
    assert_eq!(args, format!("{ONA_URL}\n"));
    quit(&mut w);
}
