//! A screen's links: each on its own row, or one as a QR code or whole.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::body::{cut_marked, draw_body, wrap_all};
use super::widgets::*;
use crate::wizard::{LinkView, State, Viewport};

/// The screen's links, each URL on its own unwrapped row (shortened in the middle when it does
/// not fit), the keys that act on them and the last link notice.
pub(super) fn link_lines(state: &State, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let links = state.links();
    let many = links.len() > 1;
    let mut shortened = false;
    let mut lines = Vec::new();
    for (i, (label, url)) in links.iter().enumerate() {
        let selected = i == state.link().min(links.len() - 1);
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
    // The rows of links are drawn unwrapped (so each URL stays on one row): wrap the key
    // hint and the notice here, so they are never cut.
    let width = width as usize;
    lines.extend(
        wrap_text(&keys, width)
            .into_iter()
            .map(|row| Line::styled(row, theme.dim())),
    );
    if let Some(n) = state.notice() {
        lines.extend(
            wrap_text(n, width)
                .into_iter()
                .map(|row| Line::styled(row, theme.warn())),
        );
    }
    lines
}

/// The selected link as a QR code or alone in full, when asked for: what the body showed,
/// `None` when nothing was drawn.
pub(super) fn link_view(
    state: &State,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) -> Option<Viewport> {
    let (label, url) = state.selected_link()?;
    match state.link_view() {
        LinkView::Inline => None,
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
            let rows = wrap_all(lines, area.width);
            Some(draw_body(frame, area, rows, state.scroll(), None, theme).viewport)
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
                return Some(Viewport::FITS);
            };
            // Reached only when the code does not fit the whole terminal (see `qr_screen`).
            let (w, h) = matrix.cells();
            frame.render_widget(
                wrapped(vec![
                    Line::styled("The terminal is too small for the QR code.", theme.warn()),
                    Line::raw(format!(
                        "It needs at least {w}×{}; enlarge the window or use a smaller font.",
                        h + 1
                    )),
                    Line::raw("v or Esc goes back."),
                ]),
                area,
            );
            Some(Viewport::FITS)
        }
    }
}

/// The selected link's QR code over the whole terminal (it needs every row it can get), with
/// one caption row; false when no code is asked for or it does not fit.
pub(super) fn qr_screen(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> bool {
    if state.link_view() != LinkView::Qr {
        return false;
    }
    let Some((label, url)) = state.selected_link() else {
        return false;
    };
    let Some(matrix) = super::qr::Matrix::encode(&url) else {
        return false;
    };
    let (w, h) = matrix.cells();
    if w > area.width || h + 1 > area.height {
        return false;
    }
    // Exact black on white when colours are allowed (the ANSI pair is theme-dependent);
    // otherwise the glyphs draw the light modules, which reads right on the usual
    // light-on-dark terminal.
    let rows = matrix.rows(theme.color());
    let style = if theme.color() {
        Style::new()
            .fg(ratatui::style::Color::Indexed(16))
            .bg(ratatui::style::Color::Indexed(231))
    } else {
        Style::default()
    };
    let x = area.x + (area.width - w) / 2;
    let y = area.y + (area.height - h - 1) / 2;
    for (i, row) in rows.into_iter().enumerate() {
        frame.render_widget(
            Paragraph::new(Span::styled(row, style)),
            Rect::new(x, y + i as u16, w, 1),
        );
    }
    let caption = format!("{label}: scan it with your phone · v or Esc goes back");
    frame.render_widget(
        Paragraph::new(cut_marked(
            Line::styled(caption, theme.dim()),
            area.width as usize,
        ))
        .alignment(ratatui::layout::Alignment::Center),
        Rect::new(area.x, y + h, area.width, 1),
    );
    true
}
