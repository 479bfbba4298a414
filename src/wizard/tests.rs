//! `update` specified transition by transition. No terminal, no network.

use super::*;
use crate::infisical::{self, ApiError, AppConnection};
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

fn fresh() -> State {
    State::new(Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("client-1".into()),
        client_secret: Some("ucs_CANARY_secret".into()),
        ..Init::default()
    })
    .0
}

fn signed_in(state: &mut State) {
    update(
        state,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "Universal Auth".into(),
            projects: Ok(vec![project("p1", "Backend"), project("p2", "Frontend")]),
        })),
    );
}

/// A state on the form with the token pasted and the second project chosen.
fn at_form() -> State {
    let mut s = fresh();
    key(&mut s, Intent::Next);
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    for _ in 0..4 {
        key(&mut s, Intent::Next);
    }
    assert_eq!(s.screen, Screen::Form);
    update(&mut s, Msg::Paste(format!("  {TOKEN}\n")));
    s.form.focus = Field::Project;
    key(&mut s, Intent::Down);
    s
}

fn at_submitting() -> (State, u64) {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Review);
    let effects = key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Submitting);
    let [Effect::Submit { attempt, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    (s, *attempt)
}

fn api_error(status: u16, error: &str, message: serde_json::Value) -> CreateError {
    let body = serde_json::json!({"reqId": "req-1234", "statusCode": status, "error": error, "message": message});
    CreateError::Rejected(infisical::Error::Api(ApiError::from_body(
        status,
        body.to_string().as_bytes(),
        None,
    )))
}

#[test]
fn starts_signing_in_from_the_environment_and_probing_the_cli() {
    let (s, effects) = State::new(Init {
        site: "https://eu.infisical.com".into(),
        env_source: Some("INFISICAL_TOKEN".into()),
        cli_on_path: true,
        ..Init::default()
    });
    assert_eq!(s.sign_in.preset, HostPreset::EuCloud);
    assert_eq!(s.sign_in.status, SignInStatus::Working);
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::SignIn {
                with: SignInWith::Environment,
                ..
            },
            Effect::ProbeCli { .. }
        ]
    ));
    assert!(s.sign_in.fields().is_empty(), "nothing to fill in");
}

#[test]
fn a_working_cli_login_is_offered_first() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        cli_on_path: true,
        ..Init::default()
    });
    assert_eq!(s.sign_in.cli, CliProbe::Checking);
    update(&mut s, Msg::CliProbed(Ok(())));
    assert_eq!(s.sign_in.method, Method::Cli);
    assert_eq!(s.sign_in.methods()[0], Method::Cli);
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SignIn {
            with: SignInWith::Cli,
            ..
        }]
    ));
    update(&mut s, Msg::CliProbed(Err("not logged in".into())));
    assert_eq!(s.sign_in.cli, CliProbe::Failed("not logged in".into()));
}

#[test]
fn universal_auth_needs_both_fields() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("id".into()),
        ..Init::default()
    });
    assert_eq!(
        s.sign_in.focus,
        SignInField::ClientSecret,
        "focus starts on the first empty field"
    );
    assert!(key(&mut s, Intent::Next).is_empty());
    assert!(matches!(s.sign_in.status, SignInStatus::Failed(_)));
    type_text(&mut s, "secret");
    let effects = key(&mut s, Intent::Next);
    let [
        Effect::SignIn {
            with:
                SignInWith::UniversalAuth {
                    client_id,
                    client_secret,
                },
            domain,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (client_id.as_str(), client_secret.expose()),
        ("id", "secret")
    );
    assert_eq!(domain.site(), "https://app.infisical.com");
    assert_eq!(s.sign_in.status, SignInStatus::Working);
    assert!(
        key(&mut s, Intent::Next).is_empty(),
        "keys wait while signing in"
    );
}

#[test]
fn a_self_hosted_url_is_checked_before_sending_anything() {
    let mut s = fresh();
    s.sign_in.focus = SignInField::Host;
    key(&mut s, Intent::Left);
    assert_eq!(s.sign_in.preset, HostPreset::SelfHosted);
    key(&mut s, Intent::FocusNext);
    assert_eq!(s.sign_in.focus, SignInField::CustomUrl);
    type_text(&mut s, "http://infisical.example.com");
    assert!(key(&mut s, Intent::Next).is_empty());
    let SignInStatus::Failed(lines) = &s.sign_in.status else {
        panic!()
    };
    assert!(lines[0].contains("refusing plain http"), "{lines:?}");
    assert_eq!(s.sign_in.focus, SignInField::CustomUrl);
}

