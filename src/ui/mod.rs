//! Rendering: a pure function of the wizard's state. Nothing here knows about tasks,
//! files or the network, and secret fields are only ever drawn as masks.

pub mod qr;
mod screens;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub use screens::{connections_page, equivalent_command, rotate_command, summary_lines};
pub use theme::Theme;

use crate::guide;
use crate::wizard::{Field, Mode, Overlay, Screen, SignInField, State};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

pub const MASK: char = '•';
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(state: &State, theme: Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = vec![
            Line::styled("Terminal too small", theme.error()),
            Line::raw(format!(
                "ona-connect needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}.",
                area.width, area.height
            )),
            Line::raw("Enlarge the window (nothing you typed is lost)."),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let (header, rest) = split_top(area, 1);
    let (body, footer) = split_bottom(rest, 1);
    render_header(state, theme, frame, header);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(
            format!(" {} ", screen_title(state)),
            theme.title(),
        ));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    let rotating = state.mode == Mode::Rotate;
    match state.screen {
        Screen::SignIn => screens::sign_in(state, theme, frame, inner),
        Screen::PickConnection => screens::pick_connection(state, theme, frame, inner),
        Screen::Form if rotating => screens::rotation_form(state, theme, frame, inner),
        Screen::Review if rotating => screens::rotation_review(state, theme, frame, inner),
        Screen::Done if rotating => screens::rotated(state, theme, frame, inner),
        Screen::Guide(i) => screens::guide(state, theme, frame, inner, i),
        Screen::Form => screens::form(state, theme, frame, inner),
        Screen::Review => screens::review(state, theme, frame, inner),
        Screen::Submitting => screens::submitting(state, theme, frame, inner),
        Screen::Done => screens::done(state, theme, frame, inner),
    }
    frame.render_widget(Paragraph::new(help_bar(state, theme, footer.width)), footer);
    match state.overlay {
        Overlay::None => {}
        Overlay::Help => render_help(state, theme, frame, area),
        Overlay::ConfirmQuit => render_confirm_quit(state, theme, frame, area),
        Overlay::PickToken => render_pick_token(state, theme, frame, area),
    }
}

fn render_pick_token(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    use crate::wizard::{ExpiryState, OnaCheck};
    let OnaCheck::Valid {
        expiry: ExpiryState::Choosing(candidates),
        ..
    } = &state.form.ona
    else {
        return;
    };
    let mut lines = vec![
        Line::styled("Which of your Ona tokens did you paste?", theme.title()),
        Line::raw("Ona cannot say which one it is; choose it to see when it expires."),
        Line::raw(""),
    ];
    for (i, c) in candidates.iter().enumerate().take(12) {
        let selected = i == state.form.pat_cursor;
        let text = format!(
            "{} {:<28} {}",
            if selected { "›" } else { " " },
            c.description,
            c.text()
        );
        lines.push(Line::styled(
            text,
            if selected {
                theme.selected()
            } else {
                Style::default()
            },
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "↑/↓ choose · Enter select · Esc skip (the expiry stays unknown)",
        theme.dim(),
    ));
    let r = popup(area, 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_type(BorderType::Double)),
        r,
    );
}

