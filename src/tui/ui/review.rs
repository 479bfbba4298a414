//! Step 7: exactly what Infisical will receive.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Theme;
use super::body::{draw_body, wrap_all};
use super::widgets::*;
use crate::infisical::Domain;
use crate::session::ona_check::READ_ONLY_WARNING;
use crate::wizard::{OnaCheck, State, SubmitError, Viewport};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let form = state.form();
    let site = state.site();
    let endpoint = Domain::parse(&site).map_or_else(
        |_| "(invalid host)".into(),
        |d| d.api("/v1/app-connections/ona"),
    );
    let project = form.chosen_project();
    let description = state
        .form()
        .description_to_send()
        .ok()
        .flatten()
        .unwrap_or_else(|| "(none)".to_string());
    let mut lines = vec![
        Line::raw(crate::session::summary::review_header(state.sent_before())),
        Line::raw(""),
        kv("Infisical", site.clone(), theme),
        kv("Endpoint", format!("POST {endpoint}"), theme),
        kv(
            "Project",
            project.map_or("(none)".into(), |p| match p.name {
                Some(n) => format!("{n} ({})", p.id),
                None => p.id,
            }),
            theme,
        ),
        kv("Name", form.name.value().trim().to_string(), theme),
        kv("Description", description, theme),
        kv(
            "Method",
            crate::infisical::model::ONA_METHOD.to_string(),
            theme,
        ),
        kv("Token", masked(form.token.char_count()), theme),
    ];
    lines.extend(ona_review_lines(state, theme));
    lines.push(Line::raw(""));
    if state.review_settling() {
        lines.push(Line::styled(
            "Waiting for Ona's check: it may add the token's expiry date to the description.",
            theme.warn(),
        ));
        lines.push(Line::raw(
            "Enter sends once the check is done and this screen shows the final values.",
        ));
    } else if let Some(err) = &state.submit_error() {
        lines.extend(submit_error_lines(err, theme));
    } else {
        lines.push(Line::styled(
            "Infisical checks the token with Ona before it stores it.",
            theme.dim(),
        ));
        lines.push(Line::raw(
            "Press Enter to create the connection, Esc to change something.",
        ));
    }
    let rows = wrap_all(lines, area.width);
    draw_body(frame, area, rows, state.scroll(), None, theme).viewport
}

/// The last failed submit on a review screen, and what Enter does now.
pub(super) fn submit_error_lines(err: &SubmitError, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("The last attempt failed:", theme.error())];
    lines.extend(
        err.lines
            .iter()
            .map(|l| Line::styled(format!("  {l}"), theme.error())),
    );
    lines.push(Line::styled(err.hint.clone(), theme.warn()));
    lines
}

/// What Ona said about the token and what happens to its expiry date.
pub(super) fn ona_review_lines(state: &State, theme: Theme) -> Vec<Line<'static>> {
    let form = state.form();
    let check = match &form.ona {
        OnaCheck::Disabled => Line::styled(
            "not checked (--skip-ona-check); Infisical checks it",
            theme.dim(),
        ),
        OnaCheck::Idle | OnaCheck::Checking => Line::styled("checking…", theme.warn()),
        OnaCheck::Valid { identity, .. } => {
            Line::styled(format!("✓ valid: {}", identity.who()), theme.ok())
        }
        OnaCheck::Rejected { code, .. } => Line::styled(
            format!("✗ rejected by Ona ({code}); submitting anyway"),
            theme.error(),
        ),
        OnaCheck::Unreachable(_) => Line::styled(
            "⚠ Ona could not be reached; Infisical checks it",
            theme.warn(),
        ),
    };
    let mut lines = vec![Line::from(vec![
        label("Ona check", false, theme),
        check.spans[0].clone(),
    ])];
    if let Some(e) = state.form().token_expiry() {
        let style = if e.is_soon() {
            theme.warn()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            label("Token", false, theme),
            Span::styled(e.text(), style),
        ]));
        let recorded = if form.record_expiry {
            "the date is added to the description (x: don't)"
        } else {
            "the date is not recorded (x: add it to the description)"
        };
        lines.push(Line::from(vec![
            label("", false, theme),
            Span::styled(recorded.to_string(), theme.dim()),
        ]));
        if e.read_only {
            lines.push(Line::from(vec![
                label("", false, theme),
                Span::styled(format!("⚠ {READ_ONLY_WARNING}"), theme.warn()),
            ]));
        }
    }
    lines
}