#[test]
fn sign_in_failure_is_shown_and_keeps_the_values() {
    let mut s = fresh();
    key(&mut s, Intent::Next);
    update(
        &mut s,
        Msg::SignInFinished(Err(vec![
            "HTTP 401 UnauthorizedError".into(),
            "Invalid credentials".into(),
        ])),
    );
    assert_eq!(s.screen, Screen::SignIn);
    assert!(matches!(&s.sign_in.status, SignInStatus::Failed(l) if l[1] == "Invalid credentials"));
    assert_eq!(s.sign_in.client_id.value(), "client-1");
    assert_eq!(s.sign_in.client_secret.expose(), "ucs_CANARY_secret");
}

#[test]
fn signing_in_loads_projects_and_preselects_the_configured_one() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        project_id: Some("p2".into()),
        ..Init::default()
    });
    signed_in(&mut s);
    assert!(s.sign_in.is_signed_in());
    assert_eq!(s.form.chosen_project().unwrap().id, "p2");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Guide(0));
}

#[test]
fn listing_not_allowed_falls_back_to_a_typed_project_id() {
    let mut s = fresh();
    update(
        &mut s,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "token".into(),
            projects: Err("HTTP 403".into()),
        })),
    );
    assert!(matches!(s.form.projects, Projects::Unavailable(_)));
    assert_eq!(s.form.chosen_project(), None);
    s.screen = Screen::Form;
    s.form.focus = Field::Project;
    type_text(&mut s, "my-project-id");
    assert_eq!(s.form.chosen_project().unwrap().id, "my-project-id");
}

#[test]
fn guide_steps_go_forward_and_back() {
    let mut s = fresh();
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    for i in 0..4 {
        assert_eq!(s.screen, Screen::Guide(i));
        assert_eq!(s.screen.step_number(), i + 2);
        key(&mut s, Intent::Next);
    }
    assert_eq!(s.screen, Screen::Form);
    assert_eq!(
        s.form.focus,
        Field::Token,
        "the name has a valid default, so the token is next"
    );
    key(&mut s, Intent::Back);
    assert_eq!(s.screen, Screen::Guide(3));
    for _ in 0..4 {
        key(&mut s, Intent::Back);
    }
    assert_eq!(s.screen, Screen::SignIn);
    assert!(s.sign_in.is_signed_in(), "going back does not sign out");
}

#[test]
fn name_is_validated_as_you_type() {
    let mut s = at_form();
    s.form.focus = Field::Name;
    key(&mut s, Intent::Edit(DeleteLine));
    assert_eq!(
        s.field_error(Field::Name).as_deref(),
        Some(validate::NAME_TOO_SHORT)
    );
    type_text(&mut s, "Ona Dev");
    assert_eq!(
        s.field_error(Field::Name).as_deref(),
        Some(validate::NAME_BAD_CHARS)
    );
    key(&mut s, Intent::Edit(DeleteLine));
    type_text(&mut s, "ona-dev");
    assert_eq!(s.field_error(Field::Name), None);
}

#[test]
fn description_stops_at_its_limit() {
    let mut s = at_form();
    s.form.focus = Field::Description;
    type_text(&mut s, &"x".repeat(300));
    assert_eq!(
        s.form.description.value().chars().count(),
        validate::DESCRIPTION_MAX
    );
    assert_eq!(s.field_error(Field::Description), None);
}

#[test]
fn a_missing_token_blocks_review_and_says_why() {
    let mut s = fresh();
    signed_in(&mut s);
    s.screen = Screen::Form;
    s.form.focus = Field::Name;
    assert_eq!(
        s.field_error(Field::Token),
        None,
        "no complaint before trying"
    );
    key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Form);
    assert_eq!(s.form.focus, Field::Token);
    assert_eq!(
        s.field_error(Field::Token).as_deref(),
        Some(validate::TOKEN_REQUIRED)
    );
}

#[test]
fn paste_inserts_the_whole_token_trimmed_and_never_submits() {
    let mut s = at_form();
    assert_eq!(s.form.token.expose(), TOKEN);
    assert_eq!(s.form.token_notice.as_deref(), Some("pasted 24 characters"));
    assert_eq!(
        s.screen,
        Screen::Form,
        "the pasted newline did not continue"
    );
    s.form.focus = Field::Token;
    update(&mut s, Msg::Paste("line1\nline2".into()));
    assert_eq!(
        s.form.token.expose(),
        TOKEN,
        "a multi-line paste is refused whole"
    );
    assert!(
        s.form
            .token_notice
            .as_deref()
            .unwrap()
            .starts_with("refused")
    );
    // Invalid UTF-8 reaches us as U+FFFD (crossterm decodes pastes lossily).
    update(&mut s, Msg::Paste("tok\u{FFFD}en".into()));
    assert_eq!(s.form.token.expose(), TOKEN, "a mangled paste is refused");
    assert!(
        s.form
            .token_notice
            .as_deref()
            .unwrap()
            .contains(validate::TOKEN_NOT_TEXT)
    );
    s.form.focus = Field::Name;
    key(&mut s, Intent::Edit(DeleteLine));
    update(&mut s, Msg::Paste("first-line\nsecond\r\n".into()));
    assert_eq!(s.form.name.value(), "first-line");
    assert_eq!(s.screen, Screen::Form);
}

