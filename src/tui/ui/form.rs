//! Step 6: the connection's details.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::*;
use crate::session::ona_check::{ExpiryState, READ_ONLY_WARNING};
use crate::validate;
use crate::wizard::{Field, NameCheck, OnaCheck, Projects, State};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let form = state.form();
    let width = area.width.saturating_sub(2) as usize;
    let focused = |f: Field| form.focus == f && state.overlay() == crate::wizard::Overlay::None;
    let mut r = rows(area);
    let mut next = || r.next().unwrap_or_default();

    for field in [Field::Name, Field::Description, Field::Token] {
        let info = match field {
            Field::Name => format!(
                "lowercase letters, digits, single hyphens · {}/{}",
                form.name.value().trim().chars().count(),
                validate::NAME_MAX
            ),
            Field::Description => format!(
                "optional · {}/{}",
                form.description.value().trim().chars().count(),
                validate::DESCRIPTION_MAX
            ),
            _ => format!("{} characters", form.token.char_count()),
        };
        label_row(frame, next(), field.label(), &info, focused(field), theme);
        let row = next();
        let view = match field {
            Field::Name => plain_view(&form.name, width),
            Field::Description => plain_view(&form.description, width),
            _ => secret_view(form.token.expose(), form.token.cursor(), form.reveal, width),
        };
        let placeholder = match field {
            Field::Name => "e.g. ona-dev-team",
            Field::Description => "e.g. Ona for the dev team",
            _ => "paste the token from Ona (masked)",
        };
        draw_input(frame, row, view, focused(field), placeholder, theme);
        let message = match (state.form().field_error(field), field) {
            (Some(e), _) => Line::styled(format!("  ✗ {e}"), theme.error()),
            (None, Field::Name) => name_status(state, theme),
            (None, Field::Token) => token_status(state, theme),
            (None, _) => Line::raw(""),
        };
        // A long server message may take a second row when the screen has room for it.
        let mut row = next();
        if message.width() > row.width as usize && area.height > 16 {
            row.height += next().height;
        }
        frame.render_widget(wrapped(vec![message]), row);
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
    label_row(
        frame,
        next(),
        Field::Project.label(),
        &info,
        focused(Field::Project),
        theme,
    );
    let query_placeholder = match form.projects {
        Projects::Unavailable(_) => "project id",
        _ => "filter by name, slug or id",
    };
    draw_input(
        frame,
        next(),
        plain_view(&form.project_query, width),
        focused(Field::Project),
        query_placeholder,
        theme,
    );
    let remaining: Vec<Rect> = r.collect();
    let mut lines: Vec<Line<'static>> = Vec::new();
    match &form.projects {
        Projects::Loading => {
            lines.push(Line::styled("  waiting for the project list…", theme.dim()))
        }
        Projects::Unavailable(why) => lines.push(Line::styled(
            format!("  {}", crate::sanitize::server_text(why)),
            theme.warn(),
        )),
        Projects::Loaded(_) => {
            let filtered = form.filtered_projects();
            if filtered.is_empty() {
                let typed = form.project_query.value().trim();
                lines.push(Line::styled(
                    format!("  no project matches; \"{typed}\" will be used as the project id"),
                    theme.warn(),
                ));
            }
            let visible = remaining.len().saturating_sub(1).max(1);
            let cursor = form.project_cursor.min(filtered.len().saturating_sub(1));
            let first = cursor.saturating_sub(visible - 1);
            for (i, p) in filtered.iter().enumerate().skip(first).take(visible) {
                let text = format!(
                    "{} {}  ({}, {})",
                    if i == cursor { "›" } else { " " },
                    p.name,
                    p.slug,
                    p.id
                );
                let style = if i == cursor && focused(Field::Project) {
                    theme.selected()
                } else if i == cursor {
                    theme.label()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(format!("  {text}"), style));
            }
        }
    }
    if let Some(e) = state.form().field_error(Field::Project) {
        lines.insert(0, Line::styled(format!("  ✗ {e}"), theme.error()));
    }
    for (line, row) in lines.into_iter().zip(remaining) {
        frame.render_widget(Paragraph::new(line), row);
    }
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
