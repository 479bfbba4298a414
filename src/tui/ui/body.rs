//! A screen's body as rows: lines wrapped so their continuation stays in their column (after
//! a key-value row's label, under the text of a ✓/✗/⚠ message), drawn from the state's scroll
//! offset with a mark when there is more above or below, and a marked cut ("…") for any row
//! that still does not fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Theme;
use super::widgets::{LABEL_WIDTH, draw_lines};
use crate::wizard::Viewport;

/// Glyphs that start a message; its continuation rows are indented under the text after them.
const MARKS: [char; 6] = ['✓', '✗', '⚠', '›', '•', '↳'];

/// The column continuation rows of `line` start at.
fn hanging_indent(line: &Line<'_>) -> usize {
    if let [first, _, ..] = line.spans.as_slice() {
        let text = first.content.as_ref();
        // A key-value row: a label padded to its column.
        if text.width() == LABEL_WIDTH || (text.ends_with("  ") && !text.trim().is_empty()) {
            return text.width();
        }
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let spaces = text.chars().take_while(|c| *c == ' ').count();
    let mut rest = text.chars().skip(spaces);
    match (rest.next(), rest.next()) {
        (Some(mark), Some(' ')) if MARKS.contains(&mark) => spaces + mark.width().unwrap_or(1) + 1,
        _ => spaces,
    }
}

/// `line` in rows of at most `width` columns, broken at spaces where it can and inside a
/// word where it must; nothing is lost.
pub(super) fn wrap_line(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    if line.width() <= width {
        return vec![line.clone()];
    }
    let indent = hanging_indent(line).min(width / 2);
    let base = line.style;
    let cells: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars().map(move |c| (c, base.patch(s.style))))
        .collect();
    let mut rows: Vec<Vec<(char, Style)>> = Vec::new();
    let mut row: Vec<(char, Style)> =
        cells[..cells.len().min(indent_cells(&cells, indent))].to_vec();
    let mut used: usize = row.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
    let prefix_len = row.len();
    let mut fresh = true;
    let new_row = |rows: &mut Vec<Vec<(char, Style)>>, row: &mut Vec<(char, Style)>| {
        rows.push(std::mem::replace(
            row,
            vec![(' ', Style::default()); indent],
        ));
    };
    for word in cells[prefix_len..].split(|(c, _)| *c == ' ') {
        let word_width: usize = word.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
        let space = usize::from(!fresh);
        // A word longer than the column is broken where it stands, not moved to the next row
        // first (so "POST https://…" keeps the URL beside the method).
        let breaks_anyway = word_width > width - indent;
        if used + space + word_width > width && !fresh && !breaks_anyway {
            new_row(&mut rows, &mut row);
            used = indent;
        } else if !fresh {
            row.push((' ', Style::default()));
            used += 1;
        }
        for &(c, style) in word {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > indent {
                new_row(&mut rows, &mut row);
                used = indent;
            }
            row.push((c, style));
            used += w;
        }
        fresh = false;
    }
    rows.push(row);
    rows.into_iter().map(to_line).collect()
}

/// How many cells of `cells` make up the first `columns` columns.
fn indent_cells(cells: &[(char, Style)], columns: usize) -> usize {
    let mut used = 0;
    cells
        .iter()
        .take_while(|(c, _)| {
            used += c.width().unwrap_or(0);
            used <= columns
        })
        .count()
}

fn to_line(cells: Vec<(char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (c, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(c),
            _ => spans.push(Span::styled(c.to_string(), style)),
        }
    }
    Line::from(spans)
}

/// Every line wrapped to `width`.
pub(super) fn wrap_all(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| wrap_line(l, width as usize))
        .collect()
}

/// A row that is wider than `width` (a list entry, a choice) ends in "…" where it is cut.
pub(super) fn cut_marked(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            text.push(c);
            used += w;
        }
        let full = text.chars().count() == span.content.chars().count();
        spans.push(Span::styled(text, span.style));
        if !full {
            spans.push(Span::styled("…", span.style));
            break;
        }
    }
    Line::from(spans).style(line.style)
}

