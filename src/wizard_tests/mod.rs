//! `update` specified transition by transition. No terminal, no network. These tests live
//! outside `crate::wizard`, so they cannot set the state by hand: every state is reached
//! through `update`, as the program reaches it.

mod browser;
mod form;
mod keys;
mod ona_check;
mod rotation;
mod scroll;
mod sign_in;
mod submit;
mod words;

use crate::infisical::{self, ApiError, AppConnection, CreateError, Project};
use crate::wizard::*;
use tui_input::InputRequest::*;

const TOKEN: &str = "onaPAT_CANARY_Q7v9xT2mLk";

fn project(id: &str, name: &str) -> Project {
    Project {
        id: id.into(),
        name: name.into(),
        slug: name.to_lowercase().replace(' ', "-"),
        org_id: "org-1".into(),
        kind: Some("secret-manager".into()),
    }
}

fn connection(name: &str) -> AppConnection {
    serde_json::from_value(serde_json::json!({
        "id": "c0c0c0c0-0000-4000-8000-000000000001", "name": name, "description": null,
        "app": "ona", "method": "personal-access-token", "credentialsHash": "abc", "version": 1,
        "orgId": "org-1", "projectId": "p2", "createdAt": "2026-05-04T10:15:00.123Z",
        "updatedAt": "2026-05-04T10:15:00.123Z"
    }))
    .unwrap()
}

fn key(state: &mut State, intent: Intent) -> Vec<Effect> {
    update(state, Msg::Key(intent))
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, Intent::Edit(InsertChar(c)));
    }
}

fn init() -> Init {
    Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("client-1".into()),
        client_secret: Some(crate::secret::Secret::new("ucs_CANARY_secret")),
        ..Init::default()
    }
}

fn fresh() -> State {
    State::new(init()).0
}

/// Moves the form's focus with Tab until `field` has it.
fn focus(state: &mut State, field: Field) {
    for _ in 0..Field::ALL.len() {
        if state.form().focus == field {
            return;
        }
        key(state, Intent::FocusNext);
    }
    assert_eq!(state.form().focus, field, "Tab never reached {field:?}");
}

/// Moves the sign-in screen's focus with Tab until `field` has it.
fn focus_sign_in(state: &mut State, field: SignInField) {
    for _ in 0..8 {
        if state.sign_in().focus == field {
            return;
        }
        key(state, Intent::FocusNext);
    }
    assert_eq!(state.sign_in().focus, field, "Tab never reached {field:?}");
}

/// From a sign-in (confirmed with Enter when it came from the environment) through the
/// guide to the form.
fn to_form(state: &mut State) {
    assert!(state.sign_in().is_signed_in());
    if state.screen() == Screen::SignIn {
        key(state, Intent::Next);
    }
    while let Screen::Guide(_) = state.screen() {
        key(state, Intent::Next);
    }
    assert_eq!(state.screen(), Screen::Form);
}

fn signed_in(state: &mut State) {
    update(
        state,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "Universal Auth".into(),
            who: None,
            projects: Ok(vec![project("p1", "Backend"), project("p2", "Frontend")]),
        })),
    );
}

/// A state on the form with the token pasted and the second project chosen.
fn at_form() -> State {
    let mut s = fresh();
    key(&mut s, Intent::Next);
    signed_in(&mut s);
    to_form(&mut s);
    update(&mut s, Msg::Paste(format!("  {TOKEN}\n")));
    focus(&mut s, Field::Project);
    key(&mut s, Intent::Down);
    s
}

/// Ona's answer to the check in flight: it could not be asked (a warning only).
fn ona_unreachable(state: &mut State) {
    let generation = state.form().token_generation;
    update(
        state,
        Msg::OnaChecked {
            generation,
            result: Err(crate::ona::OnaError::Unreachable {
                host: "app.gitpod.io".into(),
                detail: "test".into(),
            }),
            now: time::OffsetDateTime::UNIX_EPOCH,
        },
    );
}

/// Review, settled: Ona's check has answered.
fn at_review() -> State {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    ona_unreachable(&mut s);
    s
}

fn at_submitting() -> (State, u64) {
    let mut s = at_review();
    let effects = key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Submitting);
    let [Effect::Submit { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    (s, *attempt)
}

/// Infisical's answer to attempt `attempt`: the connection "ona" was created.
fn answer_created(state: &mut State, attempt: u64) -> Vec<Effect> {
    update(
        state,
        Msg::SubmitFinished {
            attempt,
            result: Ok(infisical::Created {
                connection: connection("ona"),
                recovered: false,
            }),
        },
    )
}

/// A create that Infisical answered with `error`.
fn failed_with(error: CreateError) -> State {
    let (mut s, attempt) = at_submitting();
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(error),
        },
    );
    s
}

fn api_error(status: u16, error: &str, message: serde_json::Value) -> CreateError {
    let body = serde_json::json!({"reqId": "req-1234", "statusCode": status, "error": error, "message": message});
    CreateError::Rejected(infisical::Error::Api(ApiError::from_body(
        status,
        body.to_string().as_bytes(),
        None,
    )))
}
