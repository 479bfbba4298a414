//! One table of keys per screen. Each table gives the key → intent mapping, the help bar and
//! the F1 overlay, so the three cannot disagree. Only key presses count (Windows also
//! reports releases as separate events).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest;

use super::form::Field;
use super::msg::Intent;
use super::sign_in::SignInField;
use super::state::{Flow, LinkView, Overlay, Screen, State};

/// A key as the tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    F(u8),
    /// A character typed without Ctrl.
    Char(char),
    /// Ctrl and a letter.
    Ctrl(char),
    /// Any key at all (closes the help overlay).
    Any,
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (self, key.code) {
            (Key::Any, _) => true,
            (Key::Enter, KeyCode::Enter)
            | (Key::Esc, KeyCode::Esc)
            | (Key::Tab, KeyCode::Tab)
            | (Key::BackTab, KeyCode::BackTab)
            | (Key::Up, KeyCode::Up)
            | (Key::Down, KeyCode::Down)
            | (Key::Left, KeyCode::Left)
            | (Key::Right, KeyCode::Right)
            | (Key::PageUp, KeyCode::PageUp)
            | (Key::PageDown, KeyCode::PageDown) => true,
            (Key::F(n), KeyCode::F(m)) => n == m,
            (Key::Char(c), KeyCode::Char(k)) => !ctrl && c == k,
            (Key::Ctrl(c), KeyCode::Char(k)) => ctrl && c.eq_ignore_ascii_case(&k),
            _ => false,
        }
    }
}

/// One row of a table: keys and what they mean, and how the bar and the overlay name them.
pub struct Binding {
    /// How the bar and the overlay write the keys, e.g. "Tab / Shift-Tab".
    pub label: &'static str,
    pub keys: &'static [(Key, Intent)],
    /// The help bar's word for it; empty: not in the bar.
    pub bar: &'static str,
    /// The overlay's explanation; empty: not in the overlay.
    pub help: &'static str,
    /// Whether the row applies in this state.
    pub when: fn(&State) -> bool,
}

fn always(_: &State) -> bool {
    true
}

fn write_in_flight(s: &State) -> bool {
    s.screen == Screen::Submitting
}

fn nothing_in_flight(s: &State) -> bool {
    !write_in_flight(s)
}

/// The focused row takes typed text, so letters are text, not shortcuts.
fn typing(s: &State) -> bool {
    s.overlay == Overlay::None
        && match s.screen {
            Screen::SignIn => s.sign_in.typing(),
            Screen::Form | Screen::PickConnection => true,
            _ => false,
        }
}

fn not_typing(s: &State) -> bool {
    !typing(s)
}

const fn row(
    label: &'static str,
    keys: &'static [(Key, Intent)],
    bar: &'static str,
    help: &'static str,
    when: fn(&State) -> bool,
) -> Binding {
    Binding {
        label,
        keys,
        bar,
        help,
        when,
    }
}

#[rustfmt::skip]
const TAB: &[(Key, Intent)] = &[
    (Key::Tab, Intent::FocusNext),
    (Key::BackTab, Intent::FocusPrev),
];
#[rustfmt::skip]
const ARROWS_UP_DOWN: &[(Key, Intent)] = &[(Key::Up, Intent::Up), (Key::Down, Intent::Down)];
#[rustfmt::skip]
const ARROWS_LEFT_RIGHT: &[(Key, Intent)] =
    &[(Key::Left, Intent::Left), (Key::Right, Intent::Right)];
#[rustfmt::skip]
const SCROLL_ROWS: &[(Key, Intent)] = &[(Key::Up, Intent::ScrollUp), (Key::Down, Intent::ScrollDown)];
#[rustfmt::skip]
const SCROLL_PAGES: &[(Key, Intent)] = &[(Key::PageUp, Intent::PageUp), (Key::PageDown, Intent::PageDown)];
#[rustfmt::skip]
const REVEAL: &[(Key, Intent)] = &[(Key::Ctrl('r'), Intent::ToggleReveal)];
#[rustfmt::skip]
const CLEAR: &[(Key, Intent)] = &[(Key::Ctrl('u'), Intent::Edit(InputRequest::DeleteLine))];

