//! The pieces every screen is drawn with: one-line inputs, label rows, key-value rows,
//! choices and stacks of wrapped paragraphs.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use super::{MASK, Theme, split_right};

pub(super) const LABEL_WIDTH: usize = 15;

/// Lines from the top of `area`, as an unwrapped `Paragraph` draws lines that fit (which
/// these are, cut to width): the same cells, without its two passes over every cell of the
/// area to apply the default style, a tenth of the
/// first frame's work in the body alone.
pub(super) fn draw_lines(frame: &mut Frame, area: Rect, lines: &[Line<'_>]) {
    let buf = frame.buffer_mut();
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        let width = u16::try_from(line.width()).unwrap_or(u16::MAX);
        // Paragraph's offsets for an aligned line.
        let x = match line.alignment {
            Some(Alignment::Center) => (area.width / 2).saturating_sub(width / 2),
            Some(Alignment::Right) => area.width.saturating_sub(width),
            _ => 0,
        };
        buf.set_line(area.x + x, y, line, area.width - x);
    }
}

/// The screen's rounded frame with `title` on its top edge, drawn as ratatui's bordered
/// `Block` draws it but without its pass over every cell of the area to apply the default
/// style (a twentieth of the first frame's work). Returns the area inside the border.
pub(super) fn draw_frame(frame: &mut Frame, area: Rect, title: Line<'_>) -> Rect {
    use ratatui::symbols::border::ROUNDED;
    use ratatui::widgets::{Block, BorderType, Widget};
    let area = area.intersection(frame.area());
    if area.width < 2 || area.height < 2 {
        // No room for a border: ratatui's edge cases, never reached above the minimum size.
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        return inner;
    }
    let buf = frame.buffer_mut();
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    for x in left..=right {
        buf[(x, top)].set_symbol(ROUNDED.horizontal_top);
        buf[(x, bottom)].set_symbol(ROUNDED.horizontal_bottom);
    }
    for y in top..=bottom {
        buf[(left, y)].set_symbol(ROUNDED.vertical_left);
        buf[(right, y)].set_symbol(ROUNDED.vertical_right);
    }
    buf[(left, top)].set_symbol(ROUNDED.top_left);
    buf[(right, top)].set_symbol(ROUNDED.top_right);
    buf[(left, bottom)].set_symbol(ROUNDED.bottom_left);
    buf[(right, bottom)].set_symbol(ROUNDED.bottom_right);
    let width = u16::try_from(title.width()).unwrap_or(u16::MAX);
    title.render(Rect::new(left + 1, top, width.min(area.width - 2), 1), buf);
    Rect::new(left + 1, top + 1, area.width - 2, area.height - 2)
}

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
    draw_lines(frame, area, &[line]);
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

/// A labelled row of choices, continued under the first choice when it does not fit `width`
/// (a choice is never split, so each row can be read on its own).
pub(super) fn choice_lines(
    name: &str,
    labels: &[&str],
    selected: usize,
    focused: bool,
    theme: Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let room = (width as usize).saturating_sub(LABEL_WIDTH).max(1);
    let mut lines = Vec::new();
    let mut row = vec![label(name, focused, theme)];
    let mut used = 0;
    for span in choice_spans(labels, selected, focused, theme)
        .chunks(2)
        .map(<[Span<'static>]>::to_vec)
    {
        let len: usize = span.iter().map(|s| s.content.chars().count()).sum();
        if used > 0 && used + len > room {
            lines.push(Line::from(std::mem::replace(
                &mut row,
                vec![Span::raw(" ".repeat(LABEL_WIDTH))],
            )));
            used = 0;
        }
        used += len;
        row.extend(span);
    }
    lines.push(Line::from(row));
    lines
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
    draw_lines(frame, l, &[Span::styled(text, style).into()]);
    let counter = info.ends_with("characters") || info.contains('/');
    let info_style = if counter {
        Style::default()
    } else {
        theme.dim()
    };
    draw_lines(frame, r, &[Span::styled(info, info_style).into()]);
}

pub(super) fn kv(key: &str, value: String, theme: Theme) -> Line<'static> {
    Line::from(vec![label(key, false, theme), Span::raw(value)])
}

/// A secret on Review: mask glyphs (at most 24) and how many characters it has.
pub(super) fn masked(chars: usize) -> String {
    format!(
        "{} ({chars} characters)",
        MASK.to_string().repeat(chars.min(24))
    )
}

/// Splits `text` into rows of at most `width` columns, at spaces where it can and inside a
/// word where it must, so nothing is cut.
pub(super) fn wrap_text(text: &str, width: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(1);
    let mut rows = Vec::new();
    let (mut row, mut used) = (String::new(), 0);
    for word in text.split(' ') {
        let needed = word.width() + usize::from(!row.is_empty());
        if used + needed <= width {
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
            used += needed;
            continue;
        }
        if !row.is_empty() {
            rows.push(std::mem::take(&mut row));
            used = 0;
        }
        // Fits alone, or is cut inside where it must be.
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push(c);
            used += w;
        }
    }
    rows.push(row);
    rows
}

