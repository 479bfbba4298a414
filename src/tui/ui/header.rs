//! The header row (what this is, which step) and the help bar (the keys of this screen, from
//! the wizard's keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::widgets::draw_lines;
use super::{Theme, split_right};
use crate::guide;
use crate::sanitize::for_terminal;
use crate::wizard::{Screen, State, keymap};

pub fn screen_title(state: &State) -> String {
    if let Some(r) = state.rotation() {
        let target = || {
            r.target
                .as_ref()
                .map_or_else(String::new, |t| for_terminal(&t.name, 64))
        };
        match state.screen() {
            Screen::PickConnection => return "Choose the connection".into(),
            Screen::Form => return format!("New token for {}", target()),
            Screen::Review => return "Review the rotation".into(),
            Screen::Submitting => return "Replacing the token".into(),
            Screen::Done => return "Token replaced".into(),
            _ => {}
        }
    }
    match state.screen() {
        Screen::SignIn => "Sign in to Infisical".into(),
        Screen::PickConnection => "Choose the connection".into(),
        Screen::Guide(i) => guide::steps()
            .get(i)
            .map_or_else(String::new, |s| s.title.clone()),
        Screen::Form => "Connection details".into(),
        Screen::Review => "Review".into(),
        Screen::Submitting => "Creating the connection".into(),
        Screen::Done => "Connection created".into(),
    }
}

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let (i, n) = state.step();
    let step = format!(" step {i} of {n} ");
    let mut left = vec![Span::styled(" ona-connect ", theme.title())];
    let demo = state.demo().is_some();
    let subtitle = "Ona connection for Infisical";
    let badge = if demo { 2 + " DEMO ".len() } else { 0 };
    // The subtitle is what goes when the row is short; the step and the badge stay.
    let fits = " ona-connect ".len() + subtitle.len() + badge + step.len() <= area.width as usize;
    if fits {
        left.push(Span::styled(subtitle, theme.dim()));
    }
    if demo {
        left.push(Span::raw("  "));
        left.push(Span::styled(" DEMO ", theme.badge()));
    }
    let (l, r) = split_right(area, step.chars().count() as u16);
    draw_lines(frame, l, &[Line::from(left)]);
    draw_lines(frame, r, &[Span::styled(step, theme.label()).into()]);
}

/// The keys that work on this screen, most important first.
pub fn help_bar(state: &State, theme: Theme, width: u16) -> Line<'static> {
    let (mut keys, screen_keys) = keymap::bar(state);
    // Narrow terminals lose the least important screen keys first; F1 lists them all.
    let fits = |keys: &[(&str, &str)]| {
        keys.iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 4)
            .sum::<usize>()
            < width as usize
    };
    let mut drop_at = screen_keys;
    while !fits(&keys) && drop_at > 1 {
        drop_at -= 1;
        keys.remove(drop_at);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in keys.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(key.to_string(), theme.label()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}
