//! Issue 16's wording cases: what the screens say and what the keys do, reached through
//! `update`.

use super::*;

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
            .contains("\"my-conn\" would do (Tab accepts)")
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
