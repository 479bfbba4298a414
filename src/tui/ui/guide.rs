//! Steps 2–5: the guide through Ona's settings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Theme;
use super::body::{draw_body, wrap_all};
use super::links::{link_lines, link_view};
use crate::guide;
use crate::wizard::{SignInStatus, State, Viewport};

pub(super) fn render(
    state: &State,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    index: usize,
) -> Viewport {
    let Some(step) = guide::steps().get(index) else {
        return Viewport::FITS;
    };
    if let Some(shown) = link_view(state, theme, frame, area) {
        return shown;
    }
    let mut lines: Vec<Line<'static>> = step.body.iter().map(|b| Line::raw(b.clone())).collect();
    if !step.links.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(link_lines(state, theme, area.width));
    }
    if let Some(demo) = state.demo() {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(" DEMO ", theme.badge()),
            Span::raw(" The sandbox's Ona token; paste it on any step to go on with it:"),
        ]));
        lines.push(Line::styled(demo.ona_token.clone(), theme.label()));
        lines.push(Line::styled(
            "(Any other text shows how a rejected token looks.)",
            theme.dim(),
        ));
    }
    for n in &step.notes {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("Note: {n}"), theme.dim()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Press Enter when this is done, or paste the token to go to the form.",
        theme.label(),
    ));
    // The host (and whose session) stays in sight after the sign-in went straight on.
    if let SignInStatus::SignedIn { host, who, via } = &state.sign_in().status {
        let who = who
            .as_ref()
            .map_or_else(|| format!(" ({via})"), |w| format!(" as {w}"));
        lines.push(Line::styled(
            format!("Signed in to {host}{who}."),
            theme.dim(),
        ));
    }
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}
