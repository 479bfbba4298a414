use super::*;

#[test]
fn submit_sends_exactly_the_reviewed_values() {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    assert!(s.review_settling());
    assert!(
        key(&mut s, Intent::Next).is_empty(),
        "Enter waits for Ona's check"
    );
    assert_eq!(s.screen(), Screen::Review);
    ona_unreachable(&mut s);
    assert!(!s.review_settling());
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
    let effects = answer_created(&mut s, attempt);
    assert_eq!(s.screen(), Screen::Done);
    assert!(
        matches!(effects.as_slice(), [Effect::Remember(r)] if r.project_id.as_deref() == Some("p2") && r.client_id.is_some() && r.name == "ona")
    );
    assert!(s.form().token.is_empty());
    let created = s.created().cloned().unwrap();
    assert_eq!(created.project_name.as_deref(), Some("Frontend"));
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(effects.as_slice(), [Effect::Exit]));
    assert_eq!(s.take_exit(), Some(Outcome::Created(Box::new(created))));
}

#[test]
fn a_late_answer_to_an_older_attempt_is_ignored() {
    let (mut s, first) = at_submitting();
    // The first attempt fails as far as the wizard knows; the user sends again.
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: first,
            result: Err(api_error(500, "Internal Server Error", "boom".into())),
        },
    );
    assert_eq!(s.screen(), Screen::Review);
    let effects = key(&mut s, Intent::Next);
    let [
        Effect::Submit {
            attempt: second, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_ne!(*second, first);
    // Then a stray answer to the first one arrives: it must not decide the outcome.
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: first,
            result: Ok(infisical::Created {
                connection: connection("x"),
                recovered: false,
            }),
        },
    );
    assert_eq!(s.screen(), Screen::Submitting);
    assert!(s.created().is_none());
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
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Name));
    assert!(
        s.form()
            .field_error(Field::Name)
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(s.form().token.expose(), TOKEN);
    key(&mut s, Intent::Edit(InsertChar('2')));
    assert_eq!(
        s.form().field_error(Field::Name),
        None,
        "editing clears the server's complaint"
    );

    let s = failed_with(api_error(
        400,
        "BadRequest",
        "An App Connection with the name \"ona\" already exists".into(),
    ));
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Name));
    assert!(
        s.form()
            .field_error(Field::Name)
            .unwrap()
            .contains("reqId req-1234")
    );
}

#[test]
fn a_rejected_ona_token_lands_on_the_token_field_cleaned() {
    let s = failed_with(api_error(400, "BadRequest", "Failed to validate credentials: {\"code\":\"unauthenticated\",\"message\":\"bad\u{1b}[2J\"}".into()));
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Token));
    let e = s.form().field_error(Field::Token).unwrap();
    assert!(
        e.starts_with("Ona refused the token when Infisical checked it (unauthenticated): bad")
            && e.ends_with("(HTTP 400, reqId req-1234)")
            && !e.contains('\u{1b}'),
        "{e}"
    );
    assert_eq!(s.form().token.expose(), TOKEN);
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
    assert_eq!(
        (s.screen(), s.form().focus),
        (Screen::Form, Field::Description)
    );
    assert_eq!(
        s.form().server_errors.token.as_deref(),
        Some("Personal Access Token required")
    );
}

#[test]
fn an_unknown_project_lands_on_the_picker() {
    let s = failed_with(api_error(
        400,
        "BadRequest",
        "Could not find project with ID p2".into(),
    ));
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Project));
    assert!(
        s.form()
            .field_error(Field::Project)
            .unwrap()
            .contains("Could not find project")
    );
}

#[test]
fn an_expired_session_goes_to_sign_in_and_comes_back_to_review() {
    let mut s = failed_with(api_error(
        403,
        "TokenError",
        "Your token has expired. Please re-authenticate.".into(),
    ));
    assert_eq!(s.screen(), Screen::SignIn);
    assert!(
        matches!(&s.sign_in().status, SignInStatus::Failed(l) if l.iter().any(|l| l.contains("expired")))
    );
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(effects.as_slice(), [Effect::SignIn { .. }]));
    signed_in(&mut s);
    assert_eq!(
        s.screen(),
        Screen::Review,
        "straight back to where the user was"
    );
    assert_eq!(s.form().token.expose(), TOKEN);
}

#[test]
fn network_failures_return_to_review_with_a_retry() {
    let mut s = failed_with(CreateError::Rejected(infisical::Error::Connect {
        host: "h".into(),
        detail: "refused".into(),
    }));
    assert_eq!(s.screen(), Screen::Review);
    assert!(s.submit_error().as_ref().unwrap().lines[0].contains("could not connect"));
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
        attempts: 1,
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
    assert_eq!(s.screen(), Screen::Review);
    assert!(
        s.submit_error()
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
    assert_eq!(
        (s.sent_before(), s.unsettled()),
        (crate::session::summary::SentBefore::NotCreated, None),
        "absent for sure now: a plain send again"
    );
    assert!(
        s.submit_error()
            .as_ref()
            .unwrap()
            .hint
            .contains("no connection was created")
    );
}

/// A create whose answer was lost and whose lookup failed too.
fn answer_lost() -> State {
    let (mut s, attempt) = at_submitting();
    let lost = |detail: &str| infisical::Error::Network {
        host: "h".into(),
        detail: detail.into(),
    };
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(CreateError::OutcomeUnknown {
                cause: lost("reset"),
                lookup: lost("reset again"),
            }),
        },
    );
    assert_eq!(s.screen(), Screen::Review);
    s
}

#[test]
fn after_a_lost_answer_another_name_found_taken_is_not_taken_for_the_lost_create() {
    let mut s = answer_lost();
    key(&mut s, Intent::Back);
    focus(&mut s, Field::Name);
    type_text(&mut s, "-2");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    let effects = key(&mut s, Intent::Next);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Submit { after_unknown_outcome: false, request, .. }] if request.name == "ona-2"
        ),
        "only the lost create's own name, found, means that it worked: {effects:?}"
    );
    // The first create is still unknown whatever becomes of this one.
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: 2,
            result: Err(api_error(500, "InternalServerError", "boom".into())),
        },
    );
    assert_eq!(
        s.unsettled().map(|w| w.name),
        Some(DEFAULT_NAME.to_string())
    );
}

#[test]
fn quitting_after_a_lost_answer_is_not_a_cancel() {
    let mut s = answer_lost();
    key(&mut s, Intent::Quit);
    assert_eq!(s.overlay(), Overlay::ConfirmQuit);
    key(&mut s, Intent::Yes);
    let Some(Outcome::Abandoned(lost)) = s.take_exit() else {
        panic!("a create whose answer was lost ended as a cancel")
    };
    assert_eq!(
        (
            lost.rotation,
            lost.name.as_str(),
            lost.project_id.as_deref()
        ),
        (false, DEFAULT_NAME, Some("p2"))
    );
    assert!(lost.remember.is_some(), "a lookup that finds it records it");
}

#[test]
fn a_resend_that_is_answered_settles_the_lost_create() {
    let mut s = answer_lost();
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Submit {
            after_unknown_outcome: true,
            ..
        }]
    ));
    // The lookup before the resend found no such connection and Infisical refused the
    // resend: the lost create did not happen.
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt: 2,
            result: Err(api_error(
                400,
                "BadRequest",
                "Could not find project".into(),
            )),
        },
    );
    assert_eq!(s.unsettled(), None);
    key(&mut s, Intent::Quit);
    key(&mut s, Intent::Yes);
    assert_eq!(s.take_exit(), Some(Outcome::Cancelled));
}
