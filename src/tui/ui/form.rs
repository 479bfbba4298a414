//! Step 6: the connection's details.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Theme;
use super::body::{body_row, cut_marked, draw_body, list_window, wrap_all, wrap_line};
use super::widgets::*;
use crate::session::ona_check::{ExpiryState, READ_ONLY_WARNING};
use crate::validate;
use crate::wizard::{Field, NameCheck, OnaCheck, Projects, State, Viewport};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let form = state.form();
    let width = area.width.saturating_sub(2) as usize;
    let focused = |f: Field| form.focus == f && state.overlay() == crate::wizard::Overlay::None;
    // The body as rows; labels and inputs are drawn over their (blank) rows afterwards.
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut labels: Vec<(usize, Field, String)> = Vec::new();
    let mut inputs: Vec<(usize, Field)> = Vec::new();
    let blank = |rows: &mut Vec<Line<'static>>| {
        rows.push(Line::raw(""));
        rows.len() - 1
    };

    for field in [Field::Name, Field::Description, Field::Token] {
        let info = match field {
            Field::Name => format!(
                "lowercase letters, digits, single hyphens · {}/{}",
                form.name.value().trim().chars().count(),
                validate::NAME_MAX
            ),
            Field::Description => {
                let value = form.description.value();
                let units = validate::description_units(value);
                // Infisical counts UTF-16 units; say so when that is not the characters seen.
                let note = if units == value.trim().chars().count() {
                    ""
                } else {
                    " (an emoji counts 2)"
                };
                format!("optional · {units}/{}{note}", validate::DESCRIPTION_MAX)
            }
            _ => format!("{} characters", form.token.char_count()),
        };
        labels.push((blank(&mut rows), field, info));
        inputs.push((blank(&mut rows), field));
        let message = match (state.form().field_error(field), field) {
            (Some(e), _) => Line::styled(format!("  ✗ {e}"), theme.error()),
            (None, f) if form.notice(f).is_some() => Line::styled(
                format!("  ✗ {}", form.notice(f).unwrap_or_default()),
                theme.error(),
            ),
            (None, Field::Name) => name_status(state, theme),
            (None, Field::Token) => token_status(state, theme),
            (None, _) => Line::raw(""),
        };
        rows.extend(wrap_line(&message, area.width as usize));
    }

    let info = match &form.projects {
        Projects::Loading => "loading…".to_string(),
        Projects::Loaded(all) => format!(
            "{} of {} · type to filter",
            form.filtered_projects().len(),
            all.len()
        ),
        Projects::Unavailable(_) => "type the project id".to_string(),
    };
    labels.push((blank(&mut rows), Field::Project, info));
    inputs.push((blank(&mut rows), Field::Project));
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(e) = state.form().field_error(Field::Project) {
        lines.push(Line::styled(format!("  ✗ {e}"), theme.error()));
    } else if let Some(n) = form.notice(Field::Project) {
        lines.push(Line::styled(format!("  ✗ {n}"), theme.error()));
    }
    match &form.projects {
        Projects::Loading => {
            lines.push(Line::styled("  waiting for the project list…", theme.dim()))
        }
        // Shown whole: wrapped over as many rows as it needs.
        Projects::Unavailable(why) => {
            let why = crate::sanitize::server_text(why);
            for row in wrap_text(&why, width.saturating_sub(2)) {
                lines.push(Line::styled(format!("  {row}"), theme.warn()));
            }
        }
        Projects::Loaded(_) => {
            let filtered = form.filtered_projects();
            if filtered.is_empty() {
                let typed = form.project_query.value().trim();
                lines.push(Line::styled(
                    format!("  no project matches; \"{typed}\" will be used as the project id"),
                    theme.warn(),
                ));
            }
            let mut list = wrap_all(std::mem::take(&mut lines), area.width);
            // The list takes the rows left (at least three), scrolled to its cursor; each
            // entry stays on one row, marked where it is cut.
            let left = (area.height as usize).saturating_sub(rows.len() + list.len());
            let cursor = form.project_cursor.min(filtered.len().saturating_sub(1));
            let (first, count, more) = list_window(filtered.len(), cursor, left.max(3), theme);
            for (i, p) in filtered.iter().enumerate().skip(first).take(count) {
                let text = format!(
                    "{} {}  ({}, {})",
                    if i == cursor { "›" } else { " " },
                    crate::sanitize::for_terminal(&p.name, 200),
                    crate::sanitize::for_terminal(&p.slug, 200),
                    crate::sanitize::for_terminal(&p.id, 200)
                );
                let style = if i == cursor && focused(Field::Project) {
                    theme.selected()
                } else if i == cursor {
                    theme.label()
                } else {
                    Style::default()
                };
                list.push(cut_marked(
                    Line::styled(format!("  {text}"), style),
                    area.width as usize,
                ));
            }
            list.extend(more);
            lines = list;
        }
    }
    rows.extend(wrap_all(lines, area.width));

    let keep = inputs
        .iter()
        .find(|(_, f)| *f == form.focus)
        .map(|(row, _)| *row);
    let shown = draw_body(frame, area, rows, state.scroll(), keep, theme);
    for (row, field, info) in labels {
        if let Some(r) = body_row(area, shown, row) {
            label_row(frame, r, field.label(), &info, focused(field), theme);
        }
    }
    for (row, field) in inputs {
        let Some(r) = body_row(area, shown, row) else {
            continue;
        };
        let (view, placeholder) = match field {
            Field::Name => (plain_view(&form.name, width), "e.g. ona-dev-team"),
            Field::Description => (
                plain_view(&form.description, width),
                "e.g. Ona for the dev team",
            ),
            Field::Token => (
                secret_view(form.token.expose(), form.token.cursor(), form.reveal, width),
                "paste the token from Ona (masked)",
            ),
            Field::Project => (
                plain_view(&form.project_query, width),
                match form.projects {
                    Projects::Unavailable(_) => "project id",
                    _ => "filter by name, slug or id",
                },
            ),
        };
        draw_input(frame, r, view, focused(field), placeholder, theme);
    }
    shown.viewport
}

