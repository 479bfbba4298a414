//! What opens over a screen: help, the quit question, the choice of token.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use crate::session::ona_check::ExpiryState;
use crate::wizard::{OnaCheck, State, keymap};

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

pub(super) fn help(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::styled("Keys on this screen", theme.title()),
        Line::raw(""),
    ];
    for (k, v) in keymap::help_rows(state) {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:<16}"), theme.label()),
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
    let r = popup(area, 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_type(BorderType::Double)
                .title(" Help "),
        ),
        r,
    );
}

pub(super) fn confirm_quit(state: &State, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![Line::styled("Quit ona-connect?", theme.title())];
    let (quit, stay) = match state.in_flight() {
        Some(in_flight) => {
            let what = if in_flight.rotation {
                "The new token was sent to Infisical and the answer has not come yet:"
            } else {
                "The create was sent to Infisical and the answer has not come yet:"
            };
            lines.push(Line::raw(what));
            lines.push(Line::raw(
                "the connection may already be stored. Wait, and this screen shows",
            ));
            lines.push(Line::raw("what happened as soon as Infisical answers."));
            (
                " quit anyway (the outcome stays unknown)   ",
                " wait for the answer",
            )
        }
        None => {
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
    let r = popup(area, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_type(BorderType::Double)),
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
    let mut lines = vec![
        Line::styled("Which of your Ona tokens did you paste?", theme.title()),
        Line::raw("Ona cannot say which one it is; choose it to see when it expires."),
        Line::raw(""),
    ];
    for (i, c) in candidates.iter().enumerate().take(12) {
        let selected = i == state.form().pat_cursor;
        let text = format!(
            "{} {:<28} {}",
            if selected { "›" } else { " " },
            c.description,
            c.text()
        );
        lines.push(Line::styled(
            text,
            if selected {
                theme.selected()
            } else {
                Style::default()
            },
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "↑/↓ choose · Enter select · Esc skip (the expiry stays unknown)",
        theme.dim(),
    ));
    let r = popup(area, 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_type(BorderType::Double)),
        r,
    );
}