#[test]
fn project_picker_filters_and_moves() {
    let mut s = at_form();
    assert_eq!(s.form.chosen_project().unwrap().id, "p2");
    key(&mut s, Intent::Up);
    assert_eq!(s.form.chosen_project().unwrap().id, "p1");
    type_text(&mut s, "front");
    assert_eq!(s.form.filtered_projects().len(), 1);
    assert_eq!(s.form.chosen_project().unwrap().id, "p2");
    type_text(&mut s, "zzz");
    assert_eq!(
        s.form.chosen_project().unwrap().id,
        "frontzzz",
        "no match: the text is the id"
    );
}

#[test]
fn review_and_back_keep_every_value() {
    let mut s = at_form();
    s.form.focus = Field::Description;
    type_text(&mut s, "for the team");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Review);
    key(&mut s, Intent::Back);
    assert_eq!(s.screen, Screen::Form);
    assert_eq!(s.form.description.value(), "for the team");
    assert_eq!(s.form.token.expose(), TOKEN);
    assert_eq!(s.form.chosen_project().unwrap().id, "p2");
}

#[test]
fn submit_sends_exactly_the_reviewed_values() {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    let effects = key(&mut s, Intent::Next);
    let [
        Effect::Submit {
            attempt: 1,
            request,
            after_unknown_outcome: false,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(request.name, DEFAULT_NAME);
    assert_eq!(request.project_id, "p2");
    assert_eq!(request.description, None);
    assert_eq!(request.token.expose(), TOKEN);
    assert!(s.busy());
    assert!(
        key(&mut s, Intent::Next).is_empty(),
        "no second submit while one is in flight"
    );
}

#[test]
fn success_shows_the_result_remembers_choices_and_wipes_the_token() {
    let (mut s, attempt) = at_submitting();
    let effects = update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Ok(infisical::Created {
                connection: connection("ona"),
                recovered: false,
            }),
        },
    );
    assert_eq!(s.screen, Screen::Done);
    assert!(
        matches!(effects.as_slice(), [Effect::SaveConfig { project_id, client_id: Some(_), name, .. }] if project_id == "p2" && name == "ona")
    );
    assert!(s.form.token.is_empty());
    let created = s.created.clone().unwrap();
    assert_eq!(created.project_name.as_deref(), Some("Frontend"));
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(effects.as_slice(), [Effect::Exit]));
    assert_eq!(s.exit, Some(Outcome::Created(Box::new(created))));
}

#[test]
fn a_late_answer_to_an_older_attempt_is_ignored() {
    let (mut s, attempt) = at_submitting();
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: attempt + 7,
            result: Ok(infisical::Created {
                connection: connection("x"),
                recovered: false,
            }),
        },
    );
    assert_eq!(s.screen, Screen::Submitting);
}

#[test]
fn a_taken_name_lands_on_the_name_field_with_everything_kept() {
    let (mut s, attempt) = at_submitting();
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(CreateError::NameTaken(connection("ona"))),
        },
    );
    assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Name));
    assert!(
        s.field_error(Field::Name)
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(s.form.token.expose(), TOKEN);
    key(&mut s, Intent::Edit(InsertChar('2')));
    assert_eq!(
        s.field_error(Field::Name),
        None,
        "editing clears the server's complaint"
    );

    let (mut s, attempt) = at_submitting();
    let dup = api_error(
        400,
        "BadRequest",
        "An App Connection with the name \"ona\" already exists".into(),
    );
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(dup),
        },
    );
    assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Name));
    assert!(
        s.field_error(Field::Name)
            .unwrap()
            .contains("reqId req-1234")
    );
}

