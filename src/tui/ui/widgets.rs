//! The pieces every screen is drawn with: one-line inputs, label rows, key-value rows,
//! choices and stacks of wrapped paragraphs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use super::{MASK, Theme, split_right};

pub(super) const LABEL_WIDTH: usize = 15;

/// What a one-line input shows: its text, where the cursor is and how far it is scrolled.
pub(super) struct FieldView {
    text: String,
    cursor: usize,
    scroll: usize,
}

pub(super) fn plain_view(input: &Input, width: usize) -> FieldView {
    FieldView {
        text: input.value().to_string(),
        cursor: input.visual_cursor(),
        scroll: input.visual_scroll(width),
    }
}

/// A secret is drawn as one mask glyph per character, or in clear only when revealed.
pub(super) fn secret_view(value: &str, cursor: usize, reveal: bool, width: usize) -> FieldView {
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
pub(super) fn draw_input(
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

pub(super) fn rows(area: Rect) -> impl Iterator<Item = Rect> {
    (area.y..area.bottom()).map(move |y| Rect::new(area.x, y, area.width, 1))
}

pub(super) fn wrapped(lines: Vec<Line<'static>>) -> Paragraph<'static> {
    Paragraph::new(lines).wrap(Wrap { trim: false })
}

pub(super) fn choice_spans(
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

pub(super) fn label(text: &str, focused: bool, theme: Theme) -> Span<'static> {
    let style = if focused {
        theme.focused_label()
    } else {
        theme.label()
    };
    Span::styled(format!("{text:<LABEL_WIDTH$}"), style)
}

/// A field's label, and on the right a hint or a counter. Counters change per keystroke, so
/// they are drawn unstyled: a colour change costs bytes on every key over a slow link.
pub(super) fn label_row(
    frame: &mut Frame,
    row: Rect,
    text: &str,
    info: &str,
    focused: bool,
    theme: Theme,
) {
    let style = if focused {
        theme.focused_label()
    } else {
        theme.label()
    };
    let info_width = info.chars().count() as u16;
    let (l, r) = split_right(row, info_width);
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

pub(super) fn kv(key: &str, value: String, theme: Theme) -> Line<'static> {
    Line::from(vec![label(key, false, theme), Span::raw(value)])
}

/// Draws paragraphs one below the other, each as tall as its wrapped text.
pub(super) fn stack(frame: &mut Frame, area: Rect, parts: Vec<Paragraph<'static>>) {
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
