//! Steps 2–5: the guide through Ona's settings.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::links::{link_lines, link_view};
use super::widgets::*;
use crate::guide;
use crate::wizard::{SignInStatus, State};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect, index: usize) {
    let Some(step) = guide::steps().get(index) else {
        return;
    };
    if link_view(state, theme, frame, area) {
        return;
    }
    let mut parts: Vec<Paragraph<'static>> = vec![wrapped(
        step.body.iter().map(|b| Line::raw(b.clone())).collect(),
    )];
    if !step.links.is_empty() {
        parts.push(Paragraph::new(Line::raw("")));
        parts.push(Paragraph::new(link_lines(state, theme, area.width)));
    }
    if let Some(demo) = state.demo() {
        parts.push(wrapped(vec![
            Line::raw(""),
            Line::from(vec![
                Span::styled(" DEMO ", theme.badge()),
                Span::raw(" The sandbox's Ona token; paste it on any step to go on with it:"),
            ]),
        ]));
        parts.push(Paragraph::new(Line::styled(
            demo.ona_token.clone(),
            theme.label(),
        )));
        parts.push(wrapped(vec![Line::styled(
            "(Any other text shows how a rejected token looks.)",
            theme.dim(),
        )]));
    }
    let mut tail: Vec<Line<'static>> = Vec::new();
    for n in &step.notes {
        tail.push(Line::raw(""));
        tail.push(Line::styled(format!("Note: {n}"), theme.dim()));
    }
    tail.push(Line::raw(""));
    tail.push(Line::styled(
        "Press Enter when this is done, or paste the token to go to the form.",
        theme.dim(),
    ));
    // The host (and whose session) stays in sight after the sign-in went straight on.
    if let SignInStatus::SignedIn { host, who, via } = &state.sign_in().status {
        let who = who
            .as_ref()
            .map_or_else(|| format!(" ({via})"), |w| format!(" as {w}"));
        tail.push(Line::styled(
            format!("Signed in to {host}{who}."),
            theme.dim(),
        ));
    }
    parts.push(wrapped(tail));
    stack(frame, area, parts);
}
