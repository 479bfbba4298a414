//! The wizard as a pure state machine: `update(state, msg) -> effects`. No I/O, no clock;
//! the driver (`crate::tui::driver`) performs the effects and feeds their results back as
//! messages. One file per step or flow; this file only dispatches.

mod browser_sign_in;
mod fields;
mod form;
mod guide;
pub mod keymap;
mod links;
mod msg;
mod name_check;
mod review;
mod rotation;
mod scroll;
mod sign_in;
mod state;
mod token_check;

pub use crate::session::summary::SentBefore;
pub use form::{ChosenProject, Field, FieldErrors, Form, Projects};
pub use keymap::intent_for;
pub use msg::{Effect, Init, Intent, Msg, SignInWith, SignedIn};
pub use name_check::NameCheck;
pub use review::SubmitError;
pub use rotation::{Connections, Rotation};
pub use scroll::Viewport;
pub use sign_in::{BrowserLogin, CliProbe, HostPreset, Method, SignIn, SignInField, SignInStatus};
pub use state::{DEFAULT_NAME, Demo, Flow, LinkView, Outcome, Overlay, STEP_COUNT, Screen, State};
pub use token_check::OnaCheck;

use tui_input::InputRequest;

const SPINNER_FRAMES: usize = 10;

/// Spinner frames per second: the driver ticks this often while something is in flight.
pub const TICKS_PER_SECOND: u32 = 10;

/// The whole behaviour of the wizard.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let effects = dispatch(state, msg);
    if state.sign_in.status != SignInStatus::Working {
        state.sign_in_ticks = 0;
    }
    effects
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick => {
            state.spinner = (state.spinner + 1) % SPINNER_FRAMES;
            // Counted, not read from a clock: how long the sign-in has been waiting.
            if state.sign_in.status == SignInStatus::Working {
                state.sign_in_ticks += 1;
            }
            vec![]
        }
        Msg::Viewport(viewport) => {
            scroll::on_viewport(state, viewport);
            vec![]
        }
        Msg::Key(intent) => {
            let view = |s: &State| {
                (
                    s.screen,
                    s.link_view,
                    s.overlay,
                    s.form.focus,
                    s.sign_in.focus,
                )
            };
            let before = view(state);
            if before.0 == Screen::SignIn && state.overlay == Overlay::None && changes_text(intent)
            {
                state.typed_on_sign_in = true;
            }
            let effects = on_intent(state, intent);
            if state.screen != before.0 {
                links::reset(state);
            }
            // Another screen, view or focused field starts unscrolled (the focus in sight).
            if view(state) != before {
                scroll::reset(state);
            }
            effects
        }
        Msg::Paste(text) if state.overlay == Overlay::None => match state.screen {
            Screen::Form => form::paste(state, &text),
            Screen::Guide(_) => guide::paste(state, &text),
            Screen::PickConnection => {
                rotation::paste_into_filter(state, &text);
                vec![]
            }
            Screen::SignIn => {
                state.typed_on_sign_in = true;
                sign_in::paste(state, &text);
                vec![]
            }
            _ => vec![],
        },
        Msg::Paste(_) => vec![],
        Msg::CliProbed(result) => {
            sign_in::on_cli_probed(state, result);
            vec![]
        }
        Msg::SignInFinished(result) => sign_in::on_signed_in(state, result),
        Msg::SubmitFinished { attempt, result } => {
            let effects = review::on_submitted(state, attempt, result);
            close_quit_question_once_answered(state);
            effects
        }
        Msg::Notice(n) => {
            state.notice = Some(n);
            vec![]
        }
        Msg::ConnectionsLoaded(result) => {
            rotation::on_connections_loaded(state, result);
            vec![]
        }
        Msg::RotateFinished { attempt, result } => {
            let effects = rotation::on_rotated(state, attempt, result);
            close_quit_question_once_answered(state);
            effects
        }
        Msg::ExistingFound(found) => {
            rotation::on_existing_found(state, found);
            vec![]
        }
        Msg::BrowserListening { generation, result } => {
            browser_sign_in::on_listening(state, generation, result);
            vec![]
        }
        Msg::BrowserHandedOver { generation, result } => {
            browser_sign_in::on_handed_over(state, generation, result)
        }
        Msg::OnaCheckDue { generation } => token_check::on_due(state, generation),
        Msg::NameCheckDue { generation } => name_check::on_due(state, generation),
        Msg::NameChecked { generation, result } => {
            name_check::on_checked(state, generation, result);
            vec![]
        }
        Msg::OnaChecked {
            generation,
            result,
            now,
        } => {
            token_check::on_checked(state, generation, result, now);
            vec![]
        }
        Msg::ConfigSaveFailed(e) => {
            if let Flow::Create {
                created: Some(created),
                ..
            } = &mut state.flow
            {
                created.config_warning = Some(e);
            }
            vec![]
        }
    }
}