#[test]
fn a_rejected_ona_token_lands_on_the_token_field_cleaned() {
    let (mut s, attempt) = at_submitting();
    let err = api_error(400, "BadRequest", "Failed to validate credentials: {\"code\":\"unauthenticated\",\"message\":\"bad\u{1b}[2J\"}".into());
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(err),
        },
    );
    assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Token));
    let e = s.field_error(Field::Token).unwrap();
    assert!(
        e.starts_with("Failed to validate credentials") && !e.contains('\u{1b}'),
        "{e}"
    );
    assert_eq!(s.form.token.expose(), TOKEN);
}

#[test]
fn validation_issues_go_beside_their_fields() {
    let (mut s, attempt) = at_submitting();
    let issues = serde_json::json!([
        {"code": "custom", "path": ["description"], "message": "Description cannot exceed 256 characters"},
        {"code": "too_small", "path": ["credentials", "personalAccessToken"], "message": "Personal Access Token required"}
    ]);
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(api_error(422, "ValidationFailure", issues)),
        },
    );
    assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Description));
    assert_eq!(
        s.form.server_errors.token.as_deref(),
        Some("Personal Access Token required")
    );
}

#[test]
fn an_unknown_project_lands_on_the_picker() {
    let (mut s, attempt) = at_submitting();
    let err = api_error(
        400,
        "BadRequest",
        "Could not find project with ID p2".into(),
    );
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(err),
        },
    );
    assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Project));
    assert!(
        s.field_error(Field::Project)
            .unwrap()
            .contains("Could not find project")
    );
}

#[test]
fn an_expired_session_goes_to_sign_in_and_comes_back_to_review() {
    let (mut s, attempt) = at_submitting();
    let err = api_error(
        403,
        "TokenError",
        "Your token has expired. Please re-authenticate.".into(),
    );
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(err),
        },
    );
    assert_eq!(s.screen, Screen::SignIn);
    assert!(
        matches!(&s.sign_in.status, SignInStatus::Failed(l) if l.iter().any(|l| l.contains("expired")))
    );
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(effects.as_slice(), [Effect::SignIn { .. }]));
    signed_in(&mut s);
    assert_eq!(
        s.screen,
        Screen::Review,
        "straight back to where the user was"
    );
    assert_eq!(s.form.token.expose(), TOKEN);
}

#[test]
fn network_failures_return_to_review_with_a_retry() {
    let (mut s, attempt) = at_submitting();
    let err = CreateError::Rejected(infisical::Error::Connect {
        host: "h".into(),
        detail: "refused".into(),
    });
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(err),
        },
    );
    assert_eq!(s.screen, Screen::Review);
    assert!(s.submit_error.as_ref().unwrap().lines[0].contains("could not connect"));
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Submit {
            attempt: 2,
            after_unknown_outcome: false,
            ..
        }]
    ));
}

#[test]
fn an_unknown_outcome_makes_the_retry_look_the_name_up_first() {
    let (mut s, attempt) = at_submitting();
    let timeout = infisical::Error::Timeout {
        host: "h".into(),
        seconds: 120,
        sent: true,
    };
    let lookup = infisical::Error::Connect {
        host: "h".into(),
        detail: "refused".into(),
    };
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(CreateError::OutcomeUnknown {
                cause: timeout.clone(),
                lookup,
            }),
        },
    );
    assert_eq!(s.screen, Screen::Review);
    assert!(
        s.submit_error
            .as_ref()
            .unwrap()
            .hint
            .contains("checks by name")
    );
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Submit {
            after_unknown_outcome: true,
            ..
        }]
    ));
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: 2,
            result: Err(CreateError::NotCreated { cause: timeout }),
        },
    );
    assert!(
        !s.after_unknown_outcome,
        "absent for sure now: a plain send again"
    );
    assert!(
        s.submit_error
            .as_ref()
            .unwrap()
            .hint
            .contains("no connection was created")
    );
}

#[test]
fn ctrl_c_asks_once_when_values_were_entered() {
    let mut s = fresh();
    let effects = key(&mut s, Intent::Quit);
    assert!(matches!(effects.as_slice(), [Effect::Exit]));
    assert_eq!(s.exit, Some(Outcome::Cancelled));

    let mut s = at_form();
    assert!(key(&mut s, Intent::Quit).is_empty());
    assert_eq!(s.overlay, Overlay::ConfirmQuit);
    key(&mut s, Intent::No);
    assert_eq!((s.overlay, s.screen), (Overlay::None, Screen::Form));
    key(&mut s, Intent::Quit);
    assert!(
        matches!(key(&mut s, Intent::Quit).as_slice(), [Effect::Exit]),
        "a second Ctrl-C quits"
    );
    assert_eq!(s.exit, Some(Outcome::Cancelled));
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut s = at_form();
    key(&mut s, Intent::Help);
    assert_eq!(s.overlay, Overlay::Help);
    update(&mut s, Msg::Paste("ignored".into()));
    key(&mut s, Intent::Next);
    assert_eq!((s.overlay, s.screen), (Overlay::None, Screen::Form));
}