fn signed_in(s: &State) -> bool {
    s.sign_in.is_signed_in()
}
fn not_signed_in(s: &State) -> bool {
    !s.sign_in.is_signed_in()
}
fn sign_in_has_fields(s: &State) -> bool {
    !s.sign_in.fields().is_empty()
}
fn on_a_choice(s: &State) -> bool {
    sign_in_has_fields(s) && matches!(s.sign_in.focus, SignInField::Host | SignInField::Method)
}
fn on_a_sign_in_secret(s: &State) -> bool {
    sign_in_has_fields(s)
        && matches!(
            s.sign_in.focus,
            SignInField::ClientSecret | SignInField::AccessToken | SignInField::BrowserToken
        )
}
fn sign_in_typing(s: &State) -> bool {
    s.sign_in.typing()
}

#[rustfmt::skip]
const SIGN_IN: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "continue", "continue with this session", signed_in),
    row("Enter", &[(Key::Enter, Intent::Next)], "sign in", "sign in with the chosen host and method", not_signed_in),
    row("Tab", TAB, "next field", "next field (Shift-Tab: the previous one)", sign_in_has_fields),
    row("←/→", ARROWS_LEFT_RIGHT, "change", "change the host or the sign-in method", on_a_choice),
    row("← / →", ARROWS_LEFT_RIGHT, "", "move in the text field", sign_in_typing),
    row("Space", &[(Key::Char(' '), Intent::Right)], "", "next choice", on_a_choice),
    row("↑ / ↓", &[(Key::Up, Intent::FocusPrev), (Key::Down, Intent::FocusNext)], "", "previous / next field", sign_in_has_fields),
    row("Ctrl-R", REVEAL, "reveal", "reveal / hide the secret in the focused field", on_a_sign_in_secret),
    row("Ctrl-R", REVEAL, "", "", always),
    row("Ctrl-U", CLEAR, "", "clear the focused field", sign_in_typing),
    row("Esc", &[(Key::Esc, Intent::Back)], "", "quit (asks first when something was typed)", always),
];

#[rustfmt::skip]
const PICK_CONNECTION: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "choose", "replace the token of the highlighted connection", always),
    row("↑/↓", ARROWS_UP_DOWN, "move", "move in the list; type to filter it", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "back", "back to the sign-in", always),
    row("Tab", TAB, "", "", always),
    row("← / →", ARROWS_LEFT_RIGHT, "", "move in the filter", always),
    row("Ctrl-U", CLEAR, "", "clear the filter", always),
];

#[rustfmt::skip]
const GUIDE: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "done, next", "this step is done: the next one", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "back", "back one step; every value is kept", always),
    row("↑/↓", SCROLL_ROWS, "", "scroll the text when it does not fit", one_link_at_most),
];

fn name_taken_with_holder(s: &State) -> bool {
    super::name_check::holder(s).is_some()
}
fn name_suggested(s: &State) -> bool {
    s.form.focus == Field::Name && s.form.name_suggestion().is_some()
}
fn on_token(s: &State) -> bool {
    s.form.focus == Field::Token
}
fn on_project(s: &State) -> bool {
    s.form.focus == Field::Project
}

#[rustfmt::skip]
const FORM: &[Binding] = &[
    row("Ctrl-O", &[(Key::Ctrl('o'), Intent::RotateInstead)], "replace its token instead", "the name is taken: replace that connection's token instead", name_taken_with_holder),
    row("Enter", &[(Key::Enter, Intent::Next)], "review", "review what will be sent", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "back", "back to the guide; every value is kept", always),
    row("Tab", TAB, "use the name offered", "put the name offered in place of the one typed", name_suggested),
    row("Tab", TAB, "next field", "next field (Shift-Tab: the previous one)", |s| !name_suggested(s)),
    row("Ctrl-R", REVEAL, "reveal", "reveal / hide the token", on_token),
    row("Ctrl-R", REVEAL, "", "", always),
    row("↑/↓", ARROWS_UP_DOWN, "choose", "choose a project; type to filter the list", on_project),
    row("↑ / ↓", ARROWS_UP_DOWN, "", "previous / next field", |s| !on_project(s)),
    row("← / →", ARROWS_LEFT_RIGHT, "", "move in the text field", always),
    row("Ctrl-U", CLEAR, "", "clear the focused field", always),
    row("paste", &[], "", "your terminal's paste; a token is pasted whole", always),
];

#[rustfmt::skip]
const ROTATION_FORM: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "review", "review the rotation", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "back", "back to the guide; the token is kept", always),
    row("Ctrl-R", REVEAL, "reveal", "reveal / hide the token", on_token),
    row("Ctrl-R", REVEAL, "", "", always),
    row("← / →", ARROWS_LEFT_RIGHT, "", "move in the token", always),
    row("Ctrl-U", CLEAR, "", "clear the token", always),
    row("paste", &[], "", "your terminal's paste; a token is pasted whole", always),
];

