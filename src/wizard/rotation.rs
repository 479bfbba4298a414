//! The rotation flow: choose an existing connection, paste its new token, review, replace.
//! Also the switch into it from a create whose name is taken (Ctrl-O).

use tui_input::{Input, InputRequest};

use super::form::Field;
use super::msg::{Effect, Intent};
use super::review::{is_current, review_error, signed_in_or_redirect, start_sending};
use super::sign_in::sign_in_again;
use super::state::{Flow, Screen, State};
use super::token_check;
use crate::guide;
use crate::infisical::{AppConnection, Error};
use crate::secret::Secret;
use crate::session::placement::{self, Place};
use crate::session::remember::Record;
use crate::session::summary::Rotated;
use crate::validate;

#[derive(Debug, Clone, PartialEq)]
pub enum Connections {
    Loading,
    Loaded(Vec<AppConnection>),
    Failed(String),
}

/// The rotation path: the connection whose token is replaced, and the outcome.
#[derive(Debug)]
pub struct Rotation {
    pub connections: Connections,
    /// Type-to-filter text of the connection list.
    pub filter: Input,
    pub cursor: usize,
    pub target: Option<AppConnection>,
    /// The connection named on the command line (name or id), chosen when the list arrives.
    pub wanted: Option<String>,
    pub error: Option<String>,
    pub result: Option<Rotated>,
    /// Chosen with Ctrl-O on the create form after the name was found taken (no pick step).
    pub from_taken_name: bool,
}

impl Rotation {
    pub fn filtered(&self) -> Vec<&AppConnection> {
        let Connections::Loaded(all) = &self.connections else {
            return vec![];
        };
        let q = self.filter.value().trim().to_lowercase();
        all.iter()
            .filter(|c| {
                q.is_empty()
                    || c.name.to_lowercase().contains(&q)
                    || c.id.starts_with(&q)
                    || c.project
                        .as_ref()
                        .is_some_and(|p| p.name.to_lowercase().contains(&q))
            })
            .collect()
    }

    pub fn selected(&self) -> Option<&AppConnection> {
        let list = self.filtered();
        list.get(self.cursor.min(list.len().saturating_sub(1)))
            .copied()
    }
}

fn rotation(state: &mut State) -> Option<&mut Rotation> {
    match &mut state.flow {
        Flow::Rotate(r) => Some(&mut **r),
        Flow::Create { .. } => None,
    }
}

/// The name is taken: switch to replacing the token of the connection that has it.
pub(super) fn rotate_instead(state: &mut State) -> Vec<Effect> {
    let Some(target) = super::name_check::holder(state).cloned() else {
        return vec![];
    };
    state.flow = Flow::Rotate(Box::new(Rotation {
        connections: Connections::Loading,
        filter: Input::default(),
        cursor: 0,
        target: Some(target),
        wanted: None,
        error: None,
        result: None,
        from_taken_name: true,
    }));
    state.form.server_errors.name = None;
    state.form.focus = Field::Token;
    state.screen = if validate::token(state.form.token.expose()).is_ok() {
        Screen::Review
    } else {
        Screen::Form
    };
    vec![]
}

/// The connection that holds a name Infisical reported as taken.
pub(super) fn on_existing_found(state: &mut State, found: Option<AppConnection>) {
    let name = state.form.name.value().trim().to_string();
    if let (Flow::Create { existing, .. }, Some(c)) = (&mut state.flow, found)
        && c.name == name
    {
        *existing = Some(c);
    }
}

pub(super) fn pick_connection_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let Flow::Rotate(r) = &mut state.flow else {
        return vec![];
    };
    match intent {
        Intent::Next => match r.selected().cloned() {
            Some(c) => {
                r.target = Some(c);
                r.error = None;
                state.screen = Screen::Guide(0);
            }
            None => r.error = Some("choose a connection (type to filter)".into()),
        },
        Intent::Back => state.screen = Screen::SignIn,
        Intent::Up | Intent::FocusPrev => r.cursor = r.cursor.saturating_sub(1),
        Intent::Down | Intent::FocusNext => {
            r.cursor = (r.cursor + 1).min(r.filtered().len().saturating_sub(1))
        }
        // What is typed must show, as on the form: an invisible character is refused.
        Intent::Edit(InputRequest::InsertChar(c)) if crate::sanitize::is_invisible(c) => {
            r.error = Some(format!(
                "refused U+{:04X}: {}",
                u32::from(c),
                validate::TEXT_NOT_VISIBLE
            ));
        }
        Intent::Edit(request) if r.filter.handle(request).is_some_and(|c| c.value) => {
            r.cursor = 0;
            r.error = None;
        }
        Intent::Left => {
            r.filter.handle(InputRequest::GoToPrevChar);
        }
        Intent::Right => {
            r.filter.handle(InputRequest::GoToNextChar);
        }
        _ => {}
    }
    vec![]
}

