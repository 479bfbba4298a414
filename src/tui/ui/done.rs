//! Step 9: the created connection.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Theme;
use super::body::{draw_body, wrap_all};
use super::links::{link_lines, link_view};
use super::widgets::*;
use crate::session::summary::{equivalent_command, summary_lines};
use crate::wizard::{State, Viewport};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let Some(created) = &state.created() else {
        return Viewport::FITS;
    };
    if let Some(shown) = link_view(state, theme, frame, area) {
        return shown;
    }
    let mut lines = vec![if created.recovered {
        Line::styled(
            "✓ The connection exists: the answer to the create was lost, and a lookup by name found it.",
            theme.ok(),
        )
    } else {
        Line::styled("✓ The Ona connection was created.", theme.ok())
    }];
    lines.extend(
        summary_lines(created)
            .into_iter()
            .map(|(k, v)| kv(k, v, theme)),
    );
    if let Some(w) = &created.config_warning {
        lines.push(Line::styled(
            format!("Note: choices not remembered: {w}"),
            theme.warn(),
        ));
    }
    lines.extend(reminder_offer(state, theme, area.width));
    // The URL stays on one row (shortened: u shows it whole); the command wraps between words.
    lines.extend(link_lines(state, theme, area.width));
    lines.extend(script_tail(&equivalent_command(created), area.width, theme));
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}

/// What `r` does, when the token's expiry is known (wrapped: the rows are drawn unwrapped).
pub(super) fn reminder_offer(state: &State, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let Some(reminder) = state.reminder() else {
        return vec![];
    };
    let text = format!(
        "Token expires {} · r saves a calendar reminder a week before (.ics)",
        reminder.expires
    );
    wrap_text(&text, width as usize)
        .into_iter()
        .map(|row| Line::styled(row, theme.label()))
        .collect()
}
