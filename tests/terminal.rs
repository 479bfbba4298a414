//! The real binary in a pseudo-terminal: the terminal is restored on every way out (exit,
//! panics, signals), hostile pastes are refused without harm, and links are copied with OSC 52
//! or opened only where a browser can run.

mod common;

use std::time::{Duration, Instant};

use common::{CTRL_U, DOWN, ENTER, Home, Wizard};
use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};

fn ua() -> [(&'static str, &'static str); 2] {
    [
        ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID),
        (
            "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
            demo::CLIENT_SECRET,
        ),
    ]
}

/// The wizard signed in against `sb`, on the first screen.
fn start(sb: &Sandbox, home: &Home, extra_env: &[(&str, &str)]) -> Wizard {
    let mut env: Vec<(&str, &str)> = ua().to_vec();
    env.extend_from_slice(extra_env);
    let site = sb.url();
    let mut w = Wizard::spawn(home, &["--domain", &site, "--skip-ona-check"], &env);
    w.wait_for("Signed in to");
    w
}

/// After exit: each mode the wizard turned on was turned off afterwards.
fn assert_restored(w: &Wizard) {
    let t = w.transcript();
    for (on, off) in [
        (&b"\x1b[?1049h"[..], &b"\x1b[?1049l"[..]),
        (b"\x1b[?2004h", b"\x1b[?2004l"),
        (b"\x1b[?25l", b"\x1b[?25h"),
    ] {
        let last_on = common::rfind_bytes(&t, on);
        let last_off = common::rfind_bytes(&t, off);
        assert!(
            last_off.is_some() && last_off > last_on,
            "{:?} was not undone",
            String::from_utf8_lossy(on)
        );
    }
    // Mouse capture is never turned on, and the restore turns it off anyway.
    assert!(common::contains_bytes(&t, b"\x1b[?1000l"));
    let (alternate, paste, hidden) = w.modes();
    assert!(!alternate && !paste && !hidden);
}

/// Waits for an exit within `limit`, checking the process does not spin meanwhile.
fn exits_promptly(w: &mut Wizard, limit: Duration) -> u32 {
    let started = Instant::now();
    let ticks = w.cpu_ticks();
    while !w.has_exited() {
        assert!(started.elapsed() < limit, "still running after {limit:?}");
        if let (Some(before), Some(now)) = (ticks, w.cpu_ticks()) {
            assert!(now - before < 100, "spinning: {} ticks", now - before);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    w.exit_code()
}

#[test]
fn a_normal_exit_restores_the_terminal() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = start(&sb, &home, &[]);
    for _ in 0..5 {
        w.send(ENTER);
    }
    w.wait_for("Connection details");
    w.paste(demo::ONA_PAT);
    w.wait_for("37 characters");
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.send(ENTER);
    w.wait_for("Connection created");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    assert_restored(&w);
}

#[test]
fn a_panic_in_the_ui_thread_restores_the_terminal_and_exits_101() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = start(&sb, &home, &[("ONA_CONNECT_TEST_PANIC", "ui")]);
    w.send(ENTER);
    assert_eq!(exits_promptly(&mut w, Duration::from_secs(5)), 101);
    assert_restored(&w);
    assert!(common::contains_bytes(
        &w.transcript(),
        b"internal error; the terminal was restored"
    ));
}

#[test]
fn a_panic_in_a_background_task_ends_the_program() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = start(&sb, &home, &[("ONA_CONNECT_TEST_PANIC", "task")]);
    assert_eq!(exits_promptly(&mut w, Duration::from_secs(3)), 101);
    assert_restored(&w);
}

#[test]
fn signals_restore_the_terminal_and_exit_with_their_status() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    for (signal, status) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        let home = Home::new();
        let mut w = start(&sb, &home, &[]);
        w.send(ENTER);
        w.wait_for("Open your user settings on Ona");
        w.signal(signal);
        assert_eq!(
            exits_promptly(&mut w, Duration::from_secs(2)),
            status,
            "SIG{signal}"
        );
        assert_restored(&w);
    }
}

