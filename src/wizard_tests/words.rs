//! Issue 16's wording cases: what the screens say and what the keys do, reached through
//! `update`.

use super::*;
use crate::wizard::keymap;

#[test]
fn a_second_paste_replaces_the_token_instead_of_appending() {
    let mut s = at_form();
    focus(&mut s, Field::Token);
    let fresh_token = "onaPAT_CANARY_second_paste_000";
    update(&mut s, Msg::Paste(fresh_token.into()));
    assert_eq!(s.form().token.expose(), fresh_token);
    assert_eq!(
        s.form().token_notice.as_deref(),
        Some("pasted 30 characters, in place of what the field held")
    );
}

#[test]
fn esc_on_the_sign_in_screen_asks_when_something_was_typed() {
    let mut s = fresh();
    let effects = key(&mut s, Intent::Back);
    assert!(
        matches!(effects.as_slice(), [Effect::Exit]),
        "nothing typed: Esc quits at once"
    );

    let mut s = fresh();
    focus_sign_in(&mut s, SignInField::ClientId);
    type_text(&mut s, "x");
    assert!(key(&mut s, Intent::Back).is_empty());
    assert_eq!(
        s.overlay(),
        Overlay::ConfirmQuit,
        "Esc asks, as Ctrl-C does"
    );
    key(&mut s, Intent::No);
    assert_eq!(
        s.sign_in().client_id.value(),
        "client-1x",
        "staying keeps it"
    );

    // Moving the cursor is not typing.
    let mut s = fresh();
    focus_sign_in(&mut s, SignInField::ClientId);
    key(&mut s, Intent::Edit(GoToStart));
    assert!(matches!(
        key(&mut s, Intent::Back).as_slice(),
        [Effect::Exit]
    ));
}

#[test]
fn a_rotation_chosen_for_a_taken_name_keeps_the_create_numbering() {
    let mut s = failed_with(CreateError::NameTaken(connection("ona")));
    assert_eq!((s.screen(), s.step()), (Screen::Form, (6, 9)));
    key(&mut s, Intent::RotateInstead);
    assert_eq!((s.screen(), s.step()), (Screen::Review, (7, 9)));
    key(&mut s, Intent::Back);
    assert_eq!((s.screen(), s.step()), (Screen::Form, (6, 9)));
    key(&mut s, Intent::Next);
    key(&mut s, Intent::Next);
    assert_eq!((s.screen(), s.step()), (Screen::Submitting, (8, 9)));
}

#[test]
fn tab_takes_the_name_offered_and_then_moves_on() {
    let mut s = at_form();
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(DeleteLine));
    type_text(&mut s, "My Conn");
    assert!(
        s.form()
            .field_error(Field::Name)
            .unwrap()
            .contains("→ \"my-conn\" (Tab)")
    );
    key(&mut s, Intent::FocusNext);
    assert_eq!(s.form().name.value(), "my-conn");
    assert_eq!(s.form().focus, Field::Name, "stays to show it is valid now");
    assert_eq!(s.form().field_error(Field::Name), None);
    key(&mut s, Intent::FocusNext);
    assert_eq!(s.form().focus, Field::Description);
}

#[test]
fn the_help_bar_offers_the_name_only_when_there_is_one() {
    let mut s = at_form();
    focus(&mut s, Field::Name);
    let bar = |s: &State| keymap::bar(s).0;
    assert!(bar(&s).contains(&("Tab", "next field")));
    type_text(&mut s, "-");
    assert!(bar(&s).contains(&("Tab", "use the name offered")));
    assert!(!bar(&s).contains(&("Tab", "next field")));
}

/// The name's lookup as the name settles: the generation the last schedule carried.
fn scheduled_name_check(effects: &[Effect]) -> u64 {
    match effects {
        [.., Effect::ScheduleNameCheck { generation }] => *generation,
        other => panic!("no lookup scheduled: {other:?}"),
    }
}

