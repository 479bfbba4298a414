//! Step 8: the request is on its way.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Theme;
use super::body::{draw_body, wrap_all};
use crate::sanitize;
use crate::wizard::{State, Viewport};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let site = state.sign_in().signed_in_site.clone().unwrap_or_default();
    if state.rotating() {
        let name = state
            .rotation()
            .and_then(|r| r.target.as_ref())
            .map_or(String::new(), |t| sanitize::for_terminal(&t.name, 64));
        let lines = vec![
            Line::styled(
                format!(
                    "{} Replacing the token of \"{name}\" in {site}…",
                    super::spinner(state)
                ),
                theme.warn(),
            ),
            Line::raw(""),
            Line::raw("Infisical asks Ona whether the new token is valid before it stores it."),
        ];
        return body(state, theme, frame, area, lines);
    }
    let lines = vec![
        Line::styled(
            format!(
                "{} Creating \"{}\" in {site}…",
                super::spinner(state),
                state.form().name.value().trim()
            ),
            theme.warn(),
        ),
        Line::raw(""),
        Line::raw(
            "Infisical asks Ona whether the token is valid before it stores it; this can take a few seconds.",
        ),
        Line::styled(
            "The request is not re-sent automatically: if the answer is lost, the name is looked up instead.",
            theme.dim(),
        ),
    ];
    body(state, theme, frame, area, lines)
}

fn body(
    state: &State,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
) -> Viewport {
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}
