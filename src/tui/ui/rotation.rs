//! The rotation's screens: choose the connection, the new token, review, the outcome.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::body::{body_row, cut_marked, draw_body, list_window, wrap_all};
use super::form::token_status;
use super::review::{ona_review_lines, submit_error_lines};
use super::widgets::*;
use crate::infisical::Domain;
use crate::sanitize;
use crate::session::summary::{DELETE_OLD_TOKEN, list_label, rotate_command};
use crate::wizard::{Connections, Field, State, Viewport};

/// Rotation: which connection gets the new token.
pub(super) fn pick_connection(
    state: &State,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) -> Viewport {
    let Some(r) = state.rotation() else {
        return Viewport::FITS;
    };
    let mut r_rows = rows(area);
    let mut next = || r_rows.next().unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::raw(
            "Which connection's Ona token should be replaced?",
        )),
        next(),
    );
    let focused = state.overlay() == crate::wizard::Overlay::None;
    let width = area.width.saturating_sub(2) as usize;
    draw_input(
        frame,
        next(),
        plain_view(&r.filter, width),
        focused,
        "filter by name, project or id",
        theme,
    );
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(e) = &r.error {
        lines.push(Line::styled(format!("  {e}"), theme.warn()));
    }
    match &r.connections {
        Connections::Loading => lines.push(Line::styled("  loading the connections…", theme.dim())),
        Connections::Failed(why) => lines.push(Line::styled(
            format!("  {}", sanitize::server_text(why)),
            theme.error(),
        )),
        Connections::Loaded(all) => {
            let list = r.filtered();
            if all.is_empty() {
                lines.push(Line::styled(
                    "  no Ona connections are visible to this identity",
                    theme.warn(),
                ));
            } else if list.is_empty() {
                lines.push(Line::styled("  nothing matches the filter", theme.warn()));
            }
            let cursor = r.cursor.min(list.len().saturating_sub(1));
            let room = (area.height as usize).saturating_sub(2 + lines.len());
            let (first, count, more) = list_window(list.len(), cursor, room, theme);
            for (i, c) in list.iter().enumerate().skip(first).take(count) {
                let style = if i == cursor {
                    theme.selected()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(
                    format!("{} {}", if i == cursor { "›" } else { " " }, list_label(c)),
                    style,
                ));
            }
            lines.extend(more);
        }
    }
    let rest: Vec<Rect> = r_rows.collect();
    for (line, row) in lines.into_iter().zip(rest) {
        frame.render_widget(Paragraph::new(cut_marked(line, row.width as usize)), row);
    }
    Viewport::FITS
}

/// Rotation: only the new token.
pub(super) fn token(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let form = state.form();
    let mut lines = Vec::new();
    if let Some(t) = state.rotation().and_then(|r| r.target.as_ref()) {
        lines.push(kv("Connection", list_label(t), theme));
    }
    lines.push(Line::raw(""));
    let mut rows = wrap_all(lines, area.width);
    let label_at = rows.len();
    rows.push(Line::raw(""));
    let input_at = rows.len();
    rows.push(Line::raw(""));
    let status = match state.form().field_error(Field::Token) {
        Some(e) => Line::styled(format!("  ✗ {e}"), theme.error()),
        None => token_status(state, theme),
    };
    rows.extend(wrap_all(vec![status], area.width));
    let shown = draw_body(frame, area, rows, state.scroll(), Some(input_at), theme);
    let focused = state.overlay() == crate::wizard::Overlay::None;
    let width = area.width.saturating_sub(2) as usize;
    if let Some(row) = body_row(area, shown, label_at) {
        label_row(
            frame,
            row,
            "New Personal Access Token",
            &format!("{} characters", form.token.char_count()),
            focused,
            theme,
        );
    }
    if let Some(row) = body_row(area, shown, input_at) {
        draw_input(
            frame,
            row,
            secret_view(form.token.expose(), form.token.cursor(), form.reveal, width),
            focused,
            "paste the new token from Ona (masked)",
            theme,
        );
    }
    shown.viewport
}

/// Rotation: what will be sent.
pub(super) fn review(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let form = state.form();
    let site = state.site();
    let target = state.rotation().and_then(|r| r.target.as_ref());
    let endpoint = Domain::parse(&site).map_or_else(
        |_| "(invalid host)".into(),
        |d| {
            d.api(&format!(
                "/v1/app-connections/ona/{}",
                target.map_or("?", |t| t.id.as_str())
            ))
        },
    );
    let mut lines = vec![
        Line::raw(if state.attempt() == 0 {
            "Nothing has been sent yet. Only the token of this connection changes:"
        } else {
            "Sending again changes only the token of this connection:"
        }),
        Line::raw(""),
        kv("Infisical", site.clone(), theme),
        kv("Endpoint", format!("PATCH {endpoint}"), theme),
        kv(
            "Connection",
            target.map_or("(none)".into(), list_label),
            theme,
        ),
        kv("New token", masked(form.token.char_count()), theme),
    ];
    lines.extend(
        ona_review_lines(state, theme)
            .into_iter()
            .filter(|l| !l.to_string().contains("description")),
    );
    lines.push(Line::raw(""));
    if let Some(err) = &state.submit_error() {
        lines.extend(submit_error_lines(err, theme));
    } else {
        lines.push(Line::raw(
            "Press Enter to replace the token, Esc to change it.",
        ));
    }
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}

/// Rotation: the outcome.
pub(super) fn done(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let Some(r) = state.rotation().and_then(|r| r.result.as_ref()) else {
        return Viewport::FITS;
    };
    let clean = |s: Option<&str>| sanitize::for_terminal(s.unwrap_or("?"), 80);
    let lines = vec![
        Line::styled(
            format!(
                "✓ The Ona token of {} was replaced.",
                sanitize::for_terminal(&r.after.name, 64)
            ),
            theme.ok(),
        ),
        kv("ID", sanitize::for_terminal(&r.after.id, 64), theme),
        kv(
            "Credentials #",
            format!(
                "{} → {}",
                clean(r.before.credentials_hash.as_deref()),
                clean(r.after.credentials_hash.as_deref())
            ),
            theme,
        ),
        kv("Updated", clean(r.after.updated_at.as_deref()), theme),
        Line::raw(""),
        Line::raw(DELETE_OLD_TOKEN),
    ];
    let mut lines = lines;
    lines.extend(super::done::reminder_offer(state, theme, area.width));
    if let Some(n) = state.notice() {
        lines.push(Line::styled(n.to_string(), theme.warn()));
    }
    lines.extend(script_tail(&rotate_command(r), area.width, theme));
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}