fn expiry_known(s: &State) -> bool {
    s.form.token_expiry().is_some()
}

#[rustfmt::skip]
const REVIEW: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "create", "create the connection with exactly these values", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "edit", "back to the form to change something", always),
    row("x", &[(Key::Char('x'), Intent::ToggleRecordExpiry)], "expiry in description", "add the token's expiry date to the description, or not", expiry_known),
    row("↑/↓", SCROLL_ROWS, "", "scroll the text when it does not fit", always),
];

#[rustfmt::skip]
const ROTATION_REVIEW: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next)], "replace the token", "replace the connection's token with the new one", always),
    row("Esc", &[(Key::Esc, Intent::Back)], "edit", "back to change the token", always),
    row("↑/↓", SCROLL_ROWS, "", "scroll the text when it does not fit", always),
];

#[rustfmt::skip]
const SUBMITTING: &[Binding] = &[
    row("↑/↓", SCROLL_ROWS, "", "scroll the text when it does not fit", always),
];

fn reminder_possible(s: &State) -> bool {
    s.reminder().is_some()
}

#[rustfmt::skip]
const DONE: &[Binding] = &[
    row("Enter", &[(Key::Enter, Intent::Next), (Key::Esc, Intent::Back)], "exit", "exit; the summary is printed again in your terminal", always),
    row("↑/↓", SCROLL_ROWS, "", "scroll the text when it does not fit", one_link_at_most),
    row("r", &[(Key::Char('r'), Intent::WriteReminder)], "reminder", "write a calendar file (.ics): a reminder a week before the token expires, with the command that rotates it", reminder_possible),
];

fn many_links(s: &State) -> bool {
    s.links().len() > 1
}
fn one_link_at_most(s: &State) -> bool {
    !many_links(s)
}

/// On screens with links, shown inline.
#[rustfmt::skip]
const LINKS: &[Binding] = &[
    row("o", &[(Key::Char('o'), Intent::OpenLink)], "open", "open the link in this machine's browser", not_typing),
    row("c", &[(Key::Char('c'), Intent::CopyLink)], "copy link", "copy the link to your clipboard (OSC 52, works over SSH)", not_typing),
    row("v", &[(Key::Char('v'), Intent::ToggleQr)], "QR code", "show the link as a QR code, for a phone", not_typing),
    row("u", &[(Key::Char('u'), Intent::FullLink)], "", "show the link whole and unshortened", not_typing),
    row("↑/↓", ARROWS_UP_DOWN, "", "choose a link", many_links),
    row("Tab", TAB, "", "", many_links),
];

/// A link shown as a QR code or alone.
#[rustfmt::skip]
const LINK_VIEW: &[Binding] = &[
    row("Esc", &[(Key::Esc, Intent::Back), (Key::Enter, Intent::Next)], "back", "back to the screen", always),
    row("c", &[(Key::Char('c'), Intent::CopyLink)], "copy link", "copy the link to your clipboard", always),
    row("o", &[(Key::Char('o'), Intent::OpenLink)], "", "open the link in this machine's browser", always),
    row("v / u", &[(Key::Char('v'), Intent::ToggleQr), (Key::Char('u'), Intent::FullLink)], "", "switch between the QR code and the whole link", always),
];

/// Everywhere without an overlay.
#[rustfmt::skip]
const GLOBAL: &[Binding] = &[
    row("PgUp/PgDn", SCROLL_PAGES, "", "scroll the screen's text a page when it does not fit", always),
    row("F1", &[(Key::F(1), Intent::Help), (Key::Char('?'), Intent::Help)], "help", "this help (also ? outside text fields)", always),
    row("Ctrl-C", &[(Key::Ctrl('c'), Intent::Quit), (Key::Char('q'), Intent::Quit)], "quit", "quit (exit status 130; also q outside text fields)", always),
    row("Ctrl-Z", &[(Key::Ctrl('z'), Intent::Suspend)], "", "suspend to the shell; fg comes back with every value kept", always),
];

#[rustfmt::skip]
const HELP: &[Binding] = &[
    row("↑/↓", SCROLL_ROWS, "scroll", "", always),
    row("PgUp/PgDn", SCROLL_PAGES, "", "", always),
    row("any other key", &[(Key::Any, Intent::Back)], "closes help", "", always),
];

