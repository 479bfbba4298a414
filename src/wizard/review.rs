//! Steps 7–9 of a create: Review shows exactly what will be sent, Enter sends it, and the
//! answer leads to the result or back to the screen that can fix what went wrong.

use super::form::{self, Field};
use super::msg::{Effect, Intent};
use super::sign_in::sign_in_again;
use super::state::{Flow, Screen, State, create_record};
use crate::infisical::{CreateError, Created as CreatedAnswer};
use crate::session::placement::{self, Place, Retry};
use crate::session::summary::Created;
use crate::validate;

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitError {
    pub lines: Vec<String>,
    /// What Enter does now ("send again", "check again").
    pub hint: String,
}

pub(super) fn intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Next => submit(state),
        Intent::ToggleRecordExpiry if state.form.token_expiry().is_some() => {
            state.form.record_expiry = !state.form.record_expiry;
            vec![]
        }
        Intent::Back => {
            state.screen = Screen::Form;
            vec![]
        }
        _ => vec![],
    }
}

/// Shows a failure on Review, where Enter tries again.
pub(super) fn review_error(state: &mut State, lines: Vec<String>, hint: &str) {
    state.submit_error = Some(SubmitError {
        lines,
        hint: hint.into(),
    });
    state.screen = Screen::Review;
}

/// Whether a session exists to send with; otherwise off to sign in, then back to Review.
pub(super) fn signed_in_or_redirect(state: &mut State) -> bool {
    if state.sign_in.is_signed_in() {
        return true;
    }
    sign_in_again(state, vec!["sign in to Infisical first".into()]);
    false
}

fn submit(state: &mut State) -> Vec<Effect> {
    // Ona's answer may still add the expiry to the description: what is sent must be what was
    // on screen when Enter was pressed, so Enter waits until the screen has settled.
    if state.review_settling() {
        return vec![];
    }
    if !signed_in_or_redirect(state) {
        return vec![];
    }
    let Some(request) = state.form.create_request() else {
        state.screen = Screen::Form;
        return form::continue_to_review(state);
    };
    if !matches!(state.flow, Flow::Create { .. }) {
        return vec![];
    }
    vec![Effect::Submit {
        after_unknown_outcome: state.lost_answer.repeated_by(&request),
        attempt: start_sending(state),
        request,
    }]
}

/// A new attempt goes out: answers to older ones will be ignored.
pub(super) fn start_sending(state: &mut State) -> u64 {
    state.attempt += 1;
    state.submit_error = None;
    state.screen = Screen::Submitting;
    state.attempt
}

/// Whether an answer is for the request in flight (older ones are ignored).
pub(super) fn is_current(state: &State, attempt: u64) -> bool {
    attempt == state.attempt && state.screen == Screen::Submitting
}

pub(super) fn on_submitted(
    state: &mut State,
    attempt: u64,
    result: Result<CreatedAnswer, CreateError>,
) -> Vec<Effect> {
    if !is_current(state, attempt) {
        return vec![];
    }
    let site = state.site();
    if let Some(sent) = state.in_flight() {
        state.lost_answer.after_create(&sent, &result);
    }
    let Flow::Create { created, existing } = &mut state.flow else {
        return vec![];
    };
    let error = match result {
        Ok(answer) => {
            let connection = answer.connection;
            let record = create_record(
                &state.sign_in,
                &state.form,
                &connection.name,
                connection.project_id.clone(),
                connection.id.clone(),
            );
            *created = Some(Created {
                project_name: state.form.chosen_project().and_then(|p| p.name),
                site,
                connection,
                recovered: answer.recovered,
                config_warning: None,
            });
            // The token has done its job; wipe it now rather than at exit.
            state.form.token.clear();
            state.screen = Screen::Done;
            return vec![Effect::Remember(record)];
        }
        Err(e) => e,
    };
    let placed = placement::create_error(&error);
    if let Some(c) = &placed.existing {
        *existing = Some(c.clone());
    }
    let mut effects = vec![];
    match placed.place.clone() {
        Place::Fields(messages) => {
            let form = &mut state.form;
            for (field, text) in messages {
                *form.server_errors.slot(field) = Some(text);
            }
            if placed.existing.is_some()
                && let Some(e) = form.server_errors.name.as_mut()
            {
                e.push_str(": choose another name, or press Ctrl-O to replace that connection's token instead");
            }
            form.focus = placed.first_field().unwrap_or(Field::Name);
            state.screen = Screen::Form;
            if placed.look_up_existing {
                // Find the connection behind the name, so its token can be replaced instead.
                if let (Ok(name), Some(project)) =
                    (validate::name(form.name.value()), form.chosen_project())
                {
                    effects.push(Effect::LookupExisting {
                        name: name.to_string(),
                        project_id: project.id,
                    });
                }
            }
        }
        Place::SignIn(lines) => sign_in_again(state, lines),
        Place::Review(lines, retry) => review_error(state, lines, retry_hint(retry)),
        Place::PickConnection(_) => {}
    }
    effects
}

fn retry_hint(retry: Retry) -> &'static str {
    match retry {
        Retry::Again => "Enter sends again",
        Retry::NotCreated => "no connection was created: Enter sends the request again",
        Retry::CheckByNameFirst => {
            "it is not known whether the connection was created: Enter checks by name first and only sends again if it is absent"
        }
    }
}
