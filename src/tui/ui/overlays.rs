//! What opens over a screen: help, the quit question, the choice of token.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::Theme;
use super::body::{cut_marked, draw_body, list_window, wrap_all};
use super::widgets::LABEL_WIDTH;
use crate::session::ona_check::ExpiryState;
use crate::wizard::{OnaCheck, State, Viewport, keymap};

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub(super) fn help(state: &State, theme: Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let mut lines = vec![
        Line::styled("Keys on this screen", theme.title()),
        Line::raw(""),
    ];
    for (k, v) in keymap::help_rows(state) {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:<LABEL_WIDTH$}  "), theme.label()),
            Span::raw(v),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Signed in to: {}",
            state
                .sign_in()
                .signed_in_site
                .as_deref()
                .unwrap_or("(not yet)")
        ),
        theme.dim(),
    ));
    // Wrapped inside the popup's borders and margin; each key's text in its column.
    let width = 76.min(area.width).saturating_sub(4);
    let rows = wrap_all(lines, width);
    let r = popup(area, 76, rows.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(" Help ");
    let inner = block.inner(r).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(block, r);
    draw_body(frame, inner, rows, state.scroll(), None, theme).viewport
}

pub(super) fn confirm_quit(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![Line::styled("Quit ona-connect?", theme.title())];
    let (quit, stay) = match (state.in_flight(), state.unsettled()) {
        (Some(in_flight), _) => {
            let (what, maybe) = if in_flight.rotation {
                (
                    "The new token was sent",
                    "the token may already be replaced",
                )
            } else {
                (
                    "The create was sent",
                    "the connection may already be stored",
                )
            };
            lines.push(Line::raw(format!(
                "{what} to Infisical and the answer has not come yet: {maybe}. Wait, and this screen shows what happened as soon as Infisical answers."
            )));
            (" quit anyway (outcome unknown)   ", " wait for the answer")
        }
        (None, Some(lost)) => {
            let what = if lost.rotation {
                "The new token was sent earlier and its answer was lost: the token may already be replaced."
            } else {
                "A create was sent earlier and its answer was lost: the connection may already be stored. Quitting first looks it up by name and says what it finds."
            };
            lines.push(Line::raw(what));
            (" quit   ", " stay")
        }
        (None, None) => {
            lines.push(Line::raw("What you entered is not saved anywhere."));
            (" quit   ", " stay")
        }
    };
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("y", theme.label()),
        Span::raw(quit),
        Span::styled("n", theme.label()),
        Span::raw(stay),
    ]));
    let rows = wrap_all(lines, 64.min(area.width).saturating_sub(2));
    let r = popup(area, 64, rows.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(rows).block(Block::bordered().border_type(BorderType::Double)),
        r,
    );
}

pub(super) fn pick_token(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let OnaCheck::Valid {
        expiry: ExpiryState::Choosing(candidates),
        ..
    } = &state.form().ona
    else {
        return;
    };
    let inner_width = 76.min(area.width).saturating_sub(2);
    let head = wrap_all(
        vec![
            Line::styled("Which of your Ona tokens did you paste?", theme.title()),
            Line::raw("Ona cannot say which one it is; choose it to see when it expires."),
            Line::raw(""),
        ],
        inner_width,
    );
    let foot = wrap_all(
        vec![
            Line::raw(""),
            Line::styled(
                "↑/↓ choose · Enter select · Esc skip (the expiry stays unknown)",
                theme.dim(),
            ),
        ],
        inner_width,
    );
    // The list takes the rows the popup has left, around the cursor, saying how many more.
    let room = (area.height as usize).saturating_sub(2 + head.len() + foot.len());
    let cursor = state.form().pat_cursor;
    let (first, count, more) = list_window(candidates.len(), cursor, room, theme);
    let mut rows = head;
    for (i, c) in candidates.iter().enumerate().skip(first).take(count) {
        let selected = i == cursor;
        // The description's column shrinks on a narrow terminal, so the expiry stays whole.
        let column = if inner_width < 70 { 16 } else { 28 };
        let text = format!(
            "{} {:<column$} {}",
            if selected { "›" } else { " " },
            c.description,
            c.text()
        );
        let style = if selected {
            theme.selected()
        } else {
            Style::default()
        };
        rows.push(cut_marked(Line::styled(text, style), inner_width as usize));
    }
    rows.extend(more);
    rows.extend(foot);
    let r = popup(area, 76, rows.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(rows).block(Block::bordered().border_type(BorderType::Double)),
        r,
    );
}
