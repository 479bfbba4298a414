//! Step 1: which Infisical, and how to sign in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Theme;
use super::body::{body_row, draw_body, wrap_line};
use super::widgets::*;
use crate::wizard::{
    BrowserLogin, CliProbe, HostPreset, Method, SignInField, SignInStatus, State, Viewport,
};

pub(super) fn render(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    if let Some(shown) = super::links::link_view(state, theme, frame, area) {
        return shown;
    }
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
                    lines.extend(choice_lines(
                        "Host", &labels, selected, focused, theme, area.width,
                    ));
                }
                SignInField::Method => {
                    let methods = s.methods();
                    let labels: Vec<&str> = methods.iter().map(|m| m.label()).collect();
                    let selected = methods.iter().position(|m| *m == s.method).unwrap_or(0);
                    lines.extend(choice_lines(
                        "Sign in with",
                        &labels,
                        selected,
                        focused,
                        theme,
                        area.width,
                    ));
                }
                // Drawn under the browser's instructions, where it is needed.
                SignInField::BrowserToken => {}
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
        if s.method == Method::Browser {
            lines.extend(browser_lines(state, theme, area.width));
            input_rows.push((SignInField::BrowserToken, lines.len()));
            lines.push(Line::from(label(
                "Page token",
                s.focus == SignInField::BrowserToken,
                theme,
            )));
        } else {
            lines.push(Line::styled(method_hint(s.method, &s.cli), theme.dim()));
        }
    }
    lines.push(Line::raw(""));
    match &s.status {
        SignInStatus::Idle => {}
        SignInStatus::Working => {
            let waited = state.sign_in_seconds();
            let so_far = if waited >= 5 {
                format!(" {waited} s")
            } else {
                String::new()
            };
            lines.push(Line::styled(
                format!("{} Signing in to {site}…{so_far}", super::spinner(state)),
                theme.warn(),
            ));
            if waited >= 30 {
                lines.push(Line::styled(
                    "Infisical is slow to answer: each read is tried up to 3 times, 30 s each, before the sign-in gives up.",
                    theme.dim(),
                ));
            }
        }
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
        SignInStatus::SignedIn { host, via, who } => {
            let who = who
                .as_ref()
                .map_or_else(String::new, |w| format!(" as {w}"));
            lines.push(Line::styled(
                format!("✓ Signed in to {host}{who} ({via})."),
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
            SignInField::BrowserToken => (
                secret_input_view(&s.browser_token, s.reveal, width),
                "paste the page's token (masked)",
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

/// The browser sign-in: what Enter does, the link while waiting, and what to do when the
/// browser's answer cannot arrive (local network permission, SSH).
fn browser_lines(state: &State, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let s = state.sign_in();
    let dim = |text: String| Line::styled(text, theme.dim());
    match &s.browser {
        BrowserLogin::Idle => vec![dim(
            "Press Enter for a sign-in link: open it in a browser where you use Infisical, sign in and choose the organization. The page hands the session to this program.".into(),
        )],
        BrowserLogin::Starting => vec![dim("Starting the sign-in…".into())],
        BrowserLogin::Waiting { port, .. } => {
            let minutes = crate::session::browser_login::TIMEOUT.as_secs() / 60;
            let mut lines = super::links::link_lines(state, theme, width);
            lines.push(Line::styled(
                format!(
                    "{} Waiting for the browser (up to {minutes} minutes)…",
                    super::spinner(state)
                ),
                theme.warn(),
            ));
            lines.push(dim(
                "If the browser asks to let the page reach devices on your local network, allow it: the session comes here through 127.0.0.1.".into(),
            ));
            lines.push(dim(if s.over_ssh {
                format!(
                    "Over SSH the browser's answer reaches the browser's machine, not this one: paste the token the page then shows (\"Unable to reach CLI\"), or forward the port first: ssh -L {port}:127.0.0.1:{port} <this host>."
                )
            } else {
                "If the page says \"Unable to reach CLI\", copy the token it shows and paste it here.".into()
            }));
            lines
        }
        BrowserLogin::Ended(why) => vec![Line::styled(
            format!("✗ {why} Press Enter for a new sign-in link, or paste the token from the page."),
            theme.error(),
        )],
    }
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
        Method::Browser => String::new(),
    }
}