pub fn screen_title(state: &State) -> String {
    let target = || {
        state
            .rotation
            .target
            .as_ref()
            .map_or_else(String::new, |t| crate::sanitize::for_terminal(&t.name, 64))
    };
    match (state.mode, state.screen) {
        (Mode::Rotate, Screen::PickConnection) => return "Choose the connection".into(),
        (Mode::Rotate, Screen::Form) => return format!("New token for {}", target()),
        (Mode::Rotate, Screen::Review) => return "Review the rotation".into(),
        (Mode::Rotate, Screen::Submitting) => return "Replacing the token".into(),
        (Mode::Rotate, Screen::Done) => return "Token replaced".into(),
        _ => {}
    }
    match state.screen {
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

fn render_header(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut left = vec![
        Span::styled(" ona-connect ", theme.title()),
        Span::styled("Ona connection for Infisical", theme.dim()),
    ];
    if state.demo.is_some() {
        left.push(Span::raw("  "));
        left.push(Span::styled(" DEMO ", theme.badge()));
    }
    let (i, n) = state.step();
    let step = format!("step {i} of {n} ");
    let (l, r) = split_right(area, step.chars().count() as u16);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(Paragraph::new(Span::styled(step, theme.label())), r);
}

// Fixed splits by arithmetic: ratatui's constraint solver costs more than the rest of the
// first frame for these, and the first frame is what people wait for.

/// The top `height` rows of `area`, and the rest.
pub(crate) fn split_top(area: Rect, height: u16) -> (Rect, Rect) {
    let height = height.min(area.height);
    let top = Rect { height, ..area };
    let rest = Rect {
        y: area.y + height,
        height: area.height - height,
        ..area
    };
    (top, rest)
}

/// `area` without its bottom `height` rows, and those rows.
pub(crate) fn split_bottom(area: Rect, height: u16) -> (Rect, Rect) {
    split_top(area, area.height.saturating_sub(height))
}

/// The left part of `area` (at least one column when there is room) and its rightmost
/// `width` columns.
pub(crate) fn split_right(area: Rect, width: u16) -> (Rect, Rect) {
    let width = width.min(area.width.saturating_sub(1));
    let left = Rect {
        width: area.width - width,
        ..area
    };
    let right = Rect {
        x: area.x + left.width,
        width,
        ..area
    };
    (left, right)
}

/// The keys that work on this screen, most important first.
pub fn help_bar(state: &State, theme: Theme, width: u16) -> Line<'static> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    match state.overlay {
        Overlay::Help => keys.push(("any key", "close help")),
        Overlay::ConfirmQuit => keys.extend([("y", "quit"), ("n", "stay")]),
        Overlay::PickToken => {
            keys.extend([("↑/↓", "choose"), ("Enter", "select"), ("Esc", "skip")])
        }
        Overlay::None => match state.screen {
            Screen::SignIn => {
                if state.sign_in.is_signed_in() {
                    keys.push(("Enter", "continue"));
                } else {
                    keys.push(("Enter", "sign in"));
                }
                if !state.sign_in.fields().is_empty() {
                    keys.push(("Tab", "next field"));
                    if matches!(state.sign_in.focus, SignInField::Host | SignInField::Method) {
                        keys.push(("←/→", "change"));
                    }
                    if matches!(
                        state.sign_in.focus,
                        SignInField::ClientSecret | SignInField::AccessToken
                    ) {
                        keys.push(("Ctrl-R", "reveal"));
                    }
                }
            }
            _ if state.link_view != crate::wizard::LinkView::Inline => {
                keys.extend([("Esc", "back"), ("c", "copy link")]);
            }
            Screen::PickConnection => {
                keys.extend([("Enter", "choose"), ("↑/↓", "move"), ("Esc", "back")])
            }
            Screen::Guide(_) => keys.extend([("Enter", "done, next"), ("Esc", "back")]),
            Screen::Form => {
                keys.extend([("Enter", "review"), ("Esc", "back")]);
                if state.mode == Mode::Create {
                    keys.push(("Tab", "next field"));
                }
                if state.mode == Mode::Create
                    && state.form.server_errors.name.is_some()
                    && state.rotation.target.is_some()
                {
                    keys.insert(0, ("Ctrl-O", "replace its token instead"));
                }
                if state.form.focus == Field::Token {
                    keys.push(("Ctrl-R", "reveal"));
                }
                if state.form.focus == Field::Project {
                    keys.push(("↑/↓", "choose"));
                }
            }
            Screen::Review => {
                keys.extend([("Enter", "create"), ("Esc", "edit")]);
                if state.token_expiry().is_some() {
                    keys.push(("x", "expiry in description"));
                }
            }
            Screen::Submitting => {}
            Screen::Done => keys.push(("Enter", "exit")),
        },
    }
    if state.overlay == Overlay::None
        && state.link_view == crate::wizard::LinkView::Inline
        && !state.links().is_empty()
    {
        keys.extend([("o", "open"), ("c", "copy link"), ("v", "QR code")]);
    }
    let screen_keys = keys.len();
    if state.overlay == Overlay::None {
        keys.extend([("F1", "help"), ("Ctrl-C", "quit")]);
    }
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

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn render_help(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let rows: &[(&str, &str)] = &[
        (
            "Enter",
            "continue / confirm (on Review: create the connection)",
        ),
        ("Esc", "back one screen; every value is kept"),
        ("Tab / Shift-Tab", "next / previous field"),
        (
            "← / →",
            "change a choice (host, method); move in a text field",
        ),
        ("↑ / ↓", "choose a project; type to filter the list"),
        ("Ctrl-R", "reveal / hide the secret in the focused field"),
        ("Ctrl-U", "clear the focused field"),
        (
            "o / c",
            "open a link in this machine's browser / copy it to your clipboard",
        ),
        ("v / u", "show a link as a QR code / whole and unshortened"),
        ("paste", "your terminal's paste; a token is pasted whole"),
        ("F1", "this help"),
        ("Ctrl-C", "quit (exit status 130)"),
    ];
    let mut lines = vec![Line::styled("Keys", theme.title()), Line::raw("")];
    for (k, v) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:<16}"), theme.label()),
            Span::raw(*v),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Signed in to: {}",
            state
                .sign_in
                .signed_in_site
                .as_deref()
                .unwrap_or("(not yet)")
        ),
        theme.dim(),
    ));
    let r = popup(area, 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_type(BorderType::Double)
                .title(" Help "),
        ),
        r,
    );
}

fn render_confirm_quit(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![Line::styled("Quit ona-connect?", theme.title())];
    if state.screen == Screen::Submitting {
        lines.push(Line::raw(
            "A create request is in flight. If you quit now, check with",
        ));
        lines.push(Line::raw(
            "`ona-connect list` whether the connection was created.",
        ));
    } else {
        lines.push(Line::raw("What you entered is not saved anywhere."));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y", theme.label()),
        Span::raw(" quit   "),
        Span::styled("n", theme.label()),
        Span::raw(" stay"),
    ]));
    let r = popup(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_type(BorderType::Double)),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_splits_cover_the_area_without_overlap() {
        let area = Rect::new(2, 3, 40, 10);
        let (top, rest) = split_top(area, 1);
        assert_eq!(
            (top, rest),
            (Rect::new(2, 3, 40, 1), Rect::new(2, 4, 40, 9))
        );
        let (body, bottom) = split_bottom(rest, 1);
        assert_eq!(
            (body, bottom),
            (Rect::new(2, 4, 40, 8), Rect::new(2, 12, 40, 1))
        );
        let (left, right) = split_right(area, 12);
        assert_eq!(
            (left, right),
            (Rect::new(2, 3, 28, 10), Rect::new(30, 3, 12, 10))
        );
        // Asking for more than there is: the left part keeps one column, nothing goes outside.
        let (left, right) = split_right(Rect::new(0, 0, 5, 1), 9);
        assert_eq!(
            (left, right),
            (Rect::new(0, 0, 1, 1), Rect::new(1, 0, 4, 1))
        );
        assert_eq!(split_top(Rect::new(0, 0, 5, 2), 3).1.height, 0);
    }
}
