use super::*;
use crate::wizard::Viewport;

fn at_review() -> State {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    s
}

fn reported(s: &mut State, hidden: usize, page: usize) {
    update(s, Msg::Viewport(Viewport { hidden, page }));
}

#[test]
fn scrolling_stays_within_what_the_frame_showed() {
    let mut s = at_review();
    reported(&mut s, 5, 15);
    key(&mut s, Intent::ScrollDown);
    assert_eq!(s.scroll(), 1);
    // A page keeps one row of the previous one in sight, and never passes the end.
    key(&mut s, Intent::PageDown);
    assert_eq!(s.scroll(), 5);
    key(&mut s, Intent::ScrollDown);
    assert_eq!(s.scroll(), 5, "past the end: nothing more to show");
    key(&mut s, Intent::ScrollUp);
    assert_eq!(s.scroll(), 4);
    key(&mut s, Intent::PageUp);
    assert_eq!(s.scroll(), 0);
    // A larger window (resize) shows more at once: the offset shrinks with it.
    key(&mut s, Intent::PageDown);
    reported(&mut s, 2, 18);
    assert_eq!(s.scroll(), 2);
    reported(&mut s, 0, 0);
    assert_eq!(s.scroll(), 0);
}

#[test]
fn another_screen_or_field_starts_at_the_top() {
    let mut s = at_review();
    reported(&mut s, 5, 15);
    key(&mut s, Intent::PageDown);
    assert!(s.scroll() > 0);
    key(&mut s, Intent::Back);
    assert_eq!(
        (s.screen(), s.scroll(), s.viewport()),
        (Screen::Form, 0, None)
    );
    reported(&mut s, 4, 15);
    key(&mut s, Intent::PageDown);
    assert_eq!(s.scroll(), 4);
    key(&mut s, Intent::FocusNext);
    assert_eq!(
        s.scroll(),
        0,
        "the newly focused field is brought into sight"
    );
}

#[test]
fn help_scrolls_and_other_keys_still_close_it() {
    let mut s = at_review();
    key(&mut s, Intent::Help);
    reported(&mut s, 3, 10);
    key(&mut s, Intent::ScrollDown);
    assert_eq!((s.overlay(), s.scroll()), (Overlay::Help, 1));
    key(&mut s, Intent::Next);
    assert_eq!((s.overlay(), s.screen()), (Overlay::None, Screen::Review));
}

#[test]
fn the_keys_scroll_where_arrows_are_free_and_pages_everywhere() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let press = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let s = at_review();
    assert_eq!(
        intent_for(&s, press(KeyCode::Down)),
        Some(Intent::ScrollDown)
    );
    assert_eq!(
        intent_for(&s, press(KeyCode::PageDown)),
        Some(Intent::PageDown)
    );
    // On the form the arrows choose a project; pages still scroll.
    let s = at_form();
    assert_eq!(intent_for(&s, press(KeyCode::Down)), Some(Intent::Down));
    assert_eq!(intent_for(&s, press(KeyCode::PageUp)), Some(Intent::PageUp));
}
