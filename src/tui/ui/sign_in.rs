//! Step 1: which Infisical, and how to sign in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Theme;
use super::body::{body_row, draw_body, wrap_line};
use super::widgets::*;
use crate::wizard::{CliProbe, HostPreset, Method, SignInField, SignInStatus, State, Viewport};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let s = state.sign_in();
    let site = s.site_text();
    let mut lines: Vec<Line<'static>> = vec![
        Line::raw("The Ona token will be stored in this Infisical instance:"),
        Line::styled(
            if site.is_empty() {
                "(type its URL below)".to_string()
            } else {
                site.clone()
            },
            theme.link(),
        ),
        Line::raw(""),
    ];
    let fields = s.fields();
    let mut input_rows: Vec<(SignInField, usize)> = Vec::new();
    if fields.is_empty() {
        if let Some(source) = &s.env_source {
            lines.push(Line::from(vec![
                label("Credentials", false, theme),
                Span::raw(format!("from {source}")),
            ]));
        }
    } else {
        for field in &fields {
            let focused = s.focus == *field;
            match field {
                SignInField::Host => {
                    let labels: Vec<&str> = HostPreset::ALL.iter().map(|p| p.label()).collect();
                    let selected = HostPreset::ALL
                        .iter()
                        .position(|p| *p == s.preset)
                        .unwrap_or(0);
                    let mut spans = vec![label("Host", focused, theme)];
                    spans.extend(choice_spans(&labels, selected, focused, theme));
                    lines.push(Line::from(spans));
                }
                SignInField::Method => {
                    let methods = s.methods();
                    let labels: Vec<&str> = methods.iter().map(|m| m.label()).collect();
                    let selected = methods.iter().position(|m| *m == s.method).unwrap_or(0);
                    let mut spans = vec![label("Sign in with", focused, theme)];
                    spans.extend(choice_spans(&labels, selected, focused, theme));
                    lines.push(Line::from(spans));
                }
                input => {
                    let text = match input {
                        SignInField::CustomUrl => "URL",
                        SignInField::ClientId => "Client ID",
                        SignInField::ClientSecret => "Client secret",
                        _ => "Access token",
                    };
                    input_rows.push((*field, lines.len()));
                    lines.push(Line::from(label(text, focused, theme)));
                }
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(method_hint(s.method, &s.cli), theme.dim()));
    }
    lines.push(Line::raw(""));
    match &s.status {
        SignInStatus::Idle => {}
        SignInStatus::Working => lines.push(Line::styled(
            format!("{} Signing in to {site}…", super::spinner(state)),
            theme.warn(),
        )),
        SignInStatus::Incomplete(why) => lines.push(Line::styled(
            format!("✗ {why} Nothing was sent."),
            theme.error(),
        )),
        SignInStatus::Failed(errors) => {
            lines.push(Line::styled("Sign-in failed:", theme.error()));
            lines.extend(
                errors
                    .iter()
                    .map(|e| Line::styled(format!("  {e}"), theme.error())),
            );
        }
        SignInStatus::SignedIn { host, via } => {
            lines.push(Line::styled(
                format!("✓ Signed in to {host} ({via})."),
                theme.ok(),
            ));
            lines.push(Line::raw("Press Enter to continue."));
        }
    }
    // Each line wrapped; where each one's first row is, for the inputs drawn over them.
    let mut rows = Vec::new();
    let mut starts = Vec::with_capacity(lines.len());
    for line in &lines {
        starts.push(rows.len());
        rows.extend(wrap_line(line, area.width as usize));
    }
    let focus_row = input_rows
        .iter()
        .find(|(f, _)| *f == s.focus)
        .map(|(_, i)| starts[*i]);
    let shown = draw_body(frame, area, rows, state.scroll(), focus_row, theme);
    // Text inputs are drawn over their label rows, after the label column.
    for (field, row) in input_rows {
        let Some(at) = body_row(area, shown, starts[row]) else {
            continue;
        };
        let r = Rect::new(
            area.x + LABEL_WIDTH as u16,
            at.y,
            area.width.saturating_sub(LABEL_WIDTH as u16),
            1,
        );
        let focused = s.focus == field && state.overlay() == crate::wizard::Overlay::None;
        let width = r.width.saturating_sub(2) as usize;
        let (view, placeholder) = match field {
            SignInField::CustomUrl => (
                plain_view(&s.custom_url, width),
                "https://infisical.example.com",
            ),
            SignInField::ClientId => (
                plain_view(&s.client_id, width),
                "machine identity client id",
            ),
            SignInField::ClientSecret => (
                secret_input_view(&s.client_secret, s.reveal, width),
                "client secret (masked)",
            ),
            _ => (
                secret_input_view(&s.access_token, s.reveal, width),
                "paste an access token (masked)",
            ),
        };
        draw_input(frame, r, view, focused, placeholder, theme);
    }
    shown.viewport
}

fn method_hint(method: Method, cli: &CliProbe) -> String {
    match method {
        Method::Cli => match cli {
            CliProbe::Works => "Uses the session of `infisical login` on this machine (infisical user get token).".into(),
            CliProbe::Checking => "Checking the Infisical CLI's login…".into(),
            CliProbe::Missing => "The Infisical CLI is not installed here.".into(),
            CliProbe::Failed(why) => format!("The Infisical CLI has no usable login: {why}"),
        },
        Method::UniversalAuth => "A machine identity's Universal Auth client id and secret (Organization → Access Control → Identities).".into(),
        Method::AccessToken => "An Infisical access token: a user session token or a machine identity's access token.".into(),
    }
}
