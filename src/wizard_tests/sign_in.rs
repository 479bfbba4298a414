use super::*;

#[test]
fn starts_signing_in_from_the_environment_and_probing_the_cli() {
    let (s, effects) = State::new(Init {
        site: "https://eu.infisical.com".into(),
        env_source: Some("INFISICAL_TOKEN".into()),
        cli_on_path: true,
        ..Init::default()
    });
    assert_eq!(s.sign_in().preset, HostPreset::EuCloud);
    assert_eq!(s.sign_in().status, SignInStatus::Working);
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
    assert!(s.sign_in().fields().is_empty(), "nothing to fill in");
}

#[test]
fn a_working_cli_login_is_offered_first() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        cli_on_path: true,
        ..Init::default()
    });
    assert_eq!(s.sign_in().cli, CliProbe::Checking);
    update(&mut s, Msg::CliProbed(Ok(())));
    assert_eq!(s.sign_in().method, Method::Cli);
    assert_eq!(s.sign_in().methods()[0], Method::Cli);
    let effects = key(&mut s, Intent::Next);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SignIn {
            with: SignInWith::Cli,
            ..
        }]
    ));
    update(&mut s, Msg::CliProbed(Err("not logged in".into())));
    assert_eq!(s.sign_in().cli, CliProbe::Failed("not logged in".into()));
}

#[test]
fn universal_auth_needs_both_fields() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("id".into()),
        ..Init::default()
    });
    assert_eq!(
        s.sign_in().focus,
        SignInField::ClientSecret,
        "focus starts on the first empty field"
    );
    assert!(key(&mut s, Intent::Next).is_empty());
    assert!(
        matches!(&s.sign_in().status, SignInStatus::Incomplete(why) if why.contains("client secret is empty")),
        "says which field is empty, not that a sign-in failed"
    );
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
    assert_eq!(s.sign_in().status, SignInStatus::Working);
    assert!(
        key(&mut s, Intent::Next).is_empty(),
        "keys wait while signing in"
    );
}

#[test]
fn a_self_hosted_url_is_checked_before_sending_anything() {
    let mut s = fresh();
    focus_sign_in(&mut s, SignInField::Host);
    key(&mut s, Intent::Left);
    assert_eq!(s.sign_in().preset, HostPreset::SelfHosted);
    key(&mut s, Intent::FocusNext);
    assert_eq!(s.sign_in().focus, SignInField::CustomUrl);
    type_text(&mut s, "http://infisical.example.com");
    assert!(key(&mut s, Intent::Next).is_empty());
    let SignInStatus::Failed(lines) = &s.sign_in().status else {
        panic!()
    };
    assert!(lines[0].contains("refusing plain http"), "{lines:?}");
    assert_eq!(s.sign_in().focus, SignInField::CustomUrl);
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
    assert_eq!(s.screen(), Screen::SignIn);
    assert!(
        matches!(&s.sign_in().status, SignInStatus::Failed(l) if l[1] == "Invalid credentials")
    );
    assert_eq!(s.sign_in().client_id.value(), "client-1");
    assert_eq!(s.sign_in().client_secret.expose(), "ucs_CANARY_secret");
}

#[test]
fn signing_in_loads_projects_and_preselects_the_configured_one() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        project_id: Some("p2".into()),
        ..Init::default()
    });
    signed_in(&mut s);
    assert!(s.sign_in().is_signed_in());
    assert_eq!(s.form().chosen_project().unwrap().id, "p2");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Guide(0));
}

#[test]
fn listing_not_allowed_falls_back_to_a_typed_project_id() {
    let mut s = fresh();
    update(
        &mut s,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "token".into(),
            who: None,
            projects: Err("HTTP 403".into()),
        })),
    );
    assert!(matches!(s.form().projects, Projects::Unavailable(_)));
    assert_eq!(s.form().chosen_project(), None);
    to_form(&mut s);
    focus(&mut s, Field::Project);
    type_text(&mut s, "my-project-id");
    assert_eq!(s.form().chosen_project().unwrap().id, "my-project-id");
}

#[test]
fn guide_steps_go_forward_and_back() {
    let mut s = fresh();
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    for i in 0..4 {
        assert_eq!(s.screen(), Screen::Guide(i));
        assert_eq!(s.screen().step_number(), i + 2);
        key(&mut s, Intent::Next);
    }
    assert_eq!(s.screen(), Screen::Form);
    assert_eq!(
        s.form().focus,
        Field::Token,
        "the name has a valid default, so the token is next"
    );
    key(&mut s, Intent::Back);
    assert_eq!(s.screen(), Screen::Guide(3));
    for _ in 0..4 {
        key(&mut s, Intent::Back);
    }
    assert_eq!(s.screen(), Screen::SignIn);
    assert!(s.sign_in().is_signed_in(), "going back does not sign out");
}

#[test]
fn a_slow_sign_in_counts_its_seconds_and_starts_again_from_zero() {
    let mut s = fresh();
    key(&mut s, Intent::Next);
    assert_eq!(s.sign_in().status, SignInStatus::Working);
    for _ in 0..12 * TICKS_PER_SECOND {
        update(&mut s, Msg::Tick);
    }
    assert_eq!(s.sign_in_seconds(), 12);
    update(&mut s, Msg::SignInFinished(Err(vec!["no answer".into()])));
    assert_eq!(s.sign_in_seconds(), 0);
    // Ticks while nothing signs in count nothing.
    update(&mut s, Msg::Tick);
    assert_eq!(s.sign_in_seconds(), 0);
}