#[test]
fn hostile_pastes_are_refused_and_nothing_breaks() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = start(&sb, &home, &[]);
    for _ in 0..5 {
        w.send(ENTER);
    }
    w.wait_for("Connection details");
    let megabyte = "x".repeat(1024 * 1024);
    let hostile: [&[u8]; 5] = [
        b"line one\nline two",
        megabyte.as_bytes(),
        b"abc\x1b[31mred\x1b]0;title\x07",
        b"nul\0byte",
        b"ok\xff\xfe invalid UTF-8",
    ];
    for paste in hostile {
        // A keystroke clears the previous notice, so each refusal is seen anew.
        w.send("a\x7f");
        w.wait_for("masked · Ctrl-R reveals");
        w.send_bytes(b"\x1b[200~");
        w.send_bytes(paste);
        w.send_bytes(b"\x1b[201~");
        let screen = w.wait_until("the paste handled", |s| {
            s.contains("refused the paste") || s.contains("pasted ")
        });
        if screen.contains("pasted ") {
            // Invalid UTF-8 reaches us as replacement characters: one printable line, allowed.
            assert!(
                paste.starts_with(b"ok"),
                "accepted a hostile paste: {screen}"
            );
            w.send(CTRL_U);
        }
        w.wait_for(" 0 characters");
    }
    // Still alive and responsive: a real token goes in and the form moves on.
    w.send(CTRL_U);
    w.paste(demo::ONA_PAT);
    w.wait_for("37 characters");
    assert!(
        w.screen().contains("Connection details"),
        "nothing submitted by accident"
    );
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.contains("app-connections"))
            .count(),
        0
    );
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.send("\x03");
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
}

fn osc52(text: &str) -> Vec<u8> {
    format!("\x1b]52;c;{}\x07", common::base64(text.as_bytes())).into_bytes()
}

#[test]
fn c_copies_the_link_with_osc52_plain_and_through_tmux() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = start(&sb, &home, &[]);
    w.send(ENTER);
    w.wait_for("Open your user settings on Ona");
    w.send("c");
    w.wait_for("copied the link");
    assert!(common::contains_bytes(
        &w.transcript(),
        &osc52("https://app.ona.com")
    ));
    w.send(DOWN);
    w.send("c");
    let docs = "https://ona.com/docs/ona/integrations/personal-access-token";
    w.wait_until("the docs link copied", |_| true);
    let deadline = Instant::now() + common::timeout();
    while !common::contains_bytes(&w.transcript(), &osc52(docs)) {
        assert!(Instant::now() < deadline, "no OSC 52 with the docs URL");
        std::thread::sleep(Duration::from_millis(20));
    }

    let home = Home::new();
    let mut t = start(&sb, &home, &[("TMUX", "/tmp/tmux-0/default,1,0")]);
    t.send(ENTER);
    t.wait_for("Open your user settings on Ona");
    t.send("c");
    t.wait_for("copied the link");
    let inner = format!(
        "\x1b\x1b]52;c;{}\x07",
        common::base64(b"https://app.ona.com")
    );
    let wrapped = format!("\x1bPtmux;{inner}\x1b\\");
    assert!(common::contains_bytes(&t.transcript(), wrapped.as_bytes()));
}

#[test]
fn o_opens_a_browser_only_where_one_can_run() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    for (env, expect_open) in [
        (
            vec![
                ("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
                ("DISPLAY", ":0"),
            ],
            false,
        ),
        (vec![("DISPLAY", ":0")], true),
    ] {
        let home = Home::new();
        let marker = home.path().join("opened");
        home.fake_command(
            "xdg-open",
            &format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", marker.display()),
        );
        let mut w = start(&sb, &home, &env);
        w.send(ENTER);
        w.wait_for("Open your user settings on Ona");
        w.send("o");
        if expect_open {
            w.wait_for("opened the link in your browser");
            assert_eq!(
                std::fs::read_to_string(&marker).unwrap(),
                "https://app.ona.com"
            );
        } else {
            w.wait_for("cannot open a browser");
            assert!(w.screen().contains("SSH"));
            std::thread::sleep(Duration::from_millis(200));
            assert!(!marker.exists(), "a browser was started over SSH");
        }
    }
}