#[test]
fn reveal_toggles() {
    let mut s = at_form();
    key(&mut s, Intent::ToggleReveal);
    assert!(s.form.reveal);
    key(&mut s, Intent::ToggleReveal);
    assert!(!s.form.reveal);
}

#[test]
fn debug_output_never_contains_a_secret() {
    let (s, _) = at_submitting();
    let dump = format!("{s:?}");
    assert!(
        !dump.contains(TOKEN) && !dump.contains("ucs_CANARY"),
        "{dump}"
    );
    let m = Msg::Paste(TOKEN.into());
    assert!(!format!("{m:?}").contains(TOKEN));
    let m = Msg::Key(Intent::Edit(InsertChar('Q')));
    assert!(!format!("{m:?}").contains('Q'));
    let mut s = at_form();
    let effects = {
        key(&mut s, Intent::Next);
        key(&mut s, Intent::Next)
    };
    assert!(!format!("{effects:?}").contains(TOKEN));
}

#[test]
fn key_releases_are_ignored_and_keys_map_per_screen() {
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
    let ev = |code, kind| KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind,
        state: KeyEventState::NONE,
    };
    let s = at_form();
    assert_eq!(
        intent_for(&s, ev(KeyCode::Char('q'), KeyEventKind::Release)),
        None
    );
    assert_eq!(
        intent_for(&s, ev(KeyCode::Char('q'), KeyEventKind::Press)),
        Some(Intent::Edit(InsertChar('q'))),
        "q types in a field"
    );
    let mut g = fresh();
    g.screen = Screen::Guide(1);
    assert_eq!(
        intent_for(&g, ev(KeyCode::Char('q'), KeyEventKind::Press)),
        Some(Intent::Quit)
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(intent_for(&s, ctrl_c), Some(Intent::Quit));
    assert_eq!(
        intent_for(&s, KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        Some(Intent::ToggleReveal)
    );
    assert_eq!(
        intent_for(&s, KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Intent::Help)
    );
}

#[test]
fn links_can_be_chosen_copied_opened_and_shown() {
    let mut s = fresh();
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    assert_eq!(s.screen, Screen::Guide(0));
    assert_eq!(s.selected_link().unwrap().1, "https://app.ona.com");
    key(&mut s, Intent::Down);
    let docs = "https://ona.com/docs/ona/integrations/personal-access-token";
    assert_eq!(s.selected_link().unwrap().1, docs);
    let effects = key(&mut s, Intent::CopyLink);
    assert!(matches!(effects.as_slice(), [Effect::CopyToClipboard(u)] if u == docs));
    assert!(s.notice.as_deref().unwrap().starts_with("copied"));
    let effects = key(&mut s, Intent::OpenLink);
    assert!(matches!(effects.as_slice(), [Effect::OpenUrl(u)] if u == docs));

    s.browser_unavailable = Some("this is an SSH session".into());
    assert!(key(&mut s, Intent::OpenLink).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("SSH"));

    key(&mut s, Intent::ToggleQr);
    assert_eq!(s.link_view, LinkView::Qr);
    key(&mut s, Intent::Back);
    assert_eq!(
        (s.link_view, s.screen),
        (LinkView::Inline, Screen::Guide(0)),
        "Esc closes the QR code first"
    );
    key(&mut s, Intent::FullLink);
    key(&mut s, Intent::Next);
    assert_eq!(
        (s.link_view, s.screen),
        (LinkView::Inline, Screen::Guide(0))
    );
    key(&mut s, Intent::Next);
    assert_eq!(
        (s.screen, s.link, s.notice.as_ref()),
        (Screen::Guide(1), 0, None),
        "a new screen starts fresh"
    );
    assert!(
        key(&mut s, Intent::CopyLink).is_empty(),
        "no links on this step"
    );
}

#[test]
fn the_result_offers_the_app_connections_page() {
    let (mut s, attempt) = at_submitting();
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Ok(infisical::Created {
                connection: connection("ona"),
                recovered: false,
            }),
        },
    );
    let (_, url) = s.selected_link().unwrap();
    assert_eq!(
        url,
        "https://app.infisical.com/organizations/org-1/projects/secret-management/p2/app-connections"
    );
    assert!(
        matches!(key(&mut s, Intent::CopyLink).as_slice(), [Effect::CopyToClipboard(u)] if *u == url)
    );
}