/// A paste goes into the filter, under the rules of every one-line field.
pub(super) fn paste_into_filter(state: &mut State, text: &str) {
    let Flow::Rotate(r) = &mut state.flow else {
        return;
    };
    let mut notice = None;
    if super::fields::paste_one_line(&mut r.filter, &mut notice, text) {
        r.cursor = 0;
        r.error = None;
    } else {
        r.error = notice;
    }
}

pub(super) fn on_connections_loaded(state: &mut State, result: Result<Vec<AppConnection>, String>) {
    let Some(r) = rotation(state) else {
        return;
    };
    r.connections = match result {
        Ok(list) => {
            // Preselect the connection named on the command line (by id, else by name).
            if let Some(wanted) = &r.wanted {
                match list
                    .iter()
                    .position(|c| &c.id == wanted)
                    .or_else(|| list.iter().position(|c| &c.name == wanted))
                {
                    Some(i) => r.cursor = i,
                    None => {
                        r.error = Some(format!(
                            "no Ona connection named {wanted} is visible; choose one"
                        ))
                    }
                }
            }
            Connections::Loaded(list)
        }
        Err(why) => Connections::Failed(why),
    };
}

/// Rotation from the form: only the token matters.
pub(super) fn form_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Next => {
            state.form.show_required = true;
            if state.form.field_error(Field::Token).is_some()
                || token_check::stop_for_rejection(&mut state.form)
            {
                return vec![];
            }
            let effects = token_check::start(state);
            state.screen = Screen::Review;
            effects
        }
        Intent::Back => {
            state.screen = Screen::Guide(guide::steps().len() - 1);
            vec![]
        }
        Intent::Edit(request) => {
            let form = &mut state.form;
            form.focus = Field::Token;
            if form.token.handle(request) {
                form.token_notice = None;
                form.server_errors.token = None;
                return token_check::token_changed(form, false);
            }
            vec![]
        }
        Intent::Left | Intent::Right => {
            let request = if intent == Intent::Left {
                InputRequest::GoToPrevChar
            } else {
                InputRequest::GoToNextChar
            };
            state.form.token.handle(request);
            vec![]
        }
        Intent::ToggleReveal => {
            state.form.reveal = !state.form.reveal;
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn review_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Next => submit(state),
        Intent::Back => {
            state.screen = Screen::Form;
            vec![]
        }
        _ => vec![],
    }
}

fn submit(state: &mut State) -> Vec<Effect> {
    if !signed_in_or_redirect(state) {
        return vec![];
    }
    let target = state.rotation().and_then(|r| r.target.clone());
    let (Some(target), Ok(token)) = (target, validate::token(state.form.token.expose())) else {
        state.screen = Screen::Form;
        return vec![];
    };
    let token = Secret::new(token);
    vec![Effect::Rotate {
        attempt: start_sending(state),
        connection_id: target.id,
        token,
    }]
}

pub(super) fn on_rotated(
    state: &mut State,
    attempt: u64,
    result: Result<AppConnection, Error>,
) -> Vec<Effect> {
    if !is_current(state, attempt) {
        return vec![];
    }
    if let Some(sent) = state.in_flight() {
        state.lost_answer.after_rotation(&sent, &result);
    }
    let after = match result {
        Ok(after) => after,
        Err(e) => return misplaced(state, &e),
    };
    let site = state.site();
    let record = Record {
        site: state.sign_in.site_text(),
        project_id: after.project_id.clone(),
        client_id: None,
        name: after.name.clone(),
        connection_id: after.id.clone(),
        token_expires: state.form.token_expiry().and_then(|e| e.date.clone()),
    };
    let Some(r) = rotation(state) else {
        return vec![];
    };
    let before = r.target.clone().unwrap_or_else(|| after.clone());
    r.result = Some(Rotated {
        before,
        after,
        site,
    });
    state.form.token.clear();
    state.screen = Screen::Done;
    vec![Effect::Remember(record)]
}

/// A failed rotation goes where it can be fixed.
fn misplaced(state: &mut State, error: &Error) -> Vec<Effect> {
    match placement::rotation_error(error) {
        Place::SignIn(lines) => sign_in_again(state, lines),
        Place::Fields(messages) => {
            for (field, text) in messages {
                *state.form.server_errors.slot(field) = Some(text);
            }
            state.screen = Screen::Form;
        }
        Place::PickConnection(why) => {
            if let Some(r) = rotation(state) {
                r.error = Some(why);
                r.target = None;
                r.connections = Connections::Loading;
            }
            state.screen = Screen::PickConnection;
            return vec![Effect::LoadConnections];
        }
        Place::Review(lines, _) => review_error(state, lines, "Enter sends the new token again"),
    }
    vec![]
}
