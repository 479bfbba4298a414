//! Property tests (bounded: proptest's default 256 cases each, or PROPTEST_CASES): the state
//! machine under arbitrary keys and pastes, and the parsers that read untrusted server text.

use ona_connect::infisical::{self, ApiError, CreateError, Project};
use ona_connect::sanitize;
use ona_connect::wizard::{self, Effect, Init, Intent, Msg, Screen, SignedIn, State};
use proptest::prelude::*;
use tui_input::InputRequest;

fn intent() -> impl Strategy<Value = Intent> {
    prop_oneof![
        Just(Intent::Next),
        Just(Intent::Back),
        Just(Intent::FocusNext),
        Just(Intent::FocusPrev),
        Just(Intent::Up),
        Just(Intent::Down),
        Just(Intent::Left),
        Just(Intent::Right),
        Just(Intent::ToggleReveal),
        Just(Intent::Help),
        Just(Intent::Quit),
        Just(Intent::Yes),
        Just(Intent::No),
        Just(Intent::OpenLink),
        Just(Intent::CopyLink),
        Just(Intent::ToggleQr),
        Just(Intent::FullLink),
        Just(Intent::ToggleRecordExpiry),
        any::<char>().prop_map(|c| Intent::Edit(InputRequest::InsertChar(c))),
        Just(Intent::Edit(InputRequest::DeletePrevChar)),
        Just(Intent::Edit(InputRequest::DeleteLine)),
        Just(Intent::Edit(InputRequest::GoToStart)),
        Just(Intent::Edit(InputRequest::Yank)),
    ]
}

fn paste() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,80}",
        "[a-z0-9_]{10,60}",
        "[\\x00-\\x1f\\x7f]{1,10}[a-z]{0,10}",
        "\\PC{0,20}\\n\\PC{0,20}",
        (0usize..200_000).prop_map(|n| "x".repeat(n)),
    ]
}

/// What to send, as plain data (messages themselves are deliberately not `Clone`).
#[derive(Debug, Clone)]
enum Step {
    Key(Intent),
    Paste(String),
    Tick,
    SignedIn,
    SignInFailed,
    DuplicateName(u64),
    OnaDue(u64),
}

impl Step {
    fn msg(self) -> Msg {
        match self {
            Step::Key(i) => Msg::Key(i),
            Step::Paste(p) => Msg::Paste(p),
            Step::Tick => Msg::Tick,
            Step::SignedIn => Msg::SignInFinished(Ok(SignedIn {
                site: "https://app.infisical.com".into(),
                via: "test".into(),
                who: None,
                projects: Ok(vec![Project {
                    id: "p1".into(),
                    name: "P".into(),
                    slug: "p".into(),
                    org_id: "o".into(),
                    kind: None,
                }]),
            })),
            Step::SignInFailed => Msg::SignInFinished(Err(vec!["no".into()])),
            Step::DuplicateName(attempt) => Msg::SubmitFinished {
                attempt,
                result: Err(CreateError::Rejected(infisical::Error::Api(ApiError::from_body(
                    400,
                    br#"{"message":"An App Connection with the name \"x\" already exists","error":"BadRequest"}"#,
                    None,
                )))),
            },
            Step::OnaDue(generation) => Msg::OnaCheckDue { generation },
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => intent().prop_map(Step::Key),
        2 => paste().prop_map(Step::Paste),
        1 => Just(Step::Tick),
        1 => Just(Step::SignedIn),
        1 => Just(Step::SignInFailed),
        1 => (0u64..4).prop_map(Step::DuplicateName),
        1 => (0u64..4).prop_map(Step::OnaDue),
    ]
}

proptest! {
    /// Any sequence of keys, pastes and answers: no panic, no create without an explicit
    /// Enter on Review, and the token stays one printable line within its limit.
    #[test]
    fn update_never_panics_and_keeps_its_invariants(on_form in any::<bool>(), steps in proptest::collection::vec(step(), 0..60)) {
        let (mut state, _) = State::new(Init { site: "https://app.infisical.com".into(), client_id: Some("id".into()), ..Init::default() });
        if on_form {
            // Start where a create is one Enter away, so the interesting edges get exercised.
            wizard::update(&mut state, Step::SignedIn.msg());
            for _ in 0..5 {
                wizard::update(&mut state, Msg::Key(Intent::Next));
            }
            wizard::update(&mut state, Msg::Paste("onaPAT_fuzz_token".into()));
        }
        for m in steps.into_iter().map(Step::msg) {
            let was_review = state.screen() == Screen::Review && state.overlay() == wizard::Overlay::None;
            let is_enter = matches!(m, Msg::Key(Intent::Next));
            let effects = wizard::update(&mut state, m);
            for e in &effects {
                if matches!(e, Effect::Submit { .. }) {
                    prop_assert!(was_review && is_enter, "a create was sent without Enter on Review");
                }
            }
            let token = state.form().token.expose();
            prop_assert!(!token.chars().any(char::is_control));
            prop_assert!(token.len() <= ona_connect::validate::TOKEN_MAX * 4);
            prop_assert!(!state.form().name.value().chars().any(char::is_control));
            prop_assert!(!state.form().description.value().chars().any(char::is_control));
            if state.take_exit().is_some() { break; }
        }
    }

    /// Whatever a server sends back, parsing never panics and nothing shown carries a
    /// control character.
    #[test]
    fn error_bodies_of_any_shape_are_parsed_and_sanitized(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..2000), retry in proptest::option::of(".{0,12}")) {
        let e = ApiError::from_body(status, &body, retry.as_deref());
        for line in e.message_lines().iter().chain(infisical::Error::Api(e.clone()).display_lines().iter()) {
            prop_assert!(!line.chars().any(char::is_control), "{line:?}");
            prop_assert!(line.chars().count() <= sanitize::MAX_SERVER_TEXT + 40);
        }
    }

    #[test]
    fn json_error_bodies_with_hostile_strings(message in "\\PC{0,50}[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202e}]{1,5}\\PC{0,50}", req in ".{0,30}") {
        let body = serde_json::json!({"statusCode": 400, "error": "BadRequest", "message": message, "reqId": req});
        let e = ApiError::from_body(400, body.to_string().as_bytes(), None);
        let shown = e.to_string();
        prop_assert!(!shown.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)), "{shown:?}");
    }

    #[test]
    fn sanitize_is_bounded_clean_and_idempotent(text in "\\PC*|.*", max in 1usize..600) {
        let once = sanitize::for_terminal(&text, max);
        prop_assert!(!once.chars().any(char::is_control));
        prop_assert!(once.chars().count() <= max + "… (truncated)".chars().count());
        prop_assert_eq!(sanitize::for_terminal(&once, usize::MAX), once.clone());
    }
}
