//! Every screen rendered into a `TestBackend` and compared with a reviewed snapshot
//! (`cargo insta review`); CI runs with `INSTA_UPDATE=no`, so a changed screen fails.

use ona_connect::infisical::{self, ApiError, AppConnection, CreateError, Project};
use ona_connect::ona::{Expiry, Identity, OnaError, PatRecord, Person, TokenCheck};
use ona_connect::tui::ui::{self, Theme};
use ona_connect::wizard::{self, Demo, Field, Init, Intent, Msg, SignedIn, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_input::InputRequest;

const TOKEN: &str = "onaPAT_CANARY_Q7v9xT2mLk";
const THEME: Theme = Theme { color: true };

fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::render(state, THEME, f)).unwrap();
    // TestBackend cannot print a zero-width buffer.
    let text = if width > 0 {
        terminal.backend().to_string()
    } else {
        String::new()
    };
    assert!(
        !text.contains(TOKEN) || state.form().reveal,
        "the token must never be drawn unmasked"
    );
    terminal
}

macro_rules! snapshot {
    ($name:expr, $state:expr) => {
        insta::assert_snapshot!($name, draw(&$state, 80, 24).backend())
    };
    ($name:expr, $state:expr, $w:expr, $h:expr) => {
        insta::assert_snapshot!($name, draw(&$state, $w, $h).backend())
    };
}

fn key(s: &mut State, i: Intent) {
    wizard::update(s, Msg::Key(i));
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, Intent::Edit(InputRequest::InsertChar(c)));
    }
}

fn projects() -> Vec<Project> {
    ["Backend", "Frontend", "Payments"]
        .iter()
        .enumerate()
        .map(|(i, n)| Project {
            id: format!("{i}{i}{i}{i}{i}{i}{i}{i}-0000-4000-8000-000000000000"),
            name: (*n).into(),
            slug: n.to_lowercase(),
            org_id: "00000000-0000-4000-8000-00000000000a".into(),
            kind: Some("secret-manager".into()),
        })
        .collect()
}

fn init() -> Init {
    Init {
        site: "https://app.infisical.com".into(),
        client_id: Some("3f1c2a9e-client-id".into()),
        ..Init::default()
    }
}

fn signed_in(s: &mut State, projects: Result<Vec<Project>, String>) {
    signed_in_via(s, "Universal Auth, client id 3f1c2a9e-client-id", projects);
}

fn signed_in_via(s: &mut State, via: &str, projects: Result<Vec<Project>, String>) {
    wizard::update(
        s,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: via.into(),
            projects,
        })),
    );
}

/// Moves the form's focus with Tab until `field` has it.
fn focus(s: &mut State, field: Field) {
    for _ in 0..Field::ALL.len() {
        if s.form().focus == field {
            return;
        }
        key(s, Intent::FocusNext);
    }
    assert_eq!(s.form().focus, field);
}

fn on_form() -> State {
    let (mut s, _) = State::new(init());
    signed_in(&mut s, Ok(projects()));
    key(&mut s, Intent::Next);
    for _ in 0..4 {
        key(&mut s, Intent::Next);
    }
    s
}

fn filled() -> State {
    let mut s = on_form();
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(InputRequest::DeleteLine));
    type_text(&mut s, "ona-dev-team");
    key(&mut s, Intent::FocusNext);
    type_text(&mut s, "Ona for the dev team");
    key(&mut s, Intent::FocusNext);
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    ona_answers(
        &mut s,
        Ok(valid_check(Expiry::Known(pat("infisical integration", 60)))),
    );
    key(&mut s, Intent::FocusNext);
    key(&mut s, Intent::Down);
    s
}

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-11-28 12:00 UTC);

fn pat(description: &str, days: i64) -> PatRecord {
    PatRecord {
        id: format!("pat-{days}"),
        description: description.into(),
        created_at: Some(NOW - time::Duration::days(1)),
        expires_at: Some(NOW + time::Duration::days(days)),
        last_used: None,
        read_only: false,
    }
}

fn valid_check(expiry: Expiry) -> TokenCheck {
    TokenCheck {
        identity: Identity {
            organization_id: "0a0a0a0a-0000-4000-8000-0000000000aa".into(),
            subject_id: "5e5e5e5e".into(),
            principal: "PRINCIPAL_USER".into(),
            person: Some(Person {
                name: "Dana Developer".into(),
                email: "dana@example.com".into(),
            }),
        },
        expiry,
    }
}

