use super::*;

fn rotating(wanted: Option<&str>) -> State {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("client-1".into()),
        client_secret: Some(crate::secret::Secret::new("secret")),
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
            who: None,
            projects: Ok(vec![]),
        })),
    );
    assert!(matches!(effects.as_slice(), [Effect::LoadConnections]));
    s
}

#[test]
fn the_rotation_path_picks_a_connection_then_only_asks_for_the_token() {
    let mut s = rotating(Some("second"));
    // The user started the sign-in: its success goes straight on.
    assert_eq!(s.screen(), Screen::PickConnection);
    assert_eq!(s.step(), (2, 10));
    let mut second = connection("second");
    second.id = "id-2".into();
    update(
        &mut s,
        Msg::ConnectionsLoaded(Ok(vec![connection("first"), second])),
    );
    assert_eq!(
        s.rotation().unwrap().selected().unwrap().name,
        "second",
        "preselected from the command line"
    );
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Guide(0));
    key(&mut s, Intent::Back);
    assert_eq!(s.screen(), Screen::PickConnection);
    key(&mut s, Intent::Next);
    for _ in 0..4 {
        key(&mut s, Intent::Next);
    }
    assert_eq!((s.screen(), s.step()), (Screen::Form, (7, 10)));
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Form, "no token yet");
    update(&mut s, Msg::Paste(TOKEN.into()));
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
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
    assert_eq!(s.screen(), Screen::Done);
    assert!(s.form().token.is_empty());
    key(&mut s, Intent::Next);
    let Some(Outcome::Rotated(r)) = &s.take_exit() else {
        panic!("{:?}", s.take_exit())
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
    let attempt = s.attempt();
    update(
        &mut s,
        Msg::RotateFinished {
            attempt,
            result: Err(rejected),
        },
    );
    assert_eq!(s.screen(), Screen::Form);
    assert!(
        s.form()
            .field_error(Field::Token)
            .unwrap()
            .contains("Ona refused the token when Infisical checked it (unauthenticated) (HTTP 400, reqId req-1234)")
    );
    assert_eq!(s.form().token.expose(), TOKEN);
    key(&mut s, Intent::Next);
    assert_eq!(
        s.screen(),
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
    let attempt = s.attempt();
    let effects = update(
        &mut s,
        Msg::RotateFinished {
            attempt,
            result: Err(gone),
        },
    );
    assert_eq!(s.screen(), Screen::PickConnection);
    assert!(matches!(effects.as_slice(), [Effect::LoadConnections]));
    assert!(
        s.rotation()
            .unwrap()
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
    assert!(
        s.form()
            .field_error(Field::Name)
            .unwrap()
            .contains("Ctrl-O")
    );
    key(&mut s, Intent::RotateInstead);
    assert_eq!((s.rotating(), s.screen()), (true, Screen::Review));
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
    assert!(!s.rotating(), "nothing to rotate until the holder is known");
    update(&mut s, Msg::ExistingFound(Some(connection("ona"))));
    key(&mut s, Intent::RotateInstead);
    assert!(s.rotating());
}

/// The connection "only" chosen, through the guide, its new token pasted, on Review.
fn at_rotation_review() -> State {
    let mut s = rotating(Some("only"));
    update(&mut s, Msg::ConnectionsLoaded(Ok(vec![connection("only")])));
    for _ in 0..5 {
        key(&mut s, Intent::Next);
    }
    update(&mut s, Msg::Paste(TOKEN.into()));
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    s
}

#[test]
fn quitting_while_a_rotation_is_in_flight_says_so() {
    let mut s = at_rotation_review();
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Submitting);
    key(&mut s, Intent::Quit);
    assert_eq!(s.overlay(), Overlay::ConfirmQuit);
    key(&mut s, Intent::Yes);
    let Some(Outcome::Abandoned(in_flight)) = s.take_exit() else {
        panic!("not abandoned")
    };
    assert!(in_flight.rotation);
    assert_eq!(in_flight.name, "only");
    assert!(
        crate::session::summary::in_flight_line(&in_flight)
            .starts_with("the new token for only was sent and its outcome is unknown")
    );
}

#[test]
fn quitting_after_a_rotation_whose_answer_was_lost_says_so() {
    let mut s = at_rotation_review();
    let [Effect::Rotate { attempt, .. }] = key(&mut s, Intent::Next)[..] else {
        panic!("no rotation sent")
    };
    let timeout = crate::infisical::Error::Timeout {
        host: "h".into(),
        seconds: 120,
        sent: true,
        attempts: 1,
    };
    update(
        &mut s,
        Msg::RotateFinished {
            attempt,
            result: Err(timeout),
        },
    );
    assert_ne!(s.screen(), Screen::Submitting);
    key(&mut s, Intent::Quit);
    key(&mut s, Intent::Yes);
    let Some(Outcome::Abandoned(lost)) = s.take_exit() else {
        panic!("a rotation whose answer was lost ended as a cancel")
    };
    assert_eq!((lost.rotation, lost.name.as_str()), (true, "only"));
}

#[test]
fn the_connection_filter_takes_a_paste_and_refuses_text_that_hides() {
    let mut s = rotating(None);
    update(
        &mut s,
        Msg::ConnectionsLoaded(Ok(vec![connection("alpha"), connection("beta")])),
    );
    assert_eq!(s.screen(), Screen::PickConnection);
    key(&mut s, Intent::Edit(InsertChar('\u{200b}')));
    let r = s.rotation().unwrap();
    assert_eq!(r.filter.value(), "");
    assert!(
        r.error.as_deref().unwrap().contains("U+200B"),
        "{:?}",
        r.error
    );
    update(&mut s, Msg::Paste("be\u{202e}ta".into()));
    assert_eq!(s.rotation().unwrap().filter.value(), "");
    update(&mut s, Msg::Paste("  beta\n".into()));
    let r = s.rotation().unwrap();
    assert_eq!((r.filter.value(), r.error.as_deref()), ("beta", None));
    assert_eq!(r.selected().map(|c| c.name.as_str()), Some("beta"));
}