/// Which entries of a list of `total` a window of `room` rows shows around `cursor`: the
/// first one, how many, and the row that says how many more there are, when some are hidden.
pub(super) fn list_window(
    total: usize,
    cursor: usize,
    room: usize,
    theme: Theme,
) -> (usize, usize, Option<Line<'static>>) {
    let room = room.max(2);
    if total <= room {
        return (0, total, None);
    }
    let count = room - 1;
    let first = cursor.saturating_sub(count - 1).min(total - count);
    let (above, below) = (first, total - first - count);
    let text = match (above > 0, below > 0) {
        (true, true) => format!("  ↕ {above} more above and {below} below in the list (↑/↓)"),
        (true, false) => format!("  ↑ {above} more above in the list (↑/↓)"),
        _ => format!("  ↓ {below} more below in the list (↑/↓)"),
    };
    (first, count, Some(Line::styled(text, theme.warn())))
}

/// What a drawn body showed: the viewport for the state, and the offset it was drawn from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shown {
    pub viewport: Viewport,
    pub offset: usize,
}

/// Where row `index` of a drawn body is on screen, if it is in sight (for the inputs drawn
/// over their rows).
pub(super) fn body_row(area: Rect, shown: Shown, index: usize) -> Option<Rect> {
    let view = match shown.viewport.page {
        0 => area.height as usize,
        n => n,
    };
    let y = index.checked_sub(shown.offset).filter(|y| *y < view)?;
    Some(Rect::new(area.x, area.y + y as u16, area.width, 1))
}

/// Draws `rows` from `offset` (at most to the end). When they do not fit, the last row says
/// what is above and below. `keep`: a row brought into sight while unscrolled (the focused
/// field; focus changes scroll back).
pub(super) fn draw_body(
    frame: &mut Frame,
    area: Rect,
    rows: Vec<Line<'static>>,
    offset: usize,
    keep: Option<usize>,
    theme: Theme,
) -> Shown {
    let width = area.width as usize;
    let height = area.height as usize;
    let rows: Vec<Line<'static>> = rows.into_iter().map(|r| cut_marked(r, width)).collect();
    if rows.len() <= height {
        draw_lines(frame, area, &rows);
        return Shown {
            viewport: Viewport::FITS,
            offset: 0,
        };
    }
    let view = height.saturating_sub(1).max(1);
    let hidden = rows.len() - view;
    // Unscrolled, the focused row is brought into sight; once scrolled, the reader decides.
    let offset = match keep {
        Some(k) if offset == 0 => (k + 1).saturating_sub(view).min(hidden),
        _ => offset.min(hidden),
    };
    let shown: Vec<Line<'static>> = rows.into_iter().skip(offset).take(view).collect();
    draw_lines(
        frame,
        Rect {
            height: view as u16,
            ..area
        },
        &shown,
    );
    let mark = match (offset > 0, offset < hidden) {
        (false, _) => "↓ more below · PgDn",
        (true, true) => "↑↓ more above and below · PgUp/PgDn",
        (true, false) => "↑ more above · PgUp",
    };
    if height > 1 {
        draw_lines(
            frame,
            Rect::new(area.x, area.y + view as u16, area.width, 1),
            &[cut_marked(Line::styled(mark, theme.warn()), width)],
        );
    }
    Shown {
        viewport: Viewport { hidden, page: view },
        offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn messages_wrap_under_their_text() {
        let line = Line::raw("  ✗ Ona rejected this token (unauthenticated: token expired)");
        let rows = texts(&wrap_line(&line, 30));
        assert_eq!(
            rows,
            [
                "  ✗ Ona rejected this token",
                "    (unauthenticated: token",
                "    expired)",
            ]
        );
    }

    #[test]
    fn key_value_rows_wrap_in_the_value_column() {
        let line = Line::from(vec![
            Span::raw(format!("{:<LABEL_WIDTH$}", "Endpoint")),
            Span::raw("POST https://app.infisical.com/api/v1/app-connections/ona"),
        ]);
        let rows = texts(&wrap_line(&line, 40));
        assert_eq!(rows[0], "Endpoint       POST https://app.infisica");
        assert!(
            rows[1..]
                .iter()
                .all(|r| r.starts_with(&" ".repeat(LABEL_WIDTH)))
        );
        assert!(rows.iter().all(|r| r.chars().count() <= 40), "{rows:?}");
        let joined: String = rows.concat().split_whitespace().collect();
        assert_eq!(
            joined,
            "EndpointPOSThttps://app.infisical.com/api/v1/app-connections/ona"
        );
    }

    #[test]
    fn a_cut_ends_in_an_ellipsis() {
        let cut = cut_marked(Line::raw("› Backend (backend, 00000000-0000)"), 12);
        assert_eq!(cut.to_string(), "› Backend (…");
        assert_eq!(cut.width(), 12);
        assert_eq!(cut_marked(Line::raw("short"), 12).to_string(), "short");
    }
}
