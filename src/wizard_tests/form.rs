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
}

/// A one-line field refuses a multi-line paste whole, with a message, instead of keeping a
/// part of it or gluing the lines together; the field keeps what it had.
#[test]
fn multi_line_pastes_into_one_line_fields_are_refused_with_a_message() {
    let mut s = at_form();
    for field in [Field::Name, Field::Description, Field::Project] {
        focus(&mut s, field);
        key(&mut s, Intent::Edit(DeleteLine));
        type_text(&mut s, "kept");
        for paste in [
            "adv-name\nsecond-line",
            "adv-name\rsecond-line",
            "a\r\nb\r\n",
        ] {
            let effects = update(&mut s, Msg::Paste(paste.into()));
            assert!(effects.is_empty(), "{field:?}: {effects:?}");
            assert_eq!(s.screen(), Screen::Form);
            assert_eq!(
                s.form().notice(field),
                Some(format!(
                    "refused the paste: {}",
                    crate::validate::TEXT_NOT_ONE_LINE
                ))
                .as_deref(),
                "{field:?} {paste:?}"
            );
            let value = match field {
                Field::Name => s.form().name.value(),
                Field::Description => s.form().description.value(),
                _ => s.form().project_query.value(),
            };
            assert_eq!(value, "kept", "{field:?} {paste:?}");
        }
        // The next edit clears the message; a one-line paste goes in whole, trimmed.
        update(&mut s, Msg::Paste(" -one-line \n".into()));
        assert_eq!(s.form().notice(field), None);
    }
    assert_eq!(s.form().name.value(), "kept-one-line");
    assert_eq!(s.form().description.value(), "kept-one-line");
}

/// Bidi controls, zero-width and other format characters never get into a plain field, typed
/// or pasted: the field says why, and what is sent is what is seen.
#[test]
fn text_that_hides_is_refused_in_name_description_and_the_project_filter() {
    let mut s = at_form();
    for field in [Field::Name, Field::Description, Field::Project] {
        focus(&mut s, field);
        key(&mut s, Intent::Edit(DeleteLine));
        update(
            &mut s,
            Msg::Paste("safe \u{202E}gnp.exe\u{202C} end".into()),
        );
        assert!(
            s.form()
                .notice(field)
                .unwrap()
                .contains(crate::validate::TEXT_NOT_VISIBLE),
            "{field:?}"
        );
        type_text(&mut s, "a\u{200B}b\u{FEFF}");
        assert!(
            s.form()
                .notice(field)
                .unwrap()
                .starts_with("refused U+FEFF"),
            "{field:?}"
        );
        type_text(&mut s, "c");
        let value = match field {
            Field::Name => s.form().name.value(),
            Field::Description => s.form().description.value(),
            _ => s.form().project_query.value(),
        };
        assert_eq!(value, "abc", "{field:?}");
    }
    focus(&mut s, Field::Project);
    key(&mut s, Intent::Edit(DeleteLine));
    // Control characters and a mangled paste are refused the same way.
    focus(&mut s, Field::Description);
    update(&mut s, Msg::Paste("red\u{1b}[31m".into()));
    assert!(
        s.form()
            .notice(Field::Description)
            .unwrap()
            .contains(crate::validate::TEXT_HAS_CONTROLS)
    );
    update(&mut s, Msg::Paste("tok\u{FFFD}en".into()));
    assert!(
        s.form()
            .notice(Field::Description)
            .unwrap()
            .contains(crate::validate::TOKEN_NOT_TEXT)
    );
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Review);
    assert_eq!(
        s.form().description_to_send(),
        Ok(Some("abc".to_string())),
        "what is sent is what the field showed"
    );
}

/// The limit counts what Infisical counts (UTF-16 units): typing stops at 128 emoji, and
/// 200 pasted emoji are flagged before anything is sent.
#[test]
fn description_counts_like_infisical() {
    let mut s = at_form();
    focus(&mut s, Field::Description);
    type_text(&mut s, &"😀".repeat(200));
    assert_eq!(s.form().description.value().chars().count(), 128);
    assert_eq!(
        crate::validate::description_units(s.form().description.value()),
        256
    );
    assert_eq!(s.form().field_error(Field::Description), None);
    key(&mut s, Intent::Edit(DeleteLine));
    update(&mut s, Msg::Paste("😀".repeat(200)));
    assert_eq!(
        s.form().field_error(Field::Description).as_deref(),
        Some(crate::validate::DESCRIPTION_TOO_LONG)
    );
    key(&mut s, Intent::Next);
    assert_eq!(
        s.screen(),
        Screen::Form,
        "a description Infisical refuses never goes out"
    );
    assert_eq!(s.form().focus, Field::Description);
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
