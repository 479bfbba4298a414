//! The browser sign-in and the keys it saves: the listener's link, the hand-off by POST or
//! paste, and pastes on the guide steps.

use base64::Engine;

use super::*;
use crate::session::browser_login::HandoffError;

const SESSION: &str = "aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl_CANARY";

fn page_token() -> String {
    let json =
        serde_json::json!({"JTWToken": SESSION, "email": "dana@example.com", "privateKey": ""});
    base64::engine::general_purpose::STANDARD.encode(json.to_string())
}

/// A first run with nothing configured: no environment, no CLI, no client id.
fn newcomer() -> State {
    State::new(Init {
        site: "https://app.infisical.com".into(),
        ..Init::default()
    })
    .0
}

/// Enter, and the listener comes up on `port`.
fn listening(s: &mut State, port: u16) -> u64 {
    let effects = key(s, Intent::Next);
    let [Effect::ListenForBrowser { generation, domain }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(domain.site(), "https://app.infisical.com");
    let generation = *generation;
    update(
        s,
        Msg::BrowserListening {
            generation,
            result: Ok(port),
        },
    );
    generation
}

fn signed_in_as_dana(s: &mut State) -> Vec<Effect> {
    update(
        s,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "browser sign-in".into(),
            who: Some("dana@example.com in Acme".into()),
            projects: Ok(vec![project("p1", "Backend")]),
        })),
    )
}

#[test]
fn a_newcomer_is_offered_the_browser_first_and_gets_a_link() {
    let mut s = newcomer();
    assert_eq!(s.sign_in().method, Method::Browser);
    assert_eq!(s.sign_in().methods()[0], Method::Browser);
    // Focus stays off the paste field, so c, v and o act on the link.
    assert_eq!(s.sign_in().focus, SignInField::Host);
    listening(&mut s, 41234);
    let url = "https://app.infisical.com/login?callback_port=41234";
    assert_eq!(
        s.links(),
        vec![("Sign in to Infisical here".to_string(), url.to_string())]
    );
    let effects = key(&mut s, Intent::CopyLink);
    assert!(matches!(effects.as_slice(), [Effect::CopyToClipboard(u)] if u == url));
    // Enter again with nothing pasted says what is awaited, and sends nothing.
    assert!(key(&mut s, Intent::Next).is_empty());
    assert!(
        matches!(&s.sign_in().status, SignInStatus::Incomplete(w) if w.starts_with("Waiting for the browser")),
        "{:?}",
        s.sign_in().status
    );
}

#[test]
fn the_browsers_hand_off_signs_in_and_goes_straight_on() {
    let mut s = newcomer();
    let generation = listening(&mut s, 41234);
    let effects = update(
        &mut s,
        Msg::BrowserHandedOver {
            generation,
            result: Ok(crate::secret::Secret::new(SESSION)),
        },
    );
    let [
        Effect::SignIn {
            with: SignInWith::Browser(token),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(token.expose(), SESSION);
    assert_eq!(s.sign_in().status, SignInStatus::Working);
    signed_in_as_dana(&mut s);
    // The user asked for this sign-in: no extra Enter to confirm it.
    assert_eq!(s.screen(), Screen::Guide(0));
    assert!(s.links().iter().all(|(_, u)| !u.contains("callback_port")));
}

#[test]
fn a_pasted_page_token_signs_in_and_stops_the_listener() {
    let mut s = newcomer();
    listening(&mut s, 41234);
    // Pasted while the host row has the focus: it lands in the page-token field.
    update(&mut s, Msg::Paste(format!("{}\n", page_token())));
    assert_eq!(s.sign_in().focus, SignInField::BrowserToken);
    let effects = key(&mut s, Intent::Next);
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::StopBrowserListener,
                Effect::SignIn { with: SignInWith::Browser(t), .. }
            ] if t.expose() == SESSION
        ),
        "{effects:?}"
    );
}