/// A shell command in rows of at most `width` columns, each continued row ending in `\`, so
/// a copy of all rows still runs: broken between words, and a word longer than a row inside
/// it (a quoted one closes its quote before the `\` and opens it again on the next row).
pub(super) fn command_rows(command: &str, width: u16) -> Vec<String> {
    let width = (width as usize).saturating_sub(2).max(8);
    let mut words = Vec::new();
    let (mut word, mut quoted, mut escaped) = (String::new(), false, false);
    for c in command.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                word.push(c);
            }
            '\\' if !quoted => {
                escaped = true;
                word.push(c);
            }
            ' ' if !quoted => words.push(std::mem::take(&mut word)),
            '\'' => {
                quoted = !quoted;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    words.push(word);
    let mut rows: Vec<String> = vec![String::new()];
    for word in words {
        let row = rows.last_mut().expect("one row at least");
        let len = word.chars().count();
        if !row.is_empty() && row.chars().count() + 1 + len > width {
            row.push_str(" \\");
            rows.push(String::new());
        }
        let row = rows.last_mut().expect("one row at least");
        if !row.is_empty() {
            row.push(' ');
        }
        if len <= width.saturating_sub(row.chars().count()) {
            row.push_str(&word);
        } else {
            let pieces = break_word(&word, width, row.chars().count());
            row.push_str(&pieces[0]);
            rows.extend(pieces[1..].iter().cloned());
        }
    }
    rows
}

/// A shell word in pieces of at most `width` columns (the first after `used` columns), each
/// but the last ending in a line continuation that the shell removes.
fn break_word(word: &str, width: usize, used: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let (mut piece, mut room) = (String::new(), width.saturating_sub(used).max(3));
    let (mut quoted, mut escaped) = (false, false);
    for c in word.chars() {
        // Room for the closing quote and the backslash; never between `\` and what it escapes.
        if !escaped && piece.chars().count() + 2 >= room {
            if quoted {
                piece.push('\'');
            }
            piece.push('\\');
            pieces.push(std::mem::take(&mut piece));
            if quoted {
                piece.push('\'');
            }
            room = width;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if !quoted => escaped = true,
            '\'' => quoted = !quoted,
            _ => {}
        }
        piece.push(c);
    }
    pieces.push(piece);
    pieces
}

/// How a secret field is drawn: masked, or in clear when revealed.
pub(super) fn secret_input_view(
    input: &crate::secret::SecretInput,
    reveal: bool,
    width: usize,
) -> FieldView {
    secret_view(input.expose(), input.cursor(), reveal, width)
}

/// The end of a result screen: the equivalent command (wrapped so a copy still runs) and
/// what Enter does.
pub(super) fn script_tail(command: &str, width: u16, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        "The same from a script (token on stdin):",
        theme.label(),
    )];
    lines.extend(command_rows(command, width).into_iter().map(Line::raw));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter exits; this summary is printed again in your terminal.",
        theme.dim(),
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cell, symbols and styles, as `Paragraph` draws the same lines.
    #[test]
    fn lines_are_drawn_as_a_paragraph_draws_them() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::style::{Color, Modifier};
        use ratatui::widgets::Paragraph;
        let lines = vec![
            Line::from(vec![
                Span::styled("Host  ", Style::new().bold()),
                Span::styled("‹ 雲 cloud ›", Style::new().fg(Color::Indexed(24))),
            ])
            .style(Style::new().add_modifier(Modifier::UNDERLINED)),
            Line::raw("a line much wider than the twenty cells, cut"),
            Line::styled("⚠ wide: 全角 text 全角", Style::new().yellow()),
            Line::raw("centred").centered(),
            Line::raw("right").right_aligned(),
            Line::raw("beyond the area"),
        ];
        let area = Rect::new(2, 1, 20, 5);
        let draw = |ours: bool| {
            let mut t = Terminal::new(TestBackend::new(24, 7)).unwrap();
            t.draw(|f| {
                if ours {
                    draw_lines(f, area, &lines);
                } else {
                    f.render_widget(Paragraph::new(lines.clone()), area);
                }
            })
            .unwrap();
            t.backend().buffer().clone()
        };
        assert_eq!(draw(true), draw(false));
    }

    /// Every cell, symbols and styles, and the inner area, as a rounded bordered `Block` with
    /// the title draws them.
    #[test]
    fn the_frame_is_drawn_as_a_block_draws_it() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::widgets::{Block, BorderType};
        for (area, title) in [
            (Rect::new(1, 1, 30, 6), " Sign in to Infisical "),
            (Rect::new(0, 0, 12, 3), " A title longer than the frame "),
            (Rect::new(0, 0, 2, 2), " x "),
            (Rect::new(3, 3, 1, 4), " x "),
        ] {
            let title = || Line::from(Span::styled(title, Style::new().bold().cyan()));
            let draw = |ours: bool| {
                let mut t = Terminal::new(TestBackend::new(32, 8)).unwrap();
                let mut inner = Rect::default();
                t.draw(|f| {
                    if ours {
                        inner = draw_frame(f, area, title());
                    } else {
                        let block = Block::bordered()
                            .border_type(BorderType::Rounded)
                            .title(title());
                        inner = block.inner(area);
                        f.render_widget(block, area);
                    }
                })
                .unwrap();
                (t.backend().buffer().clone(), inner)
            };
            assert_eq!(draw(true), draw(false), "{area:?}");
        }
    }
}
