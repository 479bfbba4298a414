//! Keys become intents here, per screen, before `update` sees them. Only key presses count
//! (Windows also reports releases and repeats as separate events).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{Intent, Overlay, Screen, SignInField, State};

pub fn intent_for(state: &State, key: KeyEvent) -> Option<Intent> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Intent::Quit);
    }
    match state.overlay {
        Overlay::Help => return Some(Intent::Back),
        Overlay::ConfirmQuit => {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => Some(Intent::Yes),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Some(Intent::No),
                _ => None,
            };
        }
        Overlay::PickToken => {
            return match key.code {
                KeyCode::Up => Some(Intent::Up),
                KeyCode::Down => Some(Intent::Down),
                KeyCode::Enter => Some(Intent::Next),
                KeyCode::Esc | KeyCode::Char('s') => Some(Intent::Back),
                _ => None,
            };
        }
        Overlay::None => {}
    }
    match key.code {
        KeyCode::F(1) => return Some(Intent::Help),
        KeyCode::Enter => return Some(Intent::Next),
        KeyCode::Esc => return Some(Intent::Back),
        KeyCode::Tab => return Some(Intent::FocusNext),
        KeyCode::BackTab => return Some(Intent::FocusPrev),
        KeyCode::Char('r') | KeyCode::Char('R') if ctrl => return Some(Intent::ToggleReveal),
        KeyCode::Char('o') | KeyCode::Char('O') if ctrl && state.screen == Screen::Form => {
            return Some(Intent::RotateInstead);
        }
        _ => {}
    }
    let typing = match state.screen {
        Screen::SignIn => {
            !matches!(state.sign_in.focus, SignInField::Host | SignInField::Method)
                && !state.sign_in.fields().is_empty()
        }
        Screen::Form | Screen::PickConnection => true,
        _ => false,
    };
    match key.code {
        KeyCode::Up => Some(Intent::Up),
        KeyCode::Down => Some(Intent::Down),
        KeyCode::Left => Some(Intent::Left),
        KeyCode::Right => Some(Intent::Right),
        KeyCode::Char('q') if !typing => Some(Intent::Quit),
        KeyCode::Char('o') if !typing => Some(Intent::OpenLink),
        KeyCode::Char('c') if !typing => Some(Intent::CopyLink),
        KeyCode::Char('v') if !typing => Some(Intent::ToggleQr),
        KeyCode::Char('u') if !typing => Some(Intent::FullLink),
        KeyCode::Char('x') if state.screen == Screen::Review => Some(Intent::ToggleRecordExpiry),
        KeyCode::Char('?') if !typing => Some(Intent::Help),
        KeyCode::Char(' ') if !typing && state.screen == Screen::SignIn => Some(Intent::Right),
        _ if typing => {
            tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
                .map(Intent::Edit)
        }
        _ => None,
    }
}