fn ona_answers(s: &mut State, result: Result<TokenCheck, OnaError>) {
    let generation = s.form().token_generation;
    wizard::update(
        s,
        Msg::OnaChecked {
            generation,
            result,
            now: NOW,
        },
    );
}

fn submitting() -> State {
    let mut s = filled();
    key(&mut s, Intent::Next);
    key(&mut s, Intent::Next);
    s
}

fn created(recovered: bool) -> State {
    let mut s = submitting();
    let connection: AppConnection =
        serde_json::from_str(include_str!("fixtures/create-response.json"))
            .map(|v: serde_json::Value| serde_json::from_value(v["appConnection"].clone()).unwrap())
            .unwrap();
    let attempt = s.attempt();
    wizard::update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Ok(infisical::Created {
                connection,
                recovered,
            }),
        },
    );
    s
}

fn failed(error: CreateError) -> State {
    let mut s = submitting();
    let attempt = s.attempt();
    wizard::update(
        &mut s,
        Msg::SubmitFinished {
            attempt,
            result: Err(error),
        },
    );
    s
}

fn fixture_error(status: u16, file: &str) -> CreateError {
    let body = std::fs::read(format!(
        "{}/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    CreateError::Rejected(infisical::Error::Api(ApiError::from_body(
        status, &body, None,
    )))
}

#[test]
fn sign_in_screens() {
    let (s, _) = State::new(init());
    snapshot!("sign_in_universal_auth", s);

    let (mut s, _) = State::new(init());
    type_text(&mut s, "secret");
    key(&mut s, Intent::Next);
    snapshot!("sign_in_working", s);
    wizard::update(
        &mut s,
        Msg::SignInFinished(Err(vec![
            "HTTP 401 UnauthorizedError".into(),
            "Invalid credentials".into(),
            "reqId: req-FAKE0000000001".into(),
        ])),
    );
    snapshot!("sign_in_failed", s);

    let (mut s, _) = State::new(Init {
        env_source: Some("INFISICAL_TOKEN".into()),
        ..init()
    });
    signed_in_via(&mut s, "access token from INFISICAL_TOKEN", Ok(projects()));
    snapshot!("sign_in_from_environment", s);

    let (mut s, _) = State::new(Init {
        site: "https://infisical.example.com".into(),
        cli_on_path: true,
        ..Init::default()
    });
    wizard::update(&mut s, Msg::CliProbed(Ok(())));
    snapshot!("sign_in_self_hosted_cli", s);
}

#[test]
fn guide_screens() {
    let mut s = on_form();
    for i in (0..4).rev() {
        key(&mut s, Intent::Back);
        snapshot!(format!("guide_{i}"), s);
    }
    let (mut demo, _) = State::new(Init {
        demo: Some(Demo {
            ona_token: "ona_demo_pat_sandbox_not_a_real_token".into(),
        }),
        site: "http://127.0.0.1:41285".into(),
        ..init()
    });
    signed_in(&mut demo, Ok(projects()));
    for _ in 0..4 {
        key(&mut demo, Intent::Next);
    }
    assert_eq!(demo.screen(), wizard::Screen::Guide(3));
    snapshot!("guide_3_demo", demo);
}

#[test]
fn form_screens() {
    let s = on_form();
    snapshot!("form_arrival", s);
    let s = filled();
    snapshot!("form_filled", s);
    let mut s = filled();
    focus(&mut s, Field::Token);
    key(&mut s, Intent::ToggleReveal);
    snapshot!("form_revealed", s);
    let mut s = on_form();
    focus(&mut s, Field::Name);
    type_text(&mut s, "_Bad Name");
    key(&mut s, Intent::Next);
    snapshot!("form_errors", s);
    let mut s = on_form();
    focus(&mut s, Field::Project);
    type_text(&mut s, "zzz");
    snapshot!("form_project_no_match", s);
    let (mut s, _) = State::new(init());
    signed_in(
        &mut s,
        Err(
            "Could not list projects (HTTP 403 PermissionDenied); type the project id instead."
                .into(),
        ),
    );
    for _ in 0..5 {
        key(&mut s, Intent::Next);
    }
    assert_eq!(s.screen(), wizard::Screen::Form);
    snapshot!("form_projects_unavailable", s);
}

#[test]
fn errors_land_on_the_form() {
    snapshot!(
        "form_duplicate_name",
        failed(fixture_error(400, "error-400-duplicate-name.json"))
    );
    snapshot!(
        "form_ona_rejected",
        failed(fixture_error(400, "error-400-ona-credentials.json"))
    );
    snapshot!(
        "form_validation_issues",
        failed(fixture_error(422, "error-422-validation.json"))
    );
    snapshot!(
        "form_project_not_found",
        failed(fixture_error(400, "error-400-project-not-found.json"))
    );
    snapshot!(
        "sign_in_after_expired_token",
        failed(fixture_error(403, "error-403-token-expired.json"))
    );
}