#[test]
fn a_taken_name_is_found_on_the_form_before_anything_is_sent() {
    let mut s = fresh();
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    for _ in 0..3 {
        key(&mut s, Intent::Next);
    }
    // Arriving on the form looks the default name up (it often exists already).
    let arrival = scheduled_name_check(&key(&mut s, Intent::Next));
    assert_eq!(s.screen(), Screen::Form);
    focus(&mut s, Field::Name);
    type_text(&mut s, "x");
    let typed = scheduled_name_check(&key(&mut s, Intent::Edit(DeletePrevChar)));
    assert!(
        update(
            &mut s,
            Msg::NameCheckDue {
                generation: arrival
            }
        )
        .is_empty(),
        "a pause that was interrupted is ignored"
    );
    let effects = update(&mut s, Msg::NameCheckDue { generation: typed });
    assert!(
        matches!(effects.as_slice(), [Effect::CheckName { generation, name, project_id }]
            if *generation == typed && name == "ona" && project_id == "p1"),
        "{effects:?}"
    );
    assert_eq!(s.form().name_check, NameCheck::Checking);
    assert!(s.busy(), "the spinner turns while it looks");
    let mut holder = connection("ona");
    holder.id = "holder-id".into();
    update(
        &mut s,
        Msg::NameChecked {
            generation: typed,
            result: Ok(Some(holder)),
        },
    );
    assert_eq!(
        s.form().field_error(Field::Name).as_deref(),
        Some("\"ona\" is taken in this project — Ctrl-O replaces its token instead")
    );
    assert!(
        keymap::bar(&s)
            .0
            .contains(&("Ctrl-O", "replace its token instead"))
    );
    // Enter stops on the name: nothing goes to Review, nothing is sent.
    focus(&mut s, Field::Token);
    update(&mut s, Msg::Paste(TOKEN.into()));
    let effects = key(&mut s, Intent::Next);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Submit { .. })));
    assert_eq!((s.screen(), s.form().focus), (Screen::Form, Field::Name));
    key(&mut s, Intent::RotateInstead);
    assert!(s.rotating());
    assert_eq!(
        s.rotation().unwrap().target.as_ref().unwrap().id,
        "holder-id"
    );
    assert_eq!((s.screen(), s.step()), (Screen::Review, (7, 9)));
}

#[test]
fn another_project_or_a_failed_lookup_does_not_block() {
    let mut s = at_form();
    focus(&mut s, Field::Name);
    type_text(&mut s, "-team");
    let g = scheduled_name_check(&key(&mut s, Intent::Edit(InsertChar('x'))));
    update(&mut s, Msg::NameCheckDue { generation: g });
    update(
        &mut s,
        Msg::NameChecked {
            generation: g,
            result: Ok(Some(connection("ona-teamx"))),
        },
    );
    assert!(s.form().field_error(Field::Name).is_some());
    // Another project: the old answer no longer holds, and the name is looked up there.
    focus(&mut s, Field::Project);
    let g = scheduled_name_check(&key(&mut s, Intent::Up));
    assert_eq!(s.form().field_error(Field::Name), None);
    assert!(key(&mut s, Intent::RotateInstead).is_empty());
    assert!(!s.rotating());
    update(&mut s, Msg::NameCheckDue { generation: g });
    // A late answer about the old project is ignored.
    update(
        &mut s,
        Msg::NameChecked {
            generation: g - 1,
            result: Ok(Some(connection("ona-teamx"))),
        },
    );
    assert_eq!(s.form().name_check, NameCheck::Checking);
    update(
        &mut s,
        Msg::NameChecked {
            generation: g,
            result: Err("HTTP 403 PermissionDenied".into()),
        },
    );
    assert_eq!(s.form().field_error(Field::Name), None, "only a note");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
}

#[test]
fn an_invalid_name_or_a_typed_project_id_is_not_looked_up() {
    let mut s = at_form();
    focus(&mut s, Field::Name);
    let g = scheduled_name_check(&key(&mut s, Intent::Edit(InsertChar('-'))));
    assert!(update(&mut s, Msg::NameCheckDue { generation: g }).is_empty());
    let g = scheduled_name_check(&key(&mut s, Intent::Edit(DeletePrevChar)));
    focus(&mut s, Field::Project);
    type_text(&mut s, "not-in-the-list");
    let generation = s.form().name_generation;
    assert!(update(&mut s, Msg::NameCheckDue { generation }).is_empty());
    assert!(g < s.form().name_generation);
}

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-11-28 12:00 UTC);

