//! Rendering: a pure function of the wizard's state, one file per screen. Nothing here
//! knows about tasks, files or the network, and secret fields are only ever drawn as masks.

mod body;
mod done;
mod form;
mod guide;
mod header;
mod links;
mod overlays;
mod progress;
pub mod qr;
mod review;
mod rotation;
mod sign_in;
pub mod theme;
mod widgets;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub use header::{help_bar, screen_title};
pub use theme::Theme;

use crate::wizard::{Overlay, Screen, State, Viewport};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

pub const MASK: char = '•';
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The spinner's current frame.
fn spinner(state: &State) -> &'static str {
    SPINNER[state.spinner() % SPINNER.len()]
}

pub fn render(state: &State, theme: Theme, frame: &mut Frame) {
    render_reporting(state, theme, frame);
}

/// Renders `state` and says what the frame showed of the scrollable body (the driver passes
/// it to `update`, which keeps the scroll offset within it).
pub fn render_reporting(state: &State, theme: Theme, frame: &mut Frame) -> Viewport {
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
        return Viewport::FITS;
    }
    if links::qr_screen(state, theme, frame, area) {
        return overlay(state, theme, frame, area, Viewport::FITS);
    }
    let (top, rest) = split_top(area, 1);
    let (body, footer) = split_bottom(rest, 1);
    header::render(state, theme, frame, top);
    let title = Span::styled(format!(" {} ", screen_title(state)), theme.title());
    let inner = widgets::draw_frame(frame, body, title.into());
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    let rotating = state.rotating();
    let viewport = match state.screen() {
        Screen::SignIn => sign_in::render(state, theme, frame, inner),
        Screen::PickConnection => rotation::pick_connection(state, theme, frame, inner),
        Screen::Form if rotating => rotation::token(state, theme, frame, inner),
        Screen::Review if rotating => rotation::review(state, theme, frame, inner),
        Screen::Done if rotating => rotation::done(state, theme, frame, inner),
        Screen::Guide(i) => guide::render(state, theme, frame, inner, i),
        Screen::Form => form::render(state, theme, frame, inner),
        Screen::Review => review::render(state, theme, frame, inner),
        Screen::Submitting => progress::render(state, theme, frame, inner),
        Screen::Done => done::render(state, theme, frame, inner),
    };
    widgets::draw_lines(frame, footer, &[help_bar(state, theme, footer.width)]);
    overlay(state, theme, frame, area, viewport)
}

/// Draws the open overlay, if any, over the screen; what the scrollable part showed.
fn overlay(
    state: &State,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    screen: Viewport,
) -> Viewport {
    match state.overlay() {
        Overlay::None => screen,
        Overlay::Help => overlays::help(state, theme, frame, area),
        Overlay::ConfirmQuit => {
            overlays::confirm_quit(state, theme, frame, area);
            Viewport::FITS
        }
        Overlay::PickToken => {
            overlays::pick_token(state, theme, frame, area);
            Viewport::FITS
        }
    }
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

    /// The words a POSIX shell reads from `text` (single quotes, backslashes, line
    /// continuations), enough to compare commands.
    fn shell_words(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        let (mut word, mut quoted, mut started) = (String::new(), false, false);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    started = true;
                }
                _ if quoted => word.push(c),
                '\\' => match chars.next() {
                    Some('\n') | None => {}
                    Some(e) => {
                        word.push(e);
                        started = true;
                    }
                },
                ' ' | '\n' => {
                    if started {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                _ => {
                    word.push(c);
                    started = true;
                }
            }
        }
        if started {
            words.push(word);
        }
        words
    }

    #[test]
    fn a_wrapped_command_still_runs_when_copied() {
        let long = "x".repeat(70);
        let commands = [
            "ona-connect create --domain https://app.infisical.com --name n \
             --description 'two words and more words' --pat-stdin"
                .to_string(),
            format!(
                "ona-connect create --description 'Dana'\\''s team: {long} and more' \
                 --domain https://{long}.example.com --pat-stdin"
            ),
        ];
        for command in &commands {
            for width in [20u16, 30, 44, 56, 80] {
                let rows = widgets::command_rows(command, width);
                assert!(
                    rows.iter().all(|r| r.chars().count() <= width as usize),
                    "width {width}: {rows:?}"
                );
                assert!(rows[..rows.len() - 1].iter().all(|r| r.ends_with('\\')));
                assert_eq!(
                    shell_words(&rows.join("\n")),
                    shell_words(command),
                    "width {width}: {rows:?}"
                );
            }
        }
        assert_eq!(
            shell_words("a 'b c'\\''d' e\\\nf"),
            ["a", "b c'd", "ef"],
            "the test's own shell reads like sh"
        );
    }

    #[test]
    fn wrapped_text_loses_nothing_and_fits() {
        let text =
            "2026-05-04T10:15:00.123Z (updated 2026-05-04T10:15:00.123Z) 0123456789abcdef0123";
        for width in [5usize, 12, 30] {
            let rows = widgets::wrap_text(text, width);
            assert!(rows.iter().all(|r| r.chars().count() <= width), "{rows:?}");
            assert_eq!(rows.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }
}
