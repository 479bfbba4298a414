//! The lean backend: ratatui's crossterm backend, writing as few bytes as possible.

use std::io::{self, Write};

use crossterm::style::{
    Attribute, ResetColor, SetAttribute, SetBackgroundColor, SetForegroundColor,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// A crossterm backend that writes as few bytes as possible: it remembers the terminal's
/// cursor position, cursor visibility and current colours across frames, so a keystroke in the
/// token field costs the changed cells only (no per-frame style resets, no redundant cursor
/// moves or "show cursor" sequences). People run this over slow, metered SSH links.
pub struct LeanBackend<W: Write> {
    writer: W,
    /// Where the terminal's cursor is, when known.
    at: Option<(u16, u16)>,
    visible: Option<bool>,
    fg: Color,
    bg: Color,
    modifier: Modifier,
    /// Colours are unknown until the first cell sets them.
    style_known: bool,
    /// A fixed size instead of the terminal's (for drawing into a buffer in tests).
    fixed: Option<Size>,
    /// The size last read from the terminal. ratatui asks for it before every frame, so
    /// `draw` can use it instead of asking the terminal again.
    last_size: std::cell::Cell<Option<Size>>,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> LeanBackend<W> {
        LeanBackend {
            writer,
            at: None,
            visible: None,
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
            style_known: false,
            fixed: None,
            last_size: std::cell::Cell::new(None),
        }
    }

    /// A backend of a fixed size that is not tied to a real terminal.
    pub fn with_size(writer: W, width: u16, height: u16) -> LeanBackend<W> {
        LeanBackend {
            fixed: Some(Size { width, height }),
            ..LeanBackend::new(writer)
        }
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        if self.at != Some((x, y)) {
            queue!(self.writer, cursor::MoveTo(x, y))?;
            self.at = Some((x, y));
        }
        Ok(())
    }

    fn apply_style(&mut self, cell: &Cell) -> io::Result<()> {
        if !self.style_known || cell.modifier != self.modifier {
            // One reset, then the attributes wanted; the colours must be set again after it.
            queue!(self.writer, SetAttribute(Attribute::Reset))?;
            for (m, a) in [
                (Modifier::BOLD, Attribute::Bold),
                (Modifier::DIM, Attribute::Dim),
                (Modifier::ITALIC, Attribute::Italic),
                (Modifier::UNDERLINED, Attribute::Underlined),
                (Modifier::SLOW_BLINK, Attribute::SlowBlink),
                (Modifier::RAPID_BLINK, Attribute::RapidBlink),
                (Modifier::REVERSED, Attribute::Reverse),
                (Modifier::HIDDEN, Attribute::Hidden),
                (Modifier::CROSSED_OUT, Attribute::CrossedOut),
            ] {
                if cell.modifier.contains(m) {
                    queue!(self.writer, SetAttribute(a))?;
                }
            }
            self.modifier = cell.modifier;
            self.fg = Color::Reset;
            self.bg = Color::Reset;
            self.style_known = true;
        }
        if cell.fg != self.fg {
            queue!(self.writer, SetForegroundColor(cell.fg.into_crossterm()))?;
            self.fg = cell.fg;
        }
        if cell.bg != self.bg {
            queue!(self.writer, SetBackgroundColor(cell.bg.into_crossterm()))?;
            self.bg = cell.bg;
        }
        Ok(())
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let size = self.last_size.get().map_or_else(|| self.size(), Ok);
        let width = size.map_or(u16::MAX, |s| s.width);
        for (x, y, cell) in content {
            self.move_to(x, y)?;
            self.apply_style(cell)?;
            let symbol = cell.symbol();
            // Straight to the buffer: crossterm's `Print` goes through `fmt` for every cell.
            self.writer.write_all(symbol.as_bytes())?;
            let advance = unicode_width::UnicodeWidthStr::width(symbol) as u16;
            // Only a plain one-column glyph away from the right edge moves the cursor predictably.
            self.at = (advance == 1 && x + 1 < width).then_some((x + 1, y));
        }
        Ok(())
    }

    // Flushed at once: ratatui also calls these outside a frame (on drop), with no flush after.
    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            execute!(self.writer, cursor::Hide)?;
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            execute!(self.writer, cursor::Show)?;
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.at.map_or(Position::ORIGIN, |(x, y)| Position { x, y }))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.move_to(p.x, p.y)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Cleared cells take the current background: start from plain colours.
        queue!(self.writer, SetAttribute(Attribute::Reset), ResetColor)?;
        self.style_known = false;
        // A clear comes with a resize or a return from a stop, after which the cursor may be
        // anywhere, shown or not.
        self.at = None;
        self.visible = None;
        let kind = match clear_type {
            ClearType::All => crossterm::terminal::ClearType::All,
            ClearType::AfterCursor => crossterm::terminal::ClearType::FromCursorDown,
            ClearType::BeforeCursor => crossterm::terminal::ClearType::FromCursorUp,
            ClearType::CurrentLine => crossterm::terminal::ClearType::CurrentLine,
            ClearType::UntilNewLine => crossterm::terminal::ClearType::UntilNewLine,
        };
        queue!(self.writer, crossterm::terminal::Clear(kind))?;
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.fixed {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        let size = Size { width, height };
        self.last_size.set(Some(size));
        Ok(size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.fixed {
            return Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            });
        }
        let ws = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: ws.columns,
                height: ws.rows,
            },
            pixels: Size {
                width: ws.width,
                height: ws.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::ui::{self, Theme};
    use crate::wizard::{self, Init, Intent, Msg, State};
    use ratatui::Terminal;

    /// Draws `state` through the lean backend and returns the bytes written for this frame.
    fn frame(
        terminal: &mut Terminal<LeanBackend<Vec<u8>>>,
        state: &State,
        theme: Theme,
    ) -> Vec<u8> {
        terminal.backend_mut().writer_mut().clear();
        terminal.draw(|f| ui::render(state, theme, f)).unwrap();
        terminal.backend().writer().clone()
    }

    fn on_token_field() -> State {
        let (mut s, _) = State::new(Init {
            site: "https://app.infisical.com".into(),
            client_id: Some("id".into()),
            skip_ona_check: true,
            ..Init::default()
        });
        wizard::update(
            &mut s,
            Msg::SignInFinished(Ok(wizard::SignedIn {
                site: "https://app.infisical.com".into(),
                via: "test".into(),
                who: None,
                projects: Err("none".into()),
            })),
        );
        for _ in 0..5 {
            wizard::update(&mut s, Msg::Key(Intent::Next));
        }
        s
    }

    /// What the lean backend writes, replayed in a terminal emulator, is exactly what ratatui
    /// meant to draw; and a keystroke in the token field costs at most 32 bytes.
    #[test]
    fn frames_replay_exactly_and_keystrokes_are_cheap() {
        let theme = Theme::DARK;
        let mut terminal = Terminal::new(LeanBackend::with_size(Vec::new(), 100, 30)).unwrap();
        let mut screen = vt100::Parser::new(30, 100, 0);
        let mut state = on_token_field();
        screen.process(&frame(&mut terminal, &state, theme));
        let mut costs = Vec::new();
        for c in "onaPAT-typed-by-hand-0123456789".chars() {
            wizard::update(
                &mut state,
                Msg::Key(Intent::Edit(tui_input::InputRequest::InsertChar(c))),
            );
            let bytes = frame(&mut terminal, &state, theme);
            costs.push(bytes.len());
            screen.process(&bytes);
            let mut expected = Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
            expected.draw(|f| ui::render(&state, theme, f)).unwrap();
            let buffer = expected.backend().buffer();
            for y in 0..30u16 {
                let want: String = (0..100u16).map(|x| buffer[(x, y)].symbol()).collect();
                let got: String = (0..100u16)
                    .map(|x| {
                        screen
                            .screen()
                            .cell(y, x)
                            .map_or(" ".into(), |c| c.contents().to_string())
                    })
                    .map(|s| if s.is_empty() { " ".to_string() } else { s })
                    .collect();
                assert_eq!(
                    got.trim_end(),
                    want.trim_end(),
                    "row {y} differs after typing {c:?}"
                );
            }
        }
        costs.sort();
        assert!(
            costs[costs.len() / 2] <= 32,
            "bytes per keystroke: {costs:?}"
        );
    }
}