#[test]
fn review_submit_and_result() {
    let mut s = filled();
    key(&mut s, Intent::Next);
    snapshot!("review", s);
    snapshot!("submitting", submitting());
    let timeout = infisical::Error::Timeout {
        host: "app.infisical.com".into(),
        seconds: 120,
        sent: true,
    };
    let lookup = infisical::Error::Connect {
        host: "app.infisical.com".into(),
        detail: "connection refused".into(),
    };
    snapshot!(
        "review_outcome_unknown",
        failed(CreateError::OutcomeUnknown {
            cause: timeout,
            lookup
        })
    );
    snapshot!(
        "review_server_error",
        failed(fixture_error(500, "error-500.json"))
    );
    snapshot!("result", created(false));
    snapshot!("result_recovered", created(true));
}

#[test]
fn overlays_and_sizes() {
    let mut s = filled();
    key(&mut s, Intent::Help);
    snapshot!("help_overlay", s);
    let mut s = filled();
    key(&mut s, Intent::Quit);
    snapshot!("confirm_quit", s);
    snapshot!("form_narrow_60x20", filled(), 60, 20);
    snapshot!("result_narrow_60x20", created(false), 60, 20);
    snapshot!("too_small_40x12", filled(), 40, 12);
}

#[test]
fn focus_and_errors_carry_colour_unless_no_color() {
    let s = failed(fixture_error(400, "error-400-duplicate-name.json"));
    let colored = draw(&s, 80, 24);
    let has_red = |t: &Terminal<TestBackend>| {
        t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg == ratatui::style::Color::Red)
    };
    assert!(has_red(&colored));
    let mut plain = Terminal::new(TestBackend::new(80, 24)).unwrap();
    plain
        .draw(|f| ui::render(&s, Theme { color: false }, f))
        .unwrap();
    assert!(!has_red(&plain));
    assert!(
        plain
            .backend()
            .buffer()
            .content()
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset)
    );
}

#[test]
fn no_screen_panics_at_any_size() {
    let states = [
        on_form(),
        filled(),
        submitting(),
        created(false),
        failed(fixture_error(422, "error-422-validation.json")),
    ];
    for s in &states {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (10, 3),
            (59, 19),
            (60, 20),
            (61, 40),
            (200, 60),
        ] {
            draw(s, w, h);
        }
    }
}

#[test]
fn link_views() {
    let mut s = on_form();
    for _ in 0..4 {
        key(&mut s, Intent::Back);
    }
    key(&mut s, Intent::Down);
    key(&mut s, Intent::ToggleQr);
    snapshot!("guide_0_qr_docs", s, 100, 40);
    snapshot!("guide_0_qr_too_small", s);
    key(&mut s, Intent::ToggleQr);
    key(&mut s, Intent::FullLink);
    snapshot!("guide_0_full_link", s, 60, 20);
    let mut r = created(false);
    key(&mut r, Intent::CopyLink);
    snapshot!("result_after_copy", r);
}

/// Reads the QR code back from the drawn cells and compares it with the encoder's matrix.
#[test]
fn the_drawn_qr_code_decodes_to_the_url() {
    use ona_connect::tui::ui::qr::{Matrix, decode_rows};
    let mut s = on_form();
    for _ in 0..4 {
        key(&mut s, Intent::Back);
    }
    key(&mut s, Intent::ToggleQr);
    let url = s.selected_link().unwrap().1;
    let expected = Matrix::encode(&url).unwrap();
    for color in [true, false] {
        let mut t = Terminal::new(TestBackend::new(100, 40)).unwrap();
        t.draw(|f| ui::render(&s, Theme { color }, f)).unwrap();
        let buffer = t.backend().buffer();
        let (w, h) = expected.cells();
        // The code is centred in the body: find its first row by its top-left finder pattern.
        let rows: Vec<String> = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect();
        let x0 = (100 - 4 - w) / 2 + 2;
        let first = rows
            .iter()
            .position(|r| {
                r.chars()
                    .skip(x0 as usize)
                    .take(w as usize)
                    .any(|c| "█▀▄".contains(c))
            })
            .unwrap();
        // With colour the quiet zone is white cells; the module rows start one row up from
        // the first inked row when the top quiet zone is blank.
        let top = first.saturating_sub(if color { 1 } else { 0 });
        let drawn: Vec<String> = rows[top..top + h as usize]
            .iter()
            .map(|r| r.chars().skip(x0 as usize).take(w as usize).collect())
            .collect();
        assert_eq!(
            decode_rows(&drawn, expected.size, color),
            expected.dark,
            "colour: {color}"
        );
    }
}

