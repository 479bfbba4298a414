use super::*;

#[test]
fn name_is_validated_as_you_type() {
    let mut s = at_form();
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(DeleteLine));
    assert!(
        s.form()
            .field_error(Field::Name)
            .unwrap()
            .starts_with("a name is required")
    );
    type_text(&mut s, "Ona Dev");
    assert_eq!(
        s.form().field_error(Field::Name).as_deref(),
        Some("has uppercase letters and a space → \"ona-dev\" (Tab)")
    );
    key(&mut s, Intent::Edit(DeleteLine));
    type_text(&mut s, "ona-dev");
    assert_eq!(s.form().field_error(Field::Name), None);
}

#[test]
fn description_stops_at_its_limit() {
    let mut s = at_form();
    focus(&mut s, Field::Description);
    type_text(&mut s, &"x".repeat(300));
    assert_eq!(
        s.form().description.value().chars().count(),
        crate::validate::DESCRIPTION_MAX
    );
    assert_eq!(s.form().field_error(Field::Description), None);
}

#[test]
fn a_missing_token_blocks_review_and_says_why() {
    let mut s = fresh();
    signed_in(&mut s);
    to_form(&mut s);
    focus(&mut s, Field::Name);
    assert_eq!(
        s.form().field_error(Field::Token),
        None,
        "no complaint before trying"
    );
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Form);
    assert_eq!(s.form().focus, Field::Token);
    assert_eq!(
        s.form().field_error(Field::Token).as_deref(),
        Some(crate::validate::TOKEN_REQUIRED)
    );
}

#[test]
fn paste_inserts_the_whole_token_trimmed_and_never_submits() {
    let mut s = at_form();
    assert_eq!(s.form().token.expose(), TOKEN);
    assert_eq!(
        s.form().token_notice.as_deref(),
        Some("pasted 24 characters")
    );
    assert_eq!(
        s.screen(),
        Screen::Form,
        "the pasted newline did not continue"
    );
    focus(&mut s, Field::Token);
    update(&mut s, Msg::Paste("line1\nline2".into()));
    assert_eq!(
        s.form().token.expose(),
        TOKEN,
        "a multi-line paste is refused whole"
    );
    assert!(
        s.form()
            .token_notice
            .as_deref()
            .unwrap()
            .starts_with("refused")
    );
    // Invalid UTF-8 reaches us as U+FFFD (crossterm decodes pastes lossily).
    update(&mut s, Msg::Paste("tok\u{FFFD}en".into()));
    assert_eq!(s.form().token.expose(), TOKEN, "a mangled paste is refused");
    assert!(
        s.form()
            .token_notice
            .as_deref()
            .unwrap()
            .contains(crate::validate::TOKEN_NOT_TEXT)
    );
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(DeleteLine));
    update(&mut s, Msg::Paste("first-line\nsecond\r\n".into()));
    assert_eq!(s.form().name.value(), "first-line");
    assert_eq!(s.screen(), Screen::Form);
}

#[test]
fn project_picker_filters_and_moves() {
    let mut s = at_form();
    assert_eq!(s.form().chosen_project().unwrap().id, "p2");
    key(&mut s, Intent::Up);
    assert_eq!(s.form().chosen_project().unwrap().id, "p1");
    type_text(&mut s, "front");
    assert_eq!(s.form().filtered_projects().len(), 1);
    assert_eq!(s.form().chosen_project().unwrap().id, "p2");
    type_text(&mut s, "zzz");
    assert_eq!(
        s.form().chosen_project().unwrap().id,
        "frontzzz",
        "no match: the text is the id"
    );
}

#[test]
fn review_and_back_keep_every_value() {
    let mut s = at_form();
    focus(&mut s, Field::Description);
    type_text(&mut s, "for the team");
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    key(&mut s, Intent::Back);
    assert_eq!(s.screen(), Screen::Form);
    assert_eq!(s.form().description.value(), "for the team");
    assert_eq!(s.form().token.expose(), TOKEN);
    assert_eq!(s.form().chosen_project().unwrap().id, "p2");
}
