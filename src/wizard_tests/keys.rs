use super::*;

#[test]
fn ctrl_c_asks_once_when_values_were_entered() {
    let mut s = fresh();
    let effects = key(&mut s, Intent::Quit);
    assert!(matches!(effects.as_slice(), [Effect::Exit]));
    assert_eq!(s.take_exit(), Some(Outcome::Cancelled));

    let mut s = at_form();
    assert!(key(&mut s, Intent::Quit).is_empty());
    assert_eq!(s.overlay(), Overlay::ConfirmQuit);
    key(&mut s, Intent::No);
    assert_eq!((s.overlay(), s.screen()), (Overlay::None, Screen::Form));
    key(&mut s, Intent::Quit);
    assert!(
        matches!(key(&mut s, Intent::Quit).as_slice(), [Effect::Exit]),
        "a second Ctrl-C quits"
    );
    assert_eq!(s.take_exit(), Some(Outcome::Cancelled));
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut s = at_form();
    key(&mut s, Intent::Help);
    assert_eq!(s.overlay(), Overlay::Help);
    update(&mut s, Msg::Paste("ignored".into()));
    key(&mut s, Intent::Next);
    assert_eq!((s.overlay(), s.screen()), (Overlay::None, Screen::Form));
}

#[test]
fn reveal_toggles() {
    let mut s = at_form();
    key(&mut s, Intent::ToggleReveal);
    assert!(s.form().reveal);
    key(&mut s, Intent::ToggleReveal);
    assert!(!s.form().reveal);
}

#[test]
fn debug_output_never_contains_a_secret() {
    let (s, _) = at_submitting();
    let dump = format!("{s:?}");
    assert!(
        !dump.contains(TOKEN) && !dump.contains("ucs_CANARY"),
        "{dump}"
    );
    let m = Msg::Paste(TOKEN.into());
    assert!(!format!("{m:?}").contains(TOKEN));
    let m = Msg::Key(Intent::Edit(InsertChar('Q')));
    assert!(!format!("{m:?}").contains('Q'));
    let mut s = at_form();
    let effects = {
        key(&mut s, Intent::Next);
        key(&mut s, Intent::Next)
    };
    assert!(!format!("{effects:?}").contains(TOKEN));
}

#[test]
fn key_releases_are_ignored_and_keys_map_per_screen() {
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
    let ev = |code, kind| KeyEvent {
        code,
        modifiers: KeyModifiers::NONE,
        kind,
        state: KeyEventState::NONE,
    };
    let s = at_form();
    assert_eq!(
        intent_for(&s, ev(KeyCode::Char('q'), KeyEventKind::Release)),
        None
    );
    assert_eq!(
        intent_for(&s, ev(KeyCode::Char('q'), KeyEventKind::Press)),
        Some(Intent::Edit(InsertChar('q'))),
        "q types in a field"
    );
    let mut g = fresh();
    signed_in(&mut g);
    key(&mut g, Intent::Next);
    key(&mut g, Intent::Next);
    assert_eq!(g.screen(), Screen::Guide(1));
    assert_eq!(
        intent_for(&g, ev(KeyCode::Char('q'), KeyEventKind::Press)),
        Some(Intent::Quit)
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(intent_for(&s, ctrl_c), Some(Intent::Quit));
    assert_eq!(
        intent_for(&s, KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        Some(Intent::ToggleReveal)
    );
    assert_eq!(
        intent_for(&s, KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Intent::Help)
    );
}

#[test]
fn links_can_be_chosen_copied_opened_and_shown() {
    let mut s = fresh();
    signed_in(&mut s);
    key(&mut s, Intent::Next);
    assert_eq!(s.screen(), Screen::Guide(0));
    assert_eq!(s.selected_link().unwrap().1, "https://app.ona.com");
    key(&mut s, Intent::Down);
    let docs = "https://ona.com/docs/ona/integrations/personal-access-token";
    assert_eq!(s.selected_link().unwrap().1, docs);
    let effects = key(&mut s, Intent::CopyLink);
    assert!(matches!(effects.as_slice(), [Effect::CopyToClipboard(u)] if u == docs));
    assert!(s.notice().unwrap().starts_with("copied"));
    let effects = key(&mut s, Intent::OpenLink);
    assert!(matches!(effects.as_slice(), [Effect::OpenUrl(u)] if u == docs));

    let mut ssh = State::new(Init {
        browser_unavailable: Some("this is an SSH session".into()),
        ..init()
    })
    .0;
    signed_in(&mut ssh);
    key(&mut ssh, Intent::Next);
    assert!(key(&mut ssh, Intent::OpenLink).is_empty());
    assert!(ssh.notice().unwrap().contains("SSH"));

    key(&mut s, Intent::ToggleQr);
    assert_eq!(s.link_view(), LinkView::Qr);
    key(&mut s, Intent::Back);
    assert_eq!(
        (s.link_view(), s.screen()),
        (LinkView::Inline, Screen::Guide(0)),
        "Esc closes the QR code first"
    );
    key(&mut s, Intent::FullLink);
    key(&mut s, Intent::Next);
    assert_eq!(
        (s.link_view(), s.screen()),
        (LinkView::Inline, Screen::Guide(0))
    );
    key(&mut s, Intent::Next);
    assert_eq!(
        (s.screen(), s.link(), s.notice().as_ref()),
        (Screen::Guide(1), 0, None),
        "a new screen starts fresh"
    );
    assert!(
        key(&mut s, Intent::CopyLink).is_empty(),
        "no links on this step"
    );
}

#[test]
fn the_result_offers_the_app_connections_page() {
    let (mut s, attempt) = at_submitting();
    answer_created(&mut s, attempt);
    let (_, url) = s.selected_link().unwrap();
    assert_eq!(
        url,
        "https://app.infisical.com/organizations/org-1/projects/secret-management/p2/app-connections"
    );
    assert!(
        matches!(key(&mut s, Intent::CopyLink).as_slice(), [Effect::CopyToClipboard(u)] if *u == url)
    );
}

#[test]
fn quitting_while_a_create_is_in_flight_is_not_a_cancel() {
    let (mut s, _) = at_submitting();
    key(&mut s, Intent::Quit);
    assert_eq!(s.overlay(), Overlay::ConfirmQuit);
    // Enter on this dialog waits for the answer.
    let enter = crate::wizard::intent_for(
        &s,
        crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter),
    );
    assert_eq!(enter, Some(Intent::No));
    assert!(matches!(
        key(&mut s, Intent::Yes).as_slice(),
        [Effect::Exit]
    ));
    let Some(Outcome::Abandoned(in_flight)) = s.take_exit() else {
        panic!("not abandoned")
    };
    assert_eq!(
        (in_flight.rotation, in_flight.name.as_str()),
        (false, DEFAULT_NAME)
    );
    assert_eq!(in_flight.project_id.as_deref(), Some("p2"));
}

#[test]
fn an_answer_closes_the_quit_question_and_shows_the_outcome() {
    let (mut s, attempt) = at_submitting();
    key(&mut s, Intent::Quit);
    update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Ok(crate::infisical::Created {
                connection: connection("ona"),
                recovered: false,
            }),
        },
    );
    assert_eq!((s.overlay(), s.screen()), (Overlay::None, Screen::Done));
    // Quitting now ends with the created connection, not a cancel.
    key(&mut s, Intent::Quit);
    assert!(matches!(s.take_exit(), Some(Outcome::Created(_))));
}