fn on_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    // No field takes control characters, whatever the terminal reports as a key.
    if matches!(intent, Intent::Edit(InputRequest::InsertChar(c)) if c.is_control()) {
        return vec![];
    }
    // Whatever is open stays open while the program is stopped.
    if intent == Intent::Suspend {
        return vec![Effect::Suspend];
    }
    match state.overlay {
        Overlay::Help if is_scroll(intent) => {
            scroll::intent(state, intent);
            return vec![];
        }
        Overlay::Help => {
            state.overlay = Overlay::None;
            return vec![];
        }
        Overlay::PickToken => return token_check::pick_token_intent(state, intent),
        Overlay::ConfirmQuit => {
            match intent {
                Intent::Yes | Intent::Quit => return quit(state),
                Intent::No | Intent::Back => state.overlay = Overlay::None,
                _ => {}
            }
            return vec![];
        }
        Overlay::None => {}
    }
    match intent {
        Intent::Help => {
            state.overlay = Overlay::Help;
            return vec![];
        }
        Intent::Quit if state.screen == Screen::Done => return finish(state),
        Intent::Quit => return ask_to_quit(state),
        _ => {}
    }
    if is_scroll(intent) {
        scroll::intent(state, intent);
        return vec![];
    }
    if let Some(effects) = links::intent(state, intent) {
        return effects;
    }
    let rotating = state.rotating();
    match state.screen {
        Screen::SignIn => sign_in::intent(state, intent),
        Screen::PickConnection => rotation::pick_connection_intent(state, intent),
        Screen::Guide(i) => guide::intent(state, i, intent),
        Screen::Form if rotating => rotation::form_intent(state, intent),
        Screen::Form => form::intent(state, intent),
        Screen::Review if rotating => rotation::review_intent(state, intent),
        Screen::Review => review::intent(state, intent),
        // The create cannot be taken back once sent; only quitting (with a warning) is offered.
        Screen::Submitting => vec![],
        Screen::Done => match intent {
            Intent::Next | Intent::Back => finish(state),
            Intent::WriteReminder => reminder(state),
            _ => vec![],
        },
    }
}

fn is_scroll(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::ScrollUp | Intent::ScrollDown | Intent::PageUp | Intent::PageDown
    )
}

/// Whether a key edits the text of a field (moving the cursor does not).
fn changes_text(intent: Intent) -> bool {
    use InputRequest::*;
    matches!(intent, Intent::Edit(r) if !matches!(
        r,
        SetCursor(_) | GoToPrevChar | GoToNextChar | GoToPrevWord | GoToNextWord | GoToStart | GoToEnd
    ))
}

/// Quits, asking first when something typed would be lost.
fn ask_to_quit(state: &mut State) -> Vec<Effect> {
    if state.has_user_input() {
        state.overlay = Overlay::ConfirmQuit;
        return vec![];
    }
    quit(state)
}

/// The question asked while a write was in flight is void once its answer is in: the screen
/// shows the outcome instead, and quitting then is an ordinary quit.
fn close_quit_question_once_answered(state: &mut State) {
    if state.overlay == Overlay::ConfirmQuit && state.screen != Screen::Submitting {
        state.overlay = Overlay::None;
    }
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.overlay = Overlay::None;
    state.exit = Some(match state.unsettled() {
        Some(unsettled) => Outcome::Abandoned(unsettled),
        None => Outcome::Cancelled,
    });
    vec![Effect::Exit]
}

/// `r` on the result: a calendar file that reminds of the token's expiry.
fn reminder(state: &mut State) -> Vec<Effect> {
    let Some(reminder) = state.reminder() else {
        state.notice = Some(
            "the token's expiry date is not known (Ona did not say), so there is no date to remind you of".into(),
        );
        return vec![];
    };
    state.notice = Some("writing the calendar reminder…".into());
    vec![Effect::WriteReminder {
        file_name: reminder.file_name(),
        reminders: vec![reminder],
    }]
}

fn finish(state: &mut State) -> Vec<Effect> {
    state.exit = Some(match &state.flow {
        Flow::Create {
            created: Some(c), ..
        } => Outcome::Created(Box::new(c.clone())),
        Flow::Rotate(rotation) => match &rotation.result {
            Some(r) => Outcome::Rotated(Box::new(r.clone())),
            None => Outcome::Cancelled,
        },
        _ => Outcome::Cancelled,
    });
    vec![Effect::Exit]
}