mod ona_check {
    use super::*;
    use crate::ona::{Expiry, Identity, OnaError, PatRecord, TokenCheck};
    use time::macros::datetime;

    const NOW: time::OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

    fn check(expiry: Expiry) -> Result<TokenCheck, OnaError> {
        Ok(TokenCheck {
            identity: Identity {
                organization_id: "org".into(),
                subject_id: "user".into(),
                principal: "PRINCIPAL_USER".into(),
            },
            expiry,
        })
    }

    fn pat(description: &str, days: i64) -> PatRecord {
        PatRecord {
            id: description.into(),
            description: description.into(),
            created_at: Some(NOW),
            expires_at: Some(NOW + time::Duration::days(days)),
            last_used: None,
        }
    }

    fn answer(s: &mut State, result: Result<TokenCheck, OnaError>) {
        let generation = s.form.token_generation;
        update(
            s,
            Msg::OnaChecked {
                generation,
                result,
                now: NOW,
            },
        );
    }

    fn on_token() -> State {
        let mut s = fresh();
        signed_in(&mut s);
        s.screen = Screen::Form;
        s.form.focus = Field::Token;
        s
    }

    #[test]
    fn typing_waits_for_a_pause_and_paste_checks_at_once() {
        let mut s = on_token();
        let effects = key(&mut s, Intent::Edit(InsertChar('a')));
        assert!(matches!(
            effects.as_slice(),
            [Effect::ScheduleOnaCheck { generation: 1 }]
        ));
        key(&mut s, Intent::Edit(InsertChar('b')));
        assert!(
            update(&mut s, Msg::OnaCheckDue { generation: 1 }).is_empty(),
            "an older pause is ignored"
        );
        let effects = update(&mut s, Msg::OnaCheckDue { generation: 2 });
        assert!(
            matches!(effects.as_slice(), [Effect::CheckOnaToken { generation: 2, token }] if token.expose() == "ab")
        );
        assert_eq!(s.form.ona, OnaCheck::Checking);
        assert!(s.busy(), "the spinner turns while Ona is asked");

        let mut s = on_token();
        let effects = update(&mut s, Msg::Paste(TOKEN.into()));
        assert!(
            matches!(effects.as_slice(), [Effect::CheckOnaToken { token, .. }] if token.expose() == TOKEN)
        );
    }

    #[test]
    fn leaving_the_field_checks_and_a_stale_answer_is_ignored() {
        let mut s = on_token();
        key(&mut s, Intent::Edit(InsertChar('a')));
        let effects = key(&mut s, Intent::FocusNext);
        assert!(matches!(
            effects.as_slice(),
            [Effect::CheckOnaToken { generation: 1, .. }]
        ));
        s.form.focus = Field::Token;
        key(&mut s, Intent::Edit(InsertChar('b')));
        update(
            &mut s,
            Msg::OnaChecked {
                generation: 1,
                result: check(Expiry::Unknown("x".into())),
                now: NOW,
            },
        );
        assert_eq!(
            s.form.ona,
            OnaCheck::Idle,
            "the answer was about an older token"
        );
    }