/// Ona's answer to the check in flight: a user's token expiring in `days`.
fn ona_says(s: &mut State, days: i64, read_only: bool) {
    use crate::ona::{Expiry, Identity, PatRecord, Person, TokenCheck};
    let generation = s.form().token_generation;
    let record = PatRecord {
        id: "pat-1".into(),
        description: "infisical integration".into(),
        created_at: Some(NOW),
        expires_at: Some(NOW + time::Duration::days(days)),
        last_used: None,
        read_only,
    };
    update(
        s,
        Msg::OnaChecked {
            generation,
            result: Ok(TokenCheck {
                identity: Identity {
                    organization_id: "org".into(),
                    subject_id: "user".into(),
                    principal: crate::ona::PRINCIPAL_USER.into(),
                    person: Some(Person {
                        name: "Dana Developer".into(),
                        email: "dana@example.com".into(),
                    }),
                },
                expiry: Expiry::Known(record),
            }),
            now: NOW,
        },
    );
}

fn created_with(s: &mut State) {
    key(s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    key(s, Intent::Next);
    let attempt = s.attempt();
    answer_created(s, attempt);
    assert_eq!(s.screen(), Screen::Done);
}

#[test]
fn r_on_the_result_writes_a_reminder_a_week_before_the_expiry() {
    let mut s = at_form();
    ona_says(&mut s, 60, false);
    created_with(&mut s);
    assert!(keymap::bar(&s).0.contains(&("r", "reminder")));
    let effects = key(&mut s, Intent::WriteReminder);
    let [
        Effect::WriteReminder {
            file_name,
            reminders,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(file_name, "ona-token-ona-reminder.ics");
    let [r] = reminders.as_slice() else {
        panic!("{reminders:?}")
    };
    assert_eq!(r.expires, time::macros::date!(2027 - 01 - 27));
    assert_eq!(r.connection_id, "c0c0c0c0-0000-4000-8000-000000000001");
    assert_eq!(r.project, "project Frontend (p2)");
    assert_eq!(
        r.rotate_command,
        "ona-connect rotate --domain https://app.infisical.com --id c0c0c0c0-0000-4000-8000-000000000001 --pat-stdin"
    );
    assert_eq!(s.screen(), Screen::Done, "the result stays");
    update(&mut s, Msg::Notice("wrote /tmp/x.ics".into()));
    assert_eq!(s.notice(), Some("wrote /tmp/x.ics"));
}

#[test]
fn without_a_known_expiry_r_says_why_there_is_no_reminder() {
    let mut s = at_form();
    // Ona could not be asked: the expiry stays unknown (and Review may send).
    ona_unreachable(&mut s);
    created_with(&mut s);
    assert!(!keymap::bar(&s).0.iter().any(|(k, _)| *k == "r"));
    assert!(key(&mut s, Intent::WriteReminder).is_empty());
    assert!(s.notice().unwrap().contains("expiry date is not known"));
}

#[test]
fn a_read_only_token_is_named_with_its_person_and_warned_about() {
    let mut s = at_form();
    ona_says(&mut s, 60, true);
    let OnaCheck::Valid { identity, .. } = &s.form().ona else {
        panic!("{:?}", s.form().ona)
    };
    assert_eq!(identity.who(), "Dana Developer (dana@example.com)");
    assert!(s.form().token_expiry().unwrap().read_only);
}

#[test]
fn a_rotation_result_offers_the_reminder_too() {
    let mut s = at_form();
    ona_says(&mut s, 30, false);
    key(&mut s, Intent::Next);
    key(&mut s, Intent::Next);
    let attempt = s.attempt();
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(CreateError::NameTaken(connection("ona"))),
        },
    );
    key(&mut s, Intent::RotateInstead);
    key(&mut s, Intent::Next);
    let attempt = s.attempt();
    update(
        &mut s,
        Msg::RotateFinished {
            attempt,
            result: Ok(connection("ona")),
        },
    );
    assert_eq!((s.screen(), s.step()), (Screen::Done, (9, 9)));
    let effects = key(&mut s, Intent::WriteReminder);
    let [Effect::WriteReminder { reminders, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(reminders[0].expires, time::macros::date!(2026 - 12 - 28));
    assert!(
        reminders[0]
            .rotate_command
            .contains("--id c0c0c0c0-0000-4000-8000-000000000001")
    );
}