/// The line under a valid name: whether it is free in the chosen project.
fn name_status(state: &State, theme: Theme) -> Line<'static> {
    match &state.form().name_check {
        NameCheck::Checking => Line::styled(
            format!(
                "  {} valid name; checking whether it is free in this project…",
                super::spinner(state)
            ),
            theme.dim(),
        ),
        NameCheck::Free => Line::styled("  ✓ valid name, free in this project", theme.ok()),
        NameCheck::Failed(why) => Line::styled(
            format!(
                "  ✓ valid name · ⚠ could not check whether it is free: {}",
                crate::sanitize::server_text(why)
            ),
            theme.warn(),
        ),
        // Taken is an error, shown as one.
        NameCheck::Idle | NameCheck::Taken => Line::styled("  ✓ valid name", theme.ok()),
    }
}

/// The line under the token field: a refused paste, else what Ona said, else the notice.
pub(super) fn token_status(state: &State, theme: Theme) -> Line<'static> {
    let form = state.form();
    let spinner = super::spinner(state);
    match (&form.token_notice, &form.ona) {
        (Some(n), _) if n.starts_with("refused") => Line::styled(format!("  ✗ {n}"), theme.error()),
        (_, OnaCheck::Checking) => Line::styled(
            format!("  {spinner} checking the token with Ona…"),
            theme.warn(),
        ),
        (_, OnaCheck::Rejected { code, message }) => {
            let then = if form.submit_rejected_armed {
                "fix it, or press Enter again to submit it anyway"
            } else {
                "Infisical will refuse it too"
            };
            Line::styled(
                format!("  ✗ Ona rejected this token ({code}: {message}); {then}"),
                theme.error(),
            )
        }
        (_, OnaCheck::Unreachable(why)) => Line::styled(
            format!("  ⚠ {why}; you can still submit, Infisical checks the token too"),
            theme.warn(),
        ),
        (_, OnaCheck::Valid { identity, expiry }) => {
            let who = format!("  ✓ valid: {}", identity.who());
            match expiry {
                // Wrong access is the one thing here that will fail later: it leads.
                ExpiryState::Known(e) if e.read_only => Line::styled(
                    format!(
                        "  ⚠ {READ_ONLY_WARNING} · {} · {}",
                        identity.who(),
                        e.text()
                    ),
                    theme.warn(),
                ),
                ExpiryState::Known(e) => {
                    let style = if e.is_soon() {
                        theme.warn()
                    } else {
                        theme.ok()
                    };
                    Line::from(vec![
                        Span::styled(format!("{who} · "), theme.ok()),
                        Span::styled(e.text(), style),
                    ])
                }
                ExpiryState::Unknown(why) => {
                    Line::styled(format!("{who} · expiry unknown: {why}"), theme.ok())
                }
                _ => Line::styled(format!("{who} · expiry not chosen"), theme.ok()),
            }
        }
        (Some(n), _) => Line::styled(format!("  {n} · Ctrl-R reveals"), theme.dim()),
        (None, _) if form.reveal => Line::styled("  shown in clear · Ctrl-R hides", theme.warn()),
        (None, _) => Line::styled("  masked · Ctrl-R reveals", theme.dim()),
    }
}