#[rustfmt::skip]
const CONFIRM_QUIT: &[Binding] = &[
    row("y", &[(Key::Char('y'), Intent::Yes), (Key::Char('Y'), Intent::Yes), (Key::Enter, Intent::Yes)], "quit", "", nothing_in_flight),
    row("n", &[(Key::Char('n'), Intent::No), (Key::Char('N'), Intent::No), (Key::Esc, Intent::No)], "stay", "", nothing_in_flight),
    // With a write in flight, Enter waits: only a deliberate y leaves its outcome unknown.
    row("y", &[(Key::Char('y'), Intent::Yes), (Key::Char('Y'), Intent::Yes)], "quit anyway", "", write_in_flight),
    row("n", &[(Key::Char('n'), Intent::No), (Key::Char('N'), Intent::No), (Key::Esc, Intent::No), (Key::Enter, Intent::No)], "wait for the answer", "", write_in_flight),
];

#[rustfmt::skip]
const PICK_TOKEN: &[Binding] = &[
    row("↑/↓", ARROWS_UP_DOWN, "choose", "", always),
    row("Enter", &[(Key::Enter, Intent::Next)], "select", "", always),
    row("Esc", &[(Key::Esc, Intent::Back), (Key::Char('s'), Intent::Back)], "skip", "", always),
];

/// The current screen's own table (whatever overlay is open).
fn screen_table(state: &State) -> &'static [Binding] {
    let rotating = matches!(state.flow, Flow::Rotate(_));
    if state.link_view != LinkView::Inline && !state.links().is_empty() {
        return LINK_VIEW;
    }
    match state.screen {
        Screen::SignIn => SIGN_IN,
        Screen::PickConnection => PICK_CONNECTION,
        Screen::Guide(_) => GUIDE,
        Screen::Form if rotating => ROTATION_FORM,
        Screen::Form => FORM,
        Screen::Review if rotating => ROTATION_REVIEW,
        Screen::Review => REVIEW,
        Screen::Submitting => SUBMITTING,
        Screen::Done => DONE,
    }
}

/// The tables in force, most important first, and how many rows belong to the screen
/// itself (the bar drops those first on a narrow terminal).
fn tables(state: &State) -> Vec<&'static [Binding]> {
    match state.overlay {
        Overlay::Help => vec![HELP],
        Overlay::ConfirmQuit => vec![CONFIRM_QUIT],
        Overlay::PickToken => vec![PICK_TOKEN],
        Overlay::None => screen_tables(state),
    }
}

fn screen_tables(state: &State) -> Vec<&'static [Binding]> {
    let mut t = vec![screen_table(state)];
    if state.link_view == LinkView::Inline && !state.links().is_empty() {
        t.push(LINKS);
    }
    t.push(GLOBAL);
    t
}

/// What a key means here; typed text goes to the focused field.
pub fn intent_for(state: &State, key: KeyEvent) -> Option<Intent> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    // Ctrl-C always quits and Ctrl-Z always suspends, whatever is open.
    if Key::Ctrl('c').matches(&key) {
        return Some(Intent::Quit);
    }
    if Key::Ctrl('z').matches(&key) {
        return Some(Intent::Suspend);
    }
    // In a text field a plain character is text, never a shortcut.
    let text_key =
        matches!(key.code, KeyCode::Char(_)) && !key.modifiers.contains(KeyModifiers::CONTROL);
    if !(text_key && typing(state)) {
        for table in tables(state) {
            for binding in table.iter().filter(|b| (b.when)(state)) {
                if let Some((_, intent)) = binding.keys.iter().find(|(k, _)| k.matches(&key)) {
                    return Some(*intent);
                }
            }
        }
    }
    if typing(state) {
        return tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
            .map(Intent::Edit);
    }
    None
}

/// The help bar's keys: (key, word), most important first; `screen_rows` of them belong to
/// the screen and may be dropped on a narrow terminal.
pub fn bar(state: &State) -> (Vec<(&'static str, &'static str)>, usize) {
    let tables = tables(state);
    let mut keys = Vec::new();
    let mut screen_rows = 0;
    for (i, table) in tables.iter().enumerate() {
        for b in table
            .iter()
            .filter(|b| !b.bar.is_empty() && (b.when)(state))
        {
            keys.push((b.label, b.bar));
        }
        if i + 1 < tables.len() || state.overlay != Overlay::None {
            screen_rows = keys.len();
        }
    }
    (keys, screen_rows)
}

/// The overlay's rows for the screen under it: (keys, what they do).
pub fn help_rows(state: &State) -> Vec<(&'static str, &'static str)> {
    screen_tables(state)
        .into_iter()
        .flat_map(|t| t.iter())
        .filter(|b| !b.help.is_empty() && (b.when)(state))
        .map(|b| (b.label, b.help))
        .collect()
}
