use super::*;

use crate::ona::{Expiry, Identity, OnaError, PatRecord, Person, TokenCheck};
use time::macros::datetime;

const NOW: time::OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

fn check(expiry: Expiry) -> Result<TokenCheck, OnaError> {
    Ok(TokenCheck {
        identity: Identity {
            organization_id: "org".into(),
            subject_id: "user".into(),
            principal: "PRINCIPAL_USER".into(),
            person: Some(Person {
                name: "Dana Developer".into(),
                email: "dana@example.com".into(),
            }),
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
        read_only: false,
    }
}

fn answer(s: &mut State, result: Result<TokenCheck, OnaError>) {
    let generation = s.form().token_generation;
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
    to_form(&mut s);
    focus(&mut s, Field::Token);
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
    assert_eq!(s.form().ona, OnaCheck::Checking);
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
    focus(&mut s, Field::Token);
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
        s.form().ona,
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
    focus(&mut s, Field::Name);
    assert!(key(&mut s, Intent::Next).is_empty());
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Token));
    assert_eq!(s.form().token.expose(), TOKEN, "the value stays");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review, "a second Enter goes on anyway");
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
    assert!(matches!(s.form().ona, OnaCheck::Unreachable(_)));
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
}

#[test]
fn the_known_expiry_goes_into_the_description_unless_declined() {
    let mut s = on_token();
    update(&mut s, Msg::Paste(TOKEN.into()));
    answer(
        &mut s,
        check(Expiry::Known(pat("infisical integration", 60))),
    );
    focus(&mut s, Field::Description);
    type_text(&mut s, "team");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    assert_eq!(
        s.form().token_expiry().unwrap().text(),
        "expires on 2027-01-27 (in 60 days)"
    );
    assert_eq!(
        s.form().description_to_send(),
        Ok(Some("team · token expires 2027-01-27".into()))
    );
    key(&mut s, Intent::ToggleRecordExpiry);
    assert_eq!(s.form().description_to_send(), Ok(Some("team".into())));
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
    assert_eq!(s.overlay(), Overlay::PickToken);
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Next);
    assert_eq!(s.overlay(), Overlay::None);
    let e = s.form().token_expiry().unwrap();
    assert_eq!((e.description.as_str(), e.is_soon()), ("ci", true));

    let mut s = on_token();
    update(&mut s, Msg::Paste(TOKEN.into()));
    answer(
        &mut s,
        check(Expiry::Choose(vec![pat("a", 30), pat("b", 9)])),
    );
    key(&mut s, Intent::Back);
    assert!(matches!(
        &s.form().ona,
        OnaCheck::Valid {
            expiry: crate::session::ona_check::ExpiryState::Skipped,
            ..
        }
    ));
    assert_eq!(s.form().token_expiry(), None);
}

#[test]
fn skipping_the_check_sends_nothing_to_ona() {
    let (mut s, _) = State::new(Init {
        site: "https://app.infisical.com".into(),
        skip_ona_check: true,
        ..Init::default()
    });
    signed_in(&mut s);
    to_form(&mut s);
    focus(&mut s, Field::Token);
    assert!(update(&mut s, Msg::Paste(TOKEN.into())).is_empty());
    assert!(key(&mut s, Intent::Edit(InsertChar('x'))).is_empty());
    assert_eq!(s.form().ona, OnaCheck::Disabled);
}

#[test]
fn the_expiry_suffix_keeps_the_description_within_its_limit() {
    assert_eq!(
        crate::session::ona_check::with_expiry("", "2027-02-26"),
        "token expires 2027-02-26"
    );
    let long = crate::session::ona_check::with_expiry(&"d".repeat(256), "2027-02-26");
    assert_eq!(long.chars().count(), crate::validate::DESCRIPTION_MAX);
    assert!(long.ends_with("… · token expires 2027-02-26"));
    // Counted as Infisical counts: an emoji is two units.
    let emoji = crate::session::ona_check::with_expiry(&"😀".repeat(128), "2027-02-26");
    assert!(crate::validate::description(&emoji).is_ok(), "{emoji}");
    assert_eq!(
        crate::validate::description_units(&emoji),
        crate::validate::DESCRIPTION_MAX
    );
    assert!(emoji.ends_with("😀… · token expires 2027-02-26"));
}

#[test]
fn what_is_sent_is_what_review_showed_when_enter_was_pressed() {
    let mut s = at_form();
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    // Enter right away: the expiry is not on screen yet, so nothing is sent.
    assert!(key(&mut s, Intent::Next).is_empty());
    assert_eq!(s.form().description_to_send(), Ok(None));
    answer(
        &mut s,
        check(Expiry::Known(pat("infisical integration", 60))),
    );
    // The screen now shows the description with the expiry; that is what goes out.
    let shown = s.form().description_to_send().unwrap();
    assert_eq!(shown.as_deref(), Some("token expires 2027-01-27"));
    let effects = key(&mut s, Intent::Next);
    let [Effect::Submit { request, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.description, shown);
}
