//! The background query, with the real binary in a pseudo-terminal that answers it as a
//! terminal does: the palette follows the answer (or its fallback), the first frame does not
//! wait for it, and no key typed before, during or after it is lost or misread, however late
//! the answer comes. Linux only, as `tests/terminal.rs`.

#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::*;
use vt100::Color;

const LEFT: &str = "\x1b[D";
/// The title's colour in the dark and light palettes (their accent).
const DARK_ACCENT: Color = Color::Idx(81);
const LIGHT_ACCENT: Color = Color::Idx(24);
/// Over SSH the wizard waits 1 s for an answer before it falls back.
const SSH: (&str, &str) = ("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22");

fn title_colour(w: &Wizard) -> Option<Color> {
    w.colours_of("Sign in to Infisical").map(|(fg, _)| fg)
}

fn wait_title_colour(w: &Wizard, colour: Color) {
    eventually(&format!("the title in {colour:?}"), || {
        title_colour(w) == Some(colour)
    });
}

fn first_frame(w: &mut Wizard) {
    w.wait_for("Sign in to Infisical");
    w.wait_for("Ctrl-C quit");
}

/// The answer's bytes, or any part of them, never show up on the screen as typed text.
fn assert_no_answer_on_screen(w: &Wizard) {
    let screen = w.screen();
    for piece in ["11;", "rgb", "ffff", "62;22"] {
        assert!(!screen.contains(piece), "{piece:?} on screen:\n{screen}");
    }
}

#[test]
fn the_palette_follows_the_background_the_terminal_answers_with() {
    for (background, env, accent) in [
        (Some(Answers::DARK), vec![], DARK_ACCENT),
        (Some(Answers::LIGHT), vec![], LIGHT_ACCENT),
        // A terminal without OSC 11 answers only DA1: COLORFGBG (light) is used at once.
        (None, vec![("COLORFGBG", "0;15")], LIGHT_ACCENT),
        // The answer wins over COLORFGBG, which a terminal multiplexer may have passed on stale.
        (
            Some(Answers::DARK),
            vec![("COLORFGBG", "0;15")],
            DARK_ACCENT,
        ),
    ] {
        let home = Home::new();
        let answers = Answers {
            background,
            delay: Duration::ZERO,
        };
        let mut w = Wizard::spawn_answering(&home, &["demo"], &env, answers);
        first_frame(&mut w);
        wait_title_colour(&w, accent);
        assert_no_answer_on_screen(&w);
        quit(&mut w);
    }
}

#[test]
fn with_no_color_nothing_is_asked_and_nothing_is_coloured() {
    let home = Home::new();
    let answers = Answers::at_once(Answers::LIGHT);
    let mut w = Wizard::spawn_answering(&home, &["demo"], &[("NO_COLOR", "1")], answers);
    first_frame(&mut w);
    // A key's redraw comes after anything the first frame could have started.
    w.send(LEFT);
    w.wait_for("‹ EU cloud ›");
    assert!(!contains_bytes(&w.transcript(), b"\x1b]11;?"));
    assert_eq!(title_colour(&w), Some(Color::Default));
    quit(&mut w);
}

/// The first frame is drawn before the answer, in the terminal's own colours (readable on
/// any background); a key typed before it (typeahead) and one typed while the answer is on
/// its way are both handled, and the answer then brings the palette.
#[test]
fn keys_typed_before_the_first_frame_and_before_the_answer_are_handled() {
    let home = Home::new();
    let mut w = Wizard::spawn(&home, &["demo"], &[SSH]);
    w.send(LEFT);
    first_frame(&mut w);
    w.wait_for("‹ EU cloud ›");
    w.send(LEFT);
    w.wait_for("‹ US cloud ›");
    assert_eq!(title_colour(&w), Some(Color::Default), "{}", w.screen());

    w.send_bytes(&Answers::at_once(Answers::LIGHT).bytes());
    wait_title_colour(&w, LIGHT_ACCENT);
    assert_no_answer_on_screen(&w);
    // The answer moved nothing, and keys after it are keys.
    assert!(w.screen().contains("‹ US cloud ›"), "{}", w.screen());
    w.send("\x1b[C");
    w.wait_for("‹ EU cloud ›");
    quit(&mut w);
}

/// An answer that comes after the wizard stopped waiting for it (a slow link, a busy
/// terminal) is still an answer: applied, and never typed into the focused field.
#[test]
fn a_late_answer_is_applied_and_never_typed_into_a_field() {
    let home = Home::new();
    let mut w = Wizard::spawn(&home, &["demo"], &[]);
    first_frame(&mut w);
    // The URL field (Self-hosted is the demo's host), with a character typed into it.
    w.send(TAB);
    w.send("x");
    let url_line = |s: &str| {
        s.lines()
            .find(|l| l.contains("URL"))
            .unwrap_or_default()
            .trim_end_matches([' ', '│'])
            .to_string()
    };
    w.wait_until("x in the URL field", |s| url_line(s).ends_with('x'));
    let before = url_line(&w.screen());
    // Past the 150 ms the wizard waits for an answer outside SSH.
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(title_colour(&w), Some(Color::Default));

    w.send_bytes(&Answers::at_once(Answers::DARK).bytes());
    wait_title_colour(&w, DARK_ACCENT);
    assert_no_answer_on_screen(&w);
    assert_eq!(url_line(&w.screen()), before);
    w.send("y");
    w.wait_until("y after x", |s| url_line(s).ends_with("xy"));
    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
}

/// Ctrl-C on the sign-in screen: nothing to lose, so no question.
fn quit(w: &mut Wizard) {
    w.send(CTRL_C);
    assert_eq!(w.exit_code(), 130);
}
