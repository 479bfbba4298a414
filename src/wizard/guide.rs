//! Steps 2–5: the guide through Ona's settings, one screen per step (texts in
//! `assets/guide.toml`).

use super::form::Field;
use super::msg::{Effect, Intent};
use super::name_check::{self, NameCheck};
use super::state::{Screen, State};
use crate::guide;

pub(super) fn intent(state: &mut State, index: usize, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Next if index + 1 < guide::steps().len() => state.screen = Screen::Guide(index + 1),
        Intent::Next => {
            state.screen = Screen::Form;
            state.form.arrive();
            // The default name is often taken already: look it up on arrival.
            if state.form.name_check == NameCheck::Idle {
                return name_check::changed(state);
            }
        }
        Intent::Back => {
            state.screen = match (index, state.rotating()) {
                (0, false) => Screen::SignIn,
                (0, true) => Screen::PickConnection,
                _ => Screen::Guide(index - 1),
            }
        }
        _ => {}
    }
    vec![]
}

/// A token pasted on a guide step: the steps it skips were done, so on to the form with the
/// token filled in and its check started.
pub(super) fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    state.screen = Screen::Form;
    super::links::reset(state);
    state.form.focus = Field::Token;
    super::form::paste(state, text)
}
