//! One function per screen. Each takes the state and the area inside the frame's border.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use super::{MASK, SPINNER, Theme};
use crate::guide;
use crate::infisical::Domain;
use crate::sanitize;
use crate::validate;
use crate::wizard::{
    CliProbe, Connections, ExpiryState, Field, HostPreset, LinkView, Method, Mode, OnaCheck,
    Projects, SignInField, SignInStatus, State,
};

const LABEL_WIDTH: usize = 15;

/// What a one-line input shows: its text, where the cursor is and how far it is scrolled.
struct FieldView {
    text: String,
    cursor: usize,
    scroll: usize,
}

fn plain_view(input: &Input, width: usize) -> FieldView {
    FieldView {
        text: input.value().to_string(),
        cursor: input.visual_cursor(),
        scroll: input.visual_scroll(width),
    }
}

/// A secret is drawn as one mask glyph per character, or in clear only when revealed.
fn secret_view(value: &str, cursor: usize, reveal: bool, width: usize) -> FieldView {
    let text = if reveal {
        value.to_string()
    } else {
        MASK.to_string().repeat(value.chars().count())
    };
    FieldView {
        text,
        cursor,
        scroll: cursor.saturating_sub(width.saturating_sub(1)),
    }
}

/// Draws a one-line field; places the terminal cursor when it has focus.
fn draw_input(
    frame: &mut Frame,
    area: Rect,
    view: FieldView,
    focused: bool,
    placeholder: &str,
    theme: Theme,
) {
    let marker = if focused { "❯ " } else { "  " };
    let width = area.width.saturating_sub(2) as usize;
    let visible: String = view.text.chars().skip(view.scroll).take(width).collect();
    let line = if view.text.is_empty() && !placeholder.is_empty() {
        Line::from(vec![
            Span::styled(marker, theme.focused_label()),
            Span::styled(placeholder.to_string(), theme.dim()),
        ])
    } else {
        Line::from(vec![
            Span::styled(marker, theme.focused_label()),
            Span::raw(visible),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
    if focused {
        let x = area.x + 2 + (view.cursor.saturating_sub(view.scroll)) as u16;
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
    }
}

fn rows(area: Rect) -> impl Iterator<Item = Rect> {
    (area.y..area.bottom()).map(move |y| Rect::new(area.x, y, area.width, 1))
}

fn wrapped(lines: Vec<Line<'static>>) -> Paragraph<'static> {
    Paragraph::new(lines).wrap(Wrap { trim: false })
}

fn choice_spans(
    labels: &[&str],
    selected: usize,
    focused: bool,
    theme: Theme,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        if i == selected {
            let style = if focused {
                theme.selected()
            } else {
                theme.label()
            };
            spans.push(Span::styled(format!("‹ {label} ›"), style));
        } else {
            spans.push(Span::styled(format!("  {label}  "), theme.dim()));
        }
        spans.push(Span::raw(" "));
    }
    spans
}

fn label(text: &str, focused: bool, theme: Theme) -> Span<'static> {
    let style = if focused {
        theme.focused_label()
    } else {
        theme.label()
    };
    Span::styled(format!("{text:<LABEL_WIDTH$}"), style)
}

pub fn sign_in(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let s = &state.sign_in;
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
                SignInField::CustomUrl => {
                    input_rows.push((*field, lines.len()));
                    lines.push(Line::from(label("URL", focused, theme)));
                }
                SignInField::ClientId => {
                    input_rows.push((*field, lines.len()));
                    lines.push(Line::from(label("Client ID", focused, theme)));
                }
                SignInField::ClientSecret => {
                    input_rows.push((*field, lines.len()));
                    lines.push(Line::from(label("Client secret", focused, theme)));
                }
                SignInField::AccessToken => {
                    input_rows.push((*field, lines.len()));
                    lines.push(Line::from(label("Access token", focused, theme)));
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
            format!(
                "{} Signing in to {site}…",
                SPINNER[state.spinner % SPINNER.len()]
            ),
            theme.warn(),
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
    frame.render_widget(wrapped(lines), area);
    // Text inputs are drawn over their label rows, after the label column.
    for (field, row) in input_rows {
        let y = area.y + row as u16;
        if y >= area.bottom() {
            continue;
        }
        let r = Rect::new(
            area.x + LABEL_WIDTH as u16,
            y,
            area.width.saturating_sub(LABEL_WIDTH as u16),
            1,
        );
        let focused = s.focus == field && state.overlay == crate::wizard::Overlay::None;
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
                secret_view(
                    s.client_secret.expose(),
                    s.client_secret.cursor(),
                    s.reveal,
                    width,
                ),
                "client secret (masked)",
            ),
            _ => (
                secret_view(
                    s.access_token.expose(),
                    s.access_token.cursor(),
                    s.reveal,
                    width,
                ),
                "paste an access token (masked)",
            ),
        };
        draw_input(frame, r, view, focused, placeholder, theme);
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
    }
}

pub fn guide(state: &State, theme: Theme, frame: &mut Frame, area: Rect, index: usize) {
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
    if let (Some(demo), "copy-token") = (&state.demo, step.id.as_str()) {
        parts.push(wrapped(vec![
            Line::raw(""),
            Line::from(vec![
                Span::styled(" DEMO ", theme.badge()),
                Span::raw(" The sandbox's Ona token; copy it and paste it on the next screen:"),
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
    tail.push(Line::styled("Press Enter when this is done.", theme.dim()));
    parts.push(wrapped(tail));
    stack(frame, area, parts);
}

/// Draws paragraphs one below the other, each as tall as its wrapped text.
fn stack(frame: &mut Frame, area: Rect, parts: Vec<Paragraph<'static>>) {
    let mut y = area.y;
    for part in parts {
        if y >= area.bottom() {
            break;
        }
        let height = (part.line_count(area.width) as u16).min(area.bottom() - y);
        frame.render_widget(part, Rect::new(area.x, y, area.width, height));
        y += height;
    }
}

/// The screen's links, each URL on its own unwrapped row (shortened in the middle when it does
/// not fit), the keys that act on them and the last link notice.
fn link_lines(state: &State, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let links = state.links();
    let many = links.len() > 1;
    let mut shortened = false;
    let mut lines = Vec::new();
    for (i, (label, url)) in links.iter().enumerate() {
        let selected = i == state.link.min(links.len() - 1);
        let marker = if many && selected {
            "› "
        } else if many {
            "  "
        } else {
            ""
        };
        lines.push(Line::styled(format!("{marker}{label}:"), theme.label()));
        let display = crate::links::shorten(url, width.saturating_sub(4) as usize);
        shortened |= display != *url;
        let style = if selected { theme.link() } else { theme.dim() };
        lines.push(Line::from(vec![
            Span::raw(if many { "  " } else { "" }),
            Span::styled(display, style),
        ]));
    }
    let mut keys = String::from("o open · c copy · v QR code · u full link");
    if many {
        keys.push_str(" · ↑/↓ choose");
    }
    if shortened {
        keys.push_str(" (shortened: u shows it whole)");
    }
    lines.push(Line::styled(keys, theme.dim()));
    if let Some(n) = &state.notice {
        lines.push(Line::styled(n.clone(), theme.warn()));
    }
    lines
}

/// The selected link as a QR code or alone in full, when asked for; true when drawn.
fn link_view(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> bool {
    let Some((label, url)) = state.selected_link() else {
        return false;
    };
    match state.link_view {
        LinkView::Inline => false,
        LinkView::Full => {
            let lines = vec![
                Line::styled(format!("{label} (the whole link):"), theme.label()),
                Line::raw(""),
                Line::styled(url, theme.link()),
                Line::raw(""),
                Line::styled(
                    "u or Esc goes back · c copies it · v shows a QR code",
                    theme.dim(),
                ),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
            true
        }
        LinkView::Qr => {
            let Some(matrix) = super::qr::Matrix::encode(&url) else {
                frame.render_widget(
                    wrapped(vec![Line::styled(
                        "This link is too long for a QR code.",
                        theme.error(),
                    )]),
                    area,
                );
                return true;
            };
            let (w, h) = matrix.cells();
            if w > area.width || h + 2 > area.height {
                frame.render_widget(
                    wrapped(vec![
                        Line::styled("The terminal is too small for the QR code.", theme.warn()),
                        Line::raw(format!(
                            "It needs at least {}×{}; enlarge the window or use a smaller font.",
                            w + 4,
                            h + 6
                        )),
                        Line::raw("v or Esc goes back."),
                    ]),
                    area,
                );
                return true;
            }
            // Black on white when colours are allowed; otherwise the glyphs draw the light
            // modules, which reads right on the usual light-on-dark terminal.
            let rows = matrix.rows(theme.color);
            let style = if theme.color {
                Style::new()
                    .fg(ratatui::style::Color::Black)
                    .bg(ratatui::style::Color::White)
            } else {
                Style::default()
            };
            let x = area.x + (area.width - w) / 2;
            for (i, row) in rows.into_iter().enumerate() {
                frame.render_widget(
                    Paragraph::new(Span::styled(row, style)),
                    Rect::new(x, area.y + i as u16, w, 1),
                );
            }
            let caption = format!("{label}: scan it with your phone · v or Esc goes back");
            frame.render_widget(
                Paragraph::new(Line::styled(caption, theme.dim()))
                    .alignment(ratatui::layout::Alignment::Center),
                Rect::new(area.x, area.y + h + 1, area.width, 1),
            );
            true
        }
    }
}

pub fn form(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let form = &state.form;
    let width = area.width.saturating_sub(2) as usize;
    let focused = |f: Field| form.focus == f && state.overlay == crate::wizard::Overlay::None;
    let mut r = rows(area);
    let mut next = || r.next().unwrap_or_default();

    for field in [Field::Name, Field::Description, Field::Token] {
        let info = match field {
            Field::Name => "lowercase letters, digits, single hyphens".to_string(),
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
        let message = match (state.field_error(field), field) {
            (Some(e), _) => Line::styled(format!("  ✗ {e}"), theme.error()),
            (None, Field::Name) => Line::styled("  ✓ valid name", theme.ok()),
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
    if let Some(e) = state.field_error(Field::Project) {
        lines.insert(0, Line::styled(format!("  ✗ {e}"), theme.error()));
    }
    for (line, row) in lines.into_iter().zip(remaining) {
        frame.render_widget(Paragraph::new(line), row);
    }
}

use ratatui::style::Style;

/// The line under the token field: a refused paste, else what Ona said, else the notice.
fn token_status(state: &State, theme: Theme) -> Line<'static> {
    let form = &state.form;
    let spinner = SPINNER[state.spinner % SPINNER.len()];
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
            let who = format!(
                "  ✓ valid: {} in Ona organization {}",
                identity.principal, identity.organization_id
            );
            match expiry {
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

/// A field's label, and on the right a hint or a counter. Counters change per keystroke, so
/// they are drawn unstyled: a colour change costs bytes on every key over a slow link.
fn label_row(frame: &mut Frame, row: Rect, text: &str, info: &str, focused: bool, theme: Theme) {
    let style = if focused {
        theme.focused_label()
    } else {
        theme.label()
    };
    let info_width = info.chars().count() as u16;
    let (l, r) = super::split_right(row, info_width);
    frame.render_widget(Paragraph::new(Span::styled(text.to_string(), style)), l);
    let counter = info.ends_with("characters") || info.contains('/');
    let info_style = if counter {
        Style::default()
    } else {
        theme.dim()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(info.to_string(), info_style)),
        r,
    );
}

fn kv(key: &str, value: String, theme: Theme) -> Line<'static> {
    Line::from(vec![label(key, false, theme), Span::raw(value)])
}

pub fn review(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let form = &state.form;
    let site = state
        .sign_in
        .signed_in_site
        .clone()
        .unwrap_or_else(|| state.sign_in.site_text());
    let endpoint = Domain::parse(&site).map_or_else(
        |_| "(invalid host)".into(),
        |d| d.api("/v1/app-connections/ona"),
    );
    let project = form.chosen_project();
    let description = state
        .description_to_send()
        .ok()
        .flatten()
        .unwrap_or_else(|| "(none)".to_string());
    let mut lines = vec![
        Line::raw("Nothing has been sent yet. This is exactly what Infisical will receive:"),
        Line::raw(""),
        kv("Infisical", site.clone(), theme),
        Line::from(vec![
            label("Endpoint", false, theme),
            Span::raw(format!("POST {endpoint}")),
        ]),
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
        kv(
            "Token",
            format!(
                "{} ({} characters)",
                MASK.to_string().repeat(form.token.char_count().min(24)),
                form.token.char_count()
            ),
            theme,
        ),
    ];
    lines.extend(ona_review_lines(state, theme));
    lines.push(Line::raw(""));
    if let Some(err) = &state.submit_error {
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
    frame.render_widget(wrapped(lines), area);
}

/// The last failed submit on a review screen, and what Enter does now.
fn submit_error_lines(err: &crate::wizard::SubmitError, theme: Theme) -> Vec<Line<'static>> {
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
fn ona_review_lines(state: &State, theme: Theme) -> Vec<Line<'static>> {
    let form = &state.form;
    let check = match &form.ona {
        OnaCheck::Disabled => Line::styled(
            "not checked (--skip-ona-check); Infisical checks it",
            theme.dim(),
        ),
        OnaCheck::Idle | OnaCheck::Checking => Line::styled("checking…", theme.warn()),
        OnaCheck::Valid { identity, .. } => Line::styled(
            format!(
                "✓ valid ({}, organization {})",
                identity.principal, identity.organization_id
            ),
            theme.ok(),
        ),
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
    if let Some(e) = state.token_expiry() {
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
    }
    lines
}

pub fn submitting(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let site = state.sign_in.signed_in_site.clone().unwrap_or_default();
    if state.mode == Mode::Rotate {
        let name = state
            .rotation
            .target
            .as_ref()
            .map_or(String::new(), |t| sanitize::for_terminal(&t.name, 64));
        let lines = vec![
            Line::styled(
                format!(
                    "{} Replacing the token of \"{name}\" in {site}…",
                    SPINNER[state.spinner % SPINNER.len()]
                ),
                theme.warn(),
            ),
            Line::raw(""),
            Line::raw("Infisical asks Ona whether the new token is valid before it stores it."),
        ];
        frame.render_widget(wrapped(lines), area);
        return;
    }
    let lines = vec![
        Line::styled(
            format!(
                "{} Creating \"{}\" in {site}…",
                SPINNER[state.spinner % SPINNER.len()],
                state.form.name.value().trim()
            ),
            theme.warn(),
        ),
        Line::raw(""),
        Line::raw(
            "Infisical asks Ona whether the token is valid before it stores it; this can take a few seconds.",
        ),
        Line::styled(
            "The request is not re-sent automatically: if the answer is lost, the name is looked up instead.",
            theme.dim(),
        ),
    ];
    frame.render_widget(wrapped(lines), area);
}

pub fn done(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(created) = &state.created else {
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

/// Rows of the result summary, shared with what is printed after exit.
pub fn summary_lines(created: &crate::wizard::Created) -> Vec<(&'static str, String)> {
    let c = &created.connection;
    let clean = |s: &str| crate::sanitize::for_terminal(s, 200);
    let project = match (&created.project_name, &c.project_id) {
        (Some(n), Some(id)) => format!("{} ({})", clean(n), clean(id)),
        (None, Some(id)) => clean(id),
        (_, None) => "(organization-wide)".into(),
    };
    vec![
        ("ID", clean(&c.id)),
        ("Name", clean(&c.name)),
        (
            "Description",
            c.description.as_deref().map_or("(none)".into(), clean),
        ),
        (
            "App / method",
            format!(
                "{} · {} · version {}",
                clean(&c.app),
                clean(&c.method),
                c.version.map_or("?".into(), |v| v.to_string())
            ),
        ),
        ("Project", project),
        ("Organization", clean(&c.org_id)),
        (
            "Created",
            format!(
                "{} (updated {})",
                c.created_at.as_deref().map_or("?".into(), clean),
                c.updated_at.as_deref().map_or("?".into(), clean)
            ),
        ),
        (
            "Credentials #",
            c.credentials_hash.as_deref().map_or("?".into(), clean),
        ),
    ]
}

pub fn connections_page(created: &crate::wizard::Created) -> String {
    let c = &created.connection;
    Domain::parse(&created.site).map_or_else(
        |_| created.site.clone(),
        |d| {
            d.app_connections_page(
                &crate::sanitize::for_terminal(&c.org_id, 64),
                c.project_id.as_deref(),
            )
        },
    )
}

/// The non-interactive command that does the same; the token is read from stdin.
pub fn equivalent_command(created: &crate::wizard::Created) -> String {
    let c = &created.connection;
    let mut cmd = format!(
        "ona-connect create --domain {} --name {}",
        shell_quote(&created.site),
        shell_quote(&c.name)
    );
    if let Some(p) = &c.project_id {
        cmd.push_str(&format!(" --project {}", shell_quote(p)));
    }
    if let Some(d) = c.description.as_deref().filter(|d| !d.is_empty()) {
        cmd.push_str(&format!(" --description {}", shell_quote(d)));
    }
    cmd.push_str(" --pat-stdin");
    crate::sanitize::for_terminal(&cmd, 1000)
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn connection_label(c: &crate::infisical::AppConnection) -> String {
    let project = c
        .project
        .as_ref()
        .map(|p| sanitize::server_text(&p.name))
        .or_else(|| {
            c.project_id
                .as_deref()
                .map(|p| sanitize::for_terminal(p, 64))
        })
        .unwrap_or_else(|| "organization".into());
    format!(
        "{}  ({project}, {})",
        sanitize::for_terminal(&c.name, 64),
        sanitize::for_terminal(&c.id, 64)
    )
}

/// Rotation: which connection gets the new token.
pub fn pick_connection(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let r = &state.rotation;
    let mut r_rows = rows(area);
    let mut next = || r_rows.next().unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::raw(
            "Which connection's Ona token should be replaced?",
        )),
        next(),
    );
    let focused = state.overlay == crate::wizard::Overlay::None;
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
            let visible = area.height.saturating_sub(4).max(1) as usize;
            let first = cursor.saturating_sub(visible - 1);
            for (i, c) in list.iter().enumerate().skip(first).take(visible) {
                let style = if i == cursor {
                    theme.selected()
                } else {
                    Style::default()
                };
                lines.push(Line::styled(
                    format!(
                        "{} {}",
                        if i == cursor { "›" } else { " " },
                        connection_label(c)
                    ),
                    style,
                ));
            }
        }
    }
    let rest: Vec<Rect> = r_rows.collect();
    for (line, row) in lines.into_iter().zip(rest) {
        frame.render_widget(Paragraph::new(line), row);
    }
}

/// Rotation: only the new token.
pub fn rotation_form(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let form = &state.form;
    let mut r = rows(area);
    let mut next = || r.next().unwrap_or_default();
    if let Some(t) = &state.rotation.target {
        frame.render_widget(
            Paragraph::new(Line::raw(format!("Connection: {}", connection_label(t)))),
            next(),
        );
    }
    next();
    let focused = state.overlay == crate::wizard::Overlay::None;
    label_row(
        frame,
        next(),
        "New Personal Access Token",
        &format!("{} characters", form.token.char_count()),
        focused,
        theme,
    );
    let width = area.width.saturating_sub(2) as usize;
    draw_input(
        frame,
        next(),
        secret_view(form.token.expose(), form.token.cursor(), form.reveal, width),
        focused,
        "paste the new token from Ona (masked)",
        theme,
    );
    let status = match state.field_error(Field::Token) {
        Some(e) => Line::styled(format!("  ✗ {e}"), theme.error()),
        None => token_status(state, theme),
    };
    let mut row = next();
    row.height += next().height;
    frame.render_widget(wrapped(vec![status]), row);
}

/// Rotation: what will be sent.
pub fn rotation_review(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let form = &state.form;
    let site = state
        .sign_in
        .signed_in_site
        .clone()
        .unwrap_or_else(|| state.sign_in.site_text());
    let target = state.rotation.target.as_ref();
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
        Line::raw("Nothing has been sent yet. Only the token of this connection changes:"),
        Line::raw(""),
        kv("Infisical", site.clone(), theme),
        kv("Endpoint", format!("PATCH {endpoint}"), theme),
        kv(
            "Connection",
            target.map_or("(none)".into(), connection_label),
            theme,
        ),
        kv(
            "New token",
            format!(
                "{} ({} characters)",
                MASK.to_string().repeat(form.token.char_count().min(24)),
                form.token.char_count()
            ),
            theme,
        ),
    ];
    lines.extend(
        ona_review_lines(state, theme)
            .into_iter()
            .filter(|l| !l.to_string().contains("description")),
    );
    lines.push(Line::raw(""));
    if let Some(err) = &state.submit_error {
        lines.extend(submit_error_lines(err, theme));
    } else {
        lines.push(Line::raw(
            "Press Enter to replace the token, Esc to change it.",
        ));
    }
    frame.render_widget(wrapped(lines), area);
}

/// Rotation: the outcome.
pub fn rotated(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(r) = &state.rotation.result else {
        return;
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
        Line::raw("Now delete the old token in Ona (user settings → Personal Access Tokens)."),
        Line::styled(
            format!("The same from a script: {}", rotate_command(r)),
            theme.dim(),
        ),
        Line::raw(""),
        Line::styled(
            "Enter exits; this summary is printed again in your terminal.",
            theme.dim(),
        ),
    ];
    frame.render_widget(wrapped(lines), area);
}

/// The non-interactive rotation of the same connection; the token is read from stdin.
pub fn rotate_command(r: &crate::wizard::Rotated) -> String {
    sanitize::for_terminal(
        &format!(
            "ona-connect rotate --domain {} --id {} --pat-stdin",
            shell_quote(&r.site),
            shell_quote(&r.after.id)
        ),
        1000,
    )
}