#[test]
fn a_paste_that_is_not_the_page_token_says_why_and_sends_nothing() {
    let mut s = newcomer();
    update(&mut s, Msg::Paste("CANARY-not-the-token".into()));
    assert!(key(&mut s, Intent::Next).is_empty());
    let SignInStatus::Incomplete(why) = &s.sign_in().status else {
        panic!("{:?}", s.sign_in().status)
    };
    assert!(why.contains("not base64"), "{why}");
    assert!(!why.contains("CANARY"));
    assert_eq!(s.sign_in().focus, SignInField::BrowserToken);
    // A second paste replaces the first (it is a new try, not more of the same).
    update(&mut s, Msg::Paste(page_token()));
    assert_eq!(
        s.sign_in().browser_token.char_count(),
        page_token().chars().count()
    );
}

#[test]
fn another_host_abandons_the_listener_and_its_late_answer() {
    let mut s = newcomer();
    let old = listening(&mut s, 41234);
    key(&mut s, Intent::Right); // Host: EU cloud
    assert_eq!(s.sign_in().browser, BrowserLogin::Idle);
    assert!(s.links().is_empty());
    let late = update(
        &mut s,
        Msg::BrowserHandedOver {
            generation: old,
            result: Ok(crate::secret::Secret::new(SESSION)),
        },
    );
    assert!(
        late.is_empty(),
        "a hand-off for the US host was used: {late:?}"
    );
    assert_eq!(s.sign_in().status, SignInStatus::Idle);
}

#[test]
fn changing_the_host_stops_the_listener() {
    let mut s = newcomer();
    listening(&mut s, 41234);
    let effects = key(&mut s, Intent::Right);
    assert!(matches!(effects.as_slice(), [Effect::StopBrowserListener]));
}

#[test]
fn a_timed_out_listener_says_so_and_enter_starts_again() {
    let mut s = newcomer();
    let generation = listening(&mut s, 41234);
    update(
        &mut s,
        Msg::BrowserHandedOver {
            generation,
            result: Err(HandoffError::TimedOut),
        },
    );
    assert_eq!(
        s.sign_in().browser,
        BrowserLogin::Ended("The browser did not answer within 10 minutes.".into())
    );
    let effects = key(&mut s, Intent::Next);
    assert!(
        matches!(effects.as_slice(), [Effect::ListenForBrowser { generation: g, .. }] if *g > generation)
    );
}

#[test]
fn a_listener_that_cannot_start_offers_the_paste() {
    let mut s = newcomer();
    let effects = key(&mut s, Intent::Next);
    let [Effect::ListenForBrowser { generation, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut s,
        Msg::BrowserListening {
            generation: *generation,
            result: Err("address in use".into()),
        },
    );
    assert!(
        matches!(&s.sign_in().browser, BrowserLogin::Ended(w) if w.contains("address in use") && w.contains("Paste the token"))
    );
}

#[test]
fn a_working_cli_does_not_replace_a_started_browser_sign_in() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        cli_on_path: true,
        ..Init::default()
    });
    listening(&mut s, 41234);
    update(&mut s, Msg::CliProbed(Ok(())));
    assert_eq!(s.sign_in().method, Method::Browser);
    assert_eq!(s.sign_in().methods()[0], Method::Cli);
}

#[test]
fn credentials_from_the_environment_still_ask_for_a_confirmation() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        env_source: Some("INFISICAL_TOKEN".into()),
        ..Init::default()
    });
    signed_in_as_dana(&mut s);
    assert_eq!(
        s.screen(),
        Screen::SignIn,
        "the user did not choose this host"
    );
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Guide(0));
}

#[test]
fn a_token_pasted_on_a_guide_step_goes_to_the_form_and_is_checked() {
    let mut s = fresh();
    key(&mut s, Intent::Next);
    signed_in(&mut s);
    assert_eq!(s.screen(), Screen::Guide(0));
    key(&mut s, Intent::Next);
    let effects = update(&mut s, Msg::Paste(format!("{TOKEN}\n")));
    assert_eq!(s.screen(), Screen::Form);
    assert_eq!(s.form().focus, Field::Token);
    assert_eq!(s.form().token.expose(), TOKEN);
    assert!(
        matches!(effects.as_slice(), [Effect::CheckOnaToken { token, .. }] if token.expose() == TOKEN),
        "{effects:?}"
    );
}
