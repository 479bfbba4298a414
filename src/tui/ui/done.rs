//! Step 9: the created connection.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::links::{link_lines, link_view};
use super::widgets::*;
use crate::session::summary::{equivalent_command, summary_lines};
use crate::wizard::State;

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(created) = &state.created() else {
        return;
    };
    if link_view(state, theme, frame, area) {
        return;
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
    lines.extend(link_lines(state, theme, area.width));
    lines.push(Line::styled(
        "The same from a script (token on stdin):",
        theme.label(),
    ));
    let command_row = lines.len() as u16;
    // The URL stays on one unwrapped row (copyable); the command may wrap below it.
    frame.render_widget(Paragraph::new(lines), area);
    let (_, rest) = super::split_top(area, command_row);
    let tail = vec![
        Line::raw(equivalent_command(created)),
        Line::raw(""),
        Line::styled(
            "Enter exits; this summary is printed again in your terminal.",
            theme.dim(),
        ),
    ];
    frame.render_widget(wrapped(tail), rest);
}
