//! The floor of our own stack: the smallest ratatui + tui-input masked form, drawn the usual
//! way (a bordered field, a title and a key line). The benchmark runs it in a pseudo-terminal
//! beside `ona-connect` to see what our program adds on top of its libraries.

use std::io;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub fn run() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let mut input = Input::default();
    loop {
        terminal.draw(|frame| {
            let [title, field, keys] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(3),
                Constraint::Length(1),
            ])
            .areas(frame.area());
            frame.render_widget(Paragraph::new("Minimal masked form"), title);
            let masked = "•".repeat(input.value().chars().count());
            let block = Block::bordered().title(format!(
                " Token ({} characters) ",
                input.value().chars().count()
            ));
            let inner = block.inner(field);
            frame.render_widget(Paragraph::new(masked).block(block), field);
            frame.set_cursor_position((inner.x + input.visual_cursor() as u16, inner.y));
            frame.render_widget(Paragraph::new("Enter submit · Esc quit"), keys);
        })?;
        match event::read()? {
            Event::Key(k)
                if k.kind == KeyEventKind::Press
                    && matches!(k.code, KeyCode::Esc | KeyCode::Enter) =>
            {
                break;
            }
            e => {
                input.handle_event(&e);
            }
        }
    }
    disable_raw_mode()?;
    execute!(io::stdout(), LeaveAlternateScreen)
}