    #[test]
    fn a_rejected_token_blocks_review_until_the_user_insists() {
        let mut s = on_token();
        update(&mut s, Msg::Paste(TOKEN.into()));
        answer(
            &mut s,
            Err(OnaError::Rejected {
                status: 401,
                code: "unauthenticated".into(),
                message: "bad".into(),
            }),
        );
        s.form.focus = Field::Name;
        assert!(key(&mut s, Intent::Next).is_empty());
        assert_eq!((s.screen, s.form.focus), (Screen::Form, Field::Token));
        assert_eq!(s.form.token.expose(), TOKEN, "the value stays");
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Review, "a second Enter goes on anyway");
    }

    #[test]
    fn an_unreachable_ona_is_only_a_warning() {
        let mut s = on_token();
        update(&mut s, Msg::Paste(TOKEN.into()));
        answer(
            &mut s,
            Err(OnaError::Unreachable {
                host: "h".into(),
                detail: "refused".into(),
            }),
        );
        assert!(matches!(s.form.ona, OnaCheck::Unreachable(_)));
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Review);
    }

    #[test]
    fn the_known_expiry_goes_into_the_description_unless_declined() {
        let mut s = on_token();
        update(&mut s, Msg::Paste(TOKEN.into()));
        answer(
            &mut s,
            check(Expiry::Known(pat("infisical integration", 60))),
        );
        s.form.focus = Field::Description;
        type_text(&mut s, "team");
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Review);
        assert_eq!(
            s.token_expiry().unwrap().text(),
            "expires on 2027-01-27 (in 60 days)"
        );
        assert_eq!(
            s.description_to_send(),
            Ok(Some("team · token expires 2027-01-27".into()))
        );
        key(&mut s, Intent::ToggleRecordExpiry);
        assert_eq!(s.description_to_send(), Ok(Some("team".into())));
        key(&mut s, Intent::ToggleRecordExpiry);
        let effects = key(&mut s, Intent::Next);
        assert!(
            matches!(effects.as_slice(), [Effect::Submit { request, .. }] if request.description.as_deref() == Some("team · token expires 2027-01-27"))
        );
    }

    #[test]
    fn an_ambiguous_token_is_picked_or_skipped() {
        let mut s = on_token();
        update(&mut s, Msg::Paste(TOKEN.into()));
        answer(
            &mut s,
            check(Expiry::Choose(vec![pat("laptop", 30), pat("ci", 9)])),
        );
        assert_eq!(s.overlay, Overlay::PickToken);
        key(&mut s, Intent::Down);
        key(&mut s, Intent::Next);
        assert_eq!(s.overlay, Overlay::None);
        let e = s.token_expiry().unwrap();
        assert_eq!((e.description.as_str(), e.is_soon()), ("ci", true));

        let mut s = on_token();
        update(&mut s, Msg::Paste(TOKEN.into()));
        answer(
            &mut s,
            check(Expiry::Choose(vec![pat("a", 30), pat("b", 9)])),
        );
        key(&mut s, Intent::Back);
        assert!(matches!(
            &s.form.ona,
            OnaCheck::Valid {
                expiry: ExpiryState::Skipped,
                ..
            }
        ));
        assert_eq!(s.token_expiry(), None);
    }

    #[test]
    fn skipping_the_check_sends_nothing_to_ona() {
        let (mut s, _) = State::new(Init {
            site: "https://app.infisical.com".into(),
            skip_ona_check: true,
            ..Init::default()
        });
        signed_in(&mut s);
        s.screen = Screen::Form;
        s.form.focus = Field::Token;
        assert!(update(&mut s, Msg::Paste(TOKEN.into())).is_empty());
        assert!(key(&mut s, Intent::Edit(InsertChar('x'))).is_empty());
        assert_eq!(s.form.ona, OnaCheck::Disabled);
    }

    #[test]
    fn the_expiry_suffix_keeps_the_description_within_its_limit() {
        assert_eq!(with_expiry("", "2027-02-26"), "token expires 2027-02-26");
        let long = with_expiry(&"d".repeat(256), "2027-02-26");
        assert_eq!(long.chars().count(), validate::DESCRIPTION_MAX);
        assert!(long.ends_with("… · token expires 2027-02-26"));
    }
}

mod rotation {
    use super::*;

    fn rotating(wanted: Option<&str>) -> State {
        let (mut s, _) = State::new(Init {
            site: "https://app.infisical.com".into(),
            client_id: Some("client-1".into()),
            client_secret: Some("secret".into()),
            rotate: true,
            rotate_wanted: wanted.map(str::to_string),
            skip_ona_check: true,
            ..Init::default()
        });
        key(&mut s, Intent::Next);
        let effects = update(
            &mut s,
            Msg::SignInFinished(Ok(SignedIn {
                site: "https://app.infisical.com".into(),
                via: "ua".into(),
                projects: Ok(vec![]),
            })),
        );
        assert!(matches!(effects.as_slice(), [Effect::LoadConnections]));
        s
    }