#[test]
fn ona_check_states() {
    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    snapshot!("token_checking", s);
    ona_answers(
        &mut s,
        Err(OnaError::Rejected {
            status: 401,
            code: "unauthenticated".into(),
            message: "invalid personal access token".into(),
        }),
    );
    key(&mut s, Intent::Next);
    snapshot!("token_rejected_blocks_review", s);

    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    ona_answers(
        &mut s,
        Err(OnaError::Unreachable {
            host: "app.gitpod.io".into(),
            detail: "connection refused".into(),
        }),
    );
    snapshot!("token_ona_unreachable", s);

    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    ona_answers(
        &mut s,
        Ok(valid_check(Expiry::Known(pat("infisical integration", 9)))),
    );
    snapshot!("token_expires_soon", s);

    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    ona_answers(
        &mut s,
        Ok(valid_check(Expiry::Choose(vec![
            pat("laptop", 30),
            pat("ci runner", 90),
        ]))),
    );
    snapshot!("token_pick_overlay", s);
}

fn rotating() -> State {
    let (mut s, _) = State::new(Init {
        rotate: true,
        rotate_wanted: Some("ona-dev-team".into()),
        skip_ona_check: true,
        ..init()
    });
    signed_in(&mut s, Ok(projects()));
    key(&mut s, Intent::Next);
    let listed: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/list-response.json")).unwrap();
    let list: Vec<AppConnection> =
        serde_json::from_value(listed["appConnections"].clone()).unwrap();
    wizard::update(&mut s, Msg::ConnectionsLoaded(Ok(list)));
    s
}

#[test]
fn rotation_screens() {
    let mut s = rotating();
    snapshot!("rotate_pick_connection", s);
    for _ in 0..5 {
        key(&mut s, Intent::Next);
    }
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    snapshot!("rotate_token", s);
    key(&mut s, Intent::Next);
    snapshot!("rotate_review", s);
    key(&mut s, Intent::Next);
    snapshot!("rotate_submitting", s);
    let mut after = s.rotation().unwrap().target.clone().unwrap();
    after.credentials_hash =
        Some("1111111111111111111111111111111111111111111111111111111111111111".into());
    after.updated_at = Some("2026-06-01T09:00:00.000Z".into());
    let attempt = s.attempt();
    wizard::update(
        &mut s,
        Msg::RotateFinished {
            attempt,
            result: Ok(after),
        },
    );
    snapshot!("rotate_done", s);
}

/// Issue 16's words: the name's lookup, a read-only token, the person behind it.
#[test]
fn words_people_use() {
    fn name_answer(s: &mut State, holder: Option<AppConnection>) {
        let generation = s.form().name_generation;
        wizard::update(s, Msg::NameCheckDue { generation });
        wizard::update(
            s,
            Msg::NameChecked {
                generation,
                result: Ok(holder),
            },
        );
    }
    let holder: AppConnection = serde_json::from_value(serde_json::json!({
        "id": "c0c0c0c0-0000-4000-8000-000000000009", "name": "ona", "app": "ona",
        "method": "personal-access-token", "orgId": "o1", "projectId": "p1"
    }))
    .unwrap();

    let mut s = on_form();
    name_answer(&mut s, Some(holder));
    snapshot!("form_name_taken_found_early", s);

    let mut s = on_form();
    name_answer(&mut s, None);
    snapshot!("form_name_free", s);

    let mut s = on_form();
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(InputRequest::DeleteLine));
    type_text(&mut s, "My Conn");
    snapshot!("form_name_slug_offered_60x20", s, 60, 20);

    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    let mut record = pat("infisical integration", 60);
    record.read_only = true;
    ona_answers(&mut s, Ok(valid_check(Expiry::Known(record))));
    snapshot!("token_read_only", s);
    key(&mut s, Intent::FocusNext);
    key(&mut s, Intent::Down);
    key(&mut s, Intent::Next);
    snapshot!("review_read_only", s);

    // Not a user's token: the principal and organization stay.
    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    let mut check = valid_check(Expiry::Known(pat("infisical integration", 60)));
    check.identity.person = None;
    check.identity.principal = "PRINCIPAL_SERVICE_ACCOUNT".into();
    ona_answers(&mut s, Ok(check));
    snapshot!("token_not_a_user", s);
}
