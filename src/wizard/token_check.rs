//! The token's check with Ona while the user is on the form: after a paste at once, after
//! a pause in typing, or on leaving the field. Answers about an older token are ignored.

use super::form::Form;
use super::msg::{Effect, Intent};
use super::state::{Overlay, Screen, State};
use crate::ona::{OnaError, TokenCheck};
use crate::secret::Secret;
use crate::session::ona_check::{self, ExpiryState};
use crate::validate;

pub use crate::session::ona_check::OnaCheck;

/// After the token changed: forget the old verdict, and ask Ona again after a pause
/// (typing) or at once (a paste is the whole token).
pub(super) fn token_changed(form: &mut Form, pasted: bool) -> Vec<Effect> {
    form.token_generation += 1;
    form.submit_rejected_armed = false;
    if form.ona == OnaCheck::Disabled {
        return vec![];
    }
    form.ona = OnaCheck::Idle;
    if pasted {
        return vec![];
    }
    vec![Effect::ScheduleOnaCheck {
        generation: form.token_generation,
    }]
}

pub(super) fn start(state: &mut State) -> Vec<Effect> {
    let form = &mut state.form;
    if form.ona != OnaCheck::Idle {
        return vec![];
    }
    let Ok(token) = validate::token(form.token.expose()) else {
        return vec![];
    };
    form.ona = OnaCheck::Checking;
    vec![Effect::CheckOnaToken {
        generation: form.token_generation,
        token: Secret::new(token),
    }]
}

/// The pause after typing is over: check the token if it is still the same one.
pub(super) fn on_due(state: &mut State, generation: u64) -> Vec<Effect> {
    if generation == state.form.token_generation && state.form.ona == OnaCheck::Idle {
        start(state)
    } else {
        vec![]
    }
}

/// A token Ona rejected goes on only when the user insists (a second Enter); true when this
/// Enter stops for that.
pub(super) fn stop_for_rejection(form: &mut Form) -> bool {
    if matches!(form.ona, OnaCheck::Rejected { .. }) && !form.submit_rejected_armed {
        form.submit_rejected_armed = true;
        form.focus = super::form::Field::Token;
        return true;
    }
    false
}

pub(super) fn on_checked(
    state: &mut State,
    generation: u64,
    result: Result<TokenCheck, OnaError>,
    now: time::OffsetDateTime,
) {
    let form = &mut state.form;
    if generation != form.token_generation || form.ona != OnaCheck::Checking {
        return;
    }
    form.ona = ona_check::verdict(result, now);
    if let OnaCheck::Valid {
        expiry: ExpiryState::Choosing(_),
        ..
    } = form.ona
    {
        form.pat_cursor = 0;
        if state.screen == Screen::Form && state.overlay == Overlay::None {
            state.overlay = Overlay::PickToken;
        }
    }
}

/// The overlay that asks which of the user's tokens was pasted.
pub(super) fn pick_token_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let OnaCheck::Valid {
        expiry: expiry @ ExpiryState::Choosing(_),
        ..
    } = &mut state.form.ona
    else {
        state.overlay = Overlay::None;
        return vec![];
    };
    let ExpiryState::Choosing(candidates) = &*expiry else {
        return vec![];
    };
    let n = candidates.len();
    match intent {
        Intent::Up | Intent::FocusPrev => {
            state.form.pat_cursor = state.form.pat_cursor.saturating_sub(1)
        }
        Intent::Down | Intent::FocusNext => {
            state.form.pat_cursor = (state.form.pat_cursor + 1).min(n.saturating_sub(1))
        }
        Intent::Next => {
            if let Some(chosen) = candidates.get(state.form.pat_cursor).cloned() {
                *expiry = ExpiryState::Known(chosen);
            }
            state.overlay = Overlay::None;
        }
        Intent::Back | Intent::No => {
            *expiry = ExpiryState::Skipped;
            state.overlay = Overlay::None;
        }
        Intent::Quit => return super::quit(state),
        _ => {}
    }
    vec![]
}