    #[test]
    fn the_rotation_path_picks_a_connection_then_only_asks_for_the_token() {
        let mut s = rotating(Some("second"));
        assert_eq!(s.step(), (1, 10));
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::PickConnection);
        let mut second = connection("second");
        second.id = "id-2".into();
        update(
            &mut s,
            Msg::ConnectionsLoaded(Ok(vec![connection("first"), second])),
        );
        assert_eq!(
            s.rotation.selected().unwrap().name,
            "second",
            "preselected from the command line"
        );
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Guide(0));
        key(&mut s, Intent::Back);
        assert_eq!(s.screen, Screen::PickConnection);
        key(&mut s, Intent::Next);
        for _ in 0..4 {
            key(&mut s, Intent::Next);
        }
        assert_eq!((s.screen, s.step()), (Screen::Form, (7, 10)));
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Form, "no token yet");
        update(&mut s, Msg::Paste(TOKEN.into()));
        key(&mut s, Intent::Next);
        assert_eq!(s.screen, Screen::Review);
        let effects = key(&mut s, Intent::Next);
        let [
            Effect::Rotate {
                attempt,
                connection_id,
                token,
            },
        ] = effects.as_slice()
        else {
            panic!("{effects:?}")
        };
        assert_eq!((connection_id.as_str(), token.expose()), ("id-2", TOKEN));
        let mut after = connection("second");
        after.id = "id-2".into();
        after.credentials_hash = Some("new".into());
        let attempt = *attempt;
        update(
            &mut s,
            Msg::RotateFinished {
                attempt,
                result: Ok(after),
            },
        );
        assert_eq!(s.screen, Screen::Done);
        assert!(s.form.token.is_empty());
        key(&mut s, Intent::Next);
        let Some(Outcome::Rotated(r)) = &s.exit else {
            panic!("{:?}", s.exit)
        };
        assert_eq!(
            (
                r.before.credentials_hash.as_deref(),
                r.after.credentials_hash.as_deref()
            ),
            (Some("abc"), Some("new"))
        );
    }

    #[test]
    fn rotation_failures_land_where_they_can_be_fixed() {
        let mut s = rotating(None);
        key(&mut s, Intent::Next);
        update(&mut s, Msg::ConnectionsLoaded(Ok(vec![connection("only")])));
        for _ in 0..5 {
            key(&mut s, Intent::Next);
        }
        update(&mut s, Msg::Paste(TOKEN.into()));
        key(&mut s, Intent::Next);
        key(&mut s, Intent::Next);
        let rejected = api_error(
            400,
            "BadRequest",
            "Failed to validate credentials: {\"code\":\"unauthenticated\"}".into(),
        );
        let CreateError::Rejected(rejected) = rejected else {
            unreachable!()
        };
        let attempt = s.attempt;
        update(
            &mut s,
            Msg::RotateFinished {
                attempt,
                result: Err(rejected),
            },
        );
        assert_eq!(s.screen, Screen::Form);
        assert!(
            s.field_error(Field::Token)
                .unwrap()
                .contains("Failed to validate credentials")
        );
        assert_eq!(s.form.token.expose(), TOKEN);
        key(&mut s, Intent::Next);
        assert_eq!(
            s.screen,
            Screen::Form,
            "Infisical's complaint stands until the token changes"
        );
        key(&mut s, Intent::Edit(DeleteLine));
        update(&mut s, Msg::Paste(TOKEN.into()));
        key(&mut s, Intent::Next);
        key(&mut s, Intent::Next);
        let gone = api_error(
            404,
            "NotFound",
            "Could not find App Connection with ID x".into(),
        );
        let CreateError::Rejected(gone) = gone else {
            unreachable!()
        };
        let attempt = s.attempt;
        let effects = update(
            &mut s,
            Msg::RotateFinished {
                attempt,
                result: Err(gone),
            },
        );
        assert_eq!(s.screen, Screen::PickConnection);
        assert!(matches!(effects.as_slice(), [Effect::LoadConnections]));
        assert!(
            s.rotation
                .error
                .as_deref()
                .unwrap()
                .contains("no longer exists")
        );
    }

    #[test]
    fn a_taken_name_can_become_a_rotation() {
        let (mut s, attempt) = at_submitting();
        let mut existing = connection("ona");
        existing.id = "existing-id".into();
        update(
            &mut s,
            Msg::SubmitFinished {
                attempt,
                result: Err(CreateError::NameTaken(existing)),
            },
        );
        assert!(s.field_error(Field::Name).unwrap().contains("Ctrl-O"));
        key(&mut s, Intent::RotateInstead);
        assert_eq!((s.mode, s.screen), (Mode::Rotate, Screen::Review));
        let effects = key(&mut s, Intent::Next);
        assert!(
            matches!(effects.as_slice(), [Effect::Rotate { connection_id, .. }] if connection_id == "existing-id")
        );
    }

    #[test]
    fn a_server_side_duplicate_looks_the_holder_up() {
        let (mut s, attempt) = at_submitting();
        let dup = api_error(
            400,
            "BadRequest",
            "An App Connection with the name \"ona\" already exists".into(),
        );
        let effects = update(
            &mut s,
            Msg::SubmitFinished {
                attempt,
                result: Err(dup),
            },
        );
        assert!(
            matches!(effects.as_slice(), [Effect::LookupExisting { name, project_id }] if name == "ona" && project_id == "p2")
        );
        assert!(key(&mut s, Intent::RotateInstead).is_empty());
        assert_eq!(
            s.mode,
            Mode::Create,
            "nothing to rotate until the holder is known"
        );
        update(&mut s, Msg::ExistingFound(Some(connection("ona"))));
        key(&mut s, Intent::RotateInstead);
        assert_eq!(s.mode, Mode::Rotate);
    }
}
