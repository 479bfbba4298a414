//! Every screen rendered into a `TestBackend` and compared with a reviewed snapshot
//! (`cargo insta review`); CI runs with `INSTA_UPDATE=no`, so a changed screen fails.

use ona_connect::infisical::{self, ApiError, AppConnection, CreateError, Project};
use ona_connect::ona::{Expiry, Identity, OnaError, PatRecord, Person, TokenCheck};
use ona_connect::tui::ui::theme::Palette;
use ona_connect::tui::ui::{self, Theme};
use ona_connect::wizard::{self, Demo, Field, Init, Intent, Msg, SignedIn, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_input::InputRequest;

const TOKEN: &str = "onaPAT_CANARY_Q7v9xT2mLk";
const THEME: Theme = Theme::DARK;

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

/// `snapshot!(name, state)`: every page at 60x20, 80x24 and 200x50 (see [`every_size`]);
/// with a size, that size only.
macro_rules! snapshot {
    ($name:expr, $state:expr) => {
        every_size(&$name, &mut $state)
    };
    ($name:expr, $state:expr, $w:expr, $h:expr) => {
        insta::assert_snapshot!($name, draw(&$state, $w, $h).backend())
    };
}

/// The sizes every screen is checked at: the documented minimum, the usual default and a
/// large one. 80x24 keeps the plain name.
const SIZES: [(u16, u16, &str); 3] = [(80, 24, ""), (60, 20, "_60x20"), (200, 50, "_200x50")];

/// Snapshots every page of the screen at each size (page 2 on is `_p2`, …), then checks
/// that the minimum size shows everything the large one does: a word may only be missing
/// where a cut is marked with "…".
fn every_size(name: &str, state: &mut State) {
    let mut bodies = Vec::new();
    for (w, h, suffix) in SIZES {
        let pages = pages(state, w, h);
        for (i, page) in pages.iter().enumerate() {
            let page_suffix = if i == 0 {
                String::new()
            } else {
                format!("_p{}", i + 1)
            };
            insta::assert_snapshot!(format!("{name}{suffix}{page_suffix}"), page.backend());
        }
        bodies.push(pages.iter().map(body_text).collect::<Vec<_>>());
    }
    // Overlays cover the screen differently at each size; a QR code has its own message.
    if state.overlay() == wizard::Overlay::None && state.link_view() == wizard::LinkView::Inline {
        assert_nothing_cut_unmarked(name, &bodies[2], &bodies[1]);
    }
}

/// The check above can fail: a word cut at the small size without a mark.
#[test]
#[should_panic(expected = "cut without a mark")]
fn an_unmarked_cut_fails_the_check() {
    let wide = vec![vec!["Created 2026-05-04T10:15:00.123Z".to_string()]];
    let narrow = vec![vec!["Created 2026-05-04T10:1".to_string()]];
    assert_nothing_cut_unmarked("example", &wide, &narrow);
}

#[test]
fn a_marked_cut_or_a_wrapped_value_passes_the_check() {
    let wide = vec![vec![
        "Project Backend (backend, 00000000-0000-4000-8000-000000000000)".into(),
    ]];
    let narrow = [
        vec!["Project Backend (backend, 00000000-0000-40…".into()],
        vec![
            "Project Backend".to_string(),
            "  (backend, 00000000-0000-4000-8000-0000".into(),
            "  00000000)".into(),
        ],
    ];
    assert_nothing_cut_unmarked("marked", &wide, &narrow[..1]);
    assert_nothing_cut_unmarked("wrapped", &wide, &narrow[1..]);
}

/// Draws and reports the body's viewport to the state, as the driver does after each frame.
fn draw_and_report(state: &mut State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut viewport = None;
    terminal
        .draw(|f| viewport = Some(ui::render_reporting(state, THEME, f)))
        .unwrap();
    wizard::update(state, Msg::Viewport(viewport.unwrap()));
    assert!(
        !terminal.backend().to_string().contains(TOKEN) || state.form().reveal,
        "the token must never be drawn unmasked"
    );
    terminal
}

/// Every page of the screen, from the top, PgDn after PgDn until the end is in sight; the
/// state is scrolled back to the top afterwards.
fn pages(state: &mut State, width: u16, height: u16) -> Vec<Terminal<TestBackend>> {
    let mut out = vec![draw_and_report(state, width, height)];
    while state.scroll() < state.viewport().map_or(0, |v| v.hidden) {
        let before = state.scroll();
        key(state, Intent::PageDown);
        assert!(state.scroll() > before, "PgDn does not move");
        out.push(draw_and_report(state, width, height));
    }
    while state.scroll() > 0 {
        key(state, Intent::PageUp);
    }
    out
}

/// The text inside the body's frame (between the header and the help bar, inside the border
/// and the margin), row by row.
fn body_text(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let (w, h) = (buffer.area.width, buffer.area.height);
    (2..h.saturating_sub(2))
        .map(|y| {
            (2..w.saturating_sub(2))
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

/// Each word of the large screen's body is in the small one's pages (rows joined, spaces and
/// the command's continuation backslashes dropped), or cut there with a visible "…".
fn assert_nothing_cut_unmarked(name: &str, wide: &[Vec<String>], narrow: &[Vec<String>]) {
    let squeeze = |pages: &[Vec<String>]| -> String {
        pages
            .iter()
            .flatten()
            .filter(|row| !row.contains("more below") && !row.contains("more above"))
            .map(|row| {
                row.trim_end()
                    .strip_suffix(" \\")
                    .unwrap_or(row.trim_end())
                    .to_string()
            })
            .collect::<String>()
            .split_whitespace()
            .collect()
    };
    let small = squeeze(narrow);
    // A list that says how many of its entries are out of sight hides them with a mark.
    let list_marked = narrow
        .iter()
        .flatten()
        .any(|r| r.contains("in the list (↑/↓)"));
    let entry = |row: &&String| row.starts_with("  › ") || row.starts_with("    ");
    for word in wide
        .iter()
        .flatten()
        .filter(|row| !(list_marked && entry(row)))
        .flat_map(|r| r.split_whitespace())
    {
        if small.contains(word) {
            continue;
        }
        // Cut where it is marked: some start of the word right before "…", or some end of it
        // right after one (a link shortened in the middle).
        let chars: Vec<char> = word.chars().collect();
        let shortest = 3.min(chars.len().saturating_sub(1)).max(1);
        let marked = (shortest..chars.len()).any(|k| {
            let head: String = chars[..k].iter().collect();
            let tail: String = chars[chars.len() - k..].iter().collect();
            small.contains(&format!("{head}…")) || small.contains(&format!("…{tail}"))
        });
        assert!(
            marked,
            "{name}: \"{word}\" is shown at 200x50 but cut without a mark at 60x20:\n{}",
            narrow.concat().join("\n")
        );
    }
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
            who: None,
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

/// The form filled in, Ona's check still running.
fn filled_checking() -> State {
    let mut s = on_form();
    focus(&mut s, Field::Name);
    key(&mut s, Intent::Edit(InputRequest::DeleteLine));
    type_text(&mut s, "ona-dev-team");
    key(&mut s, Intent::FocusNext);
    type_text(&mut s, "Ona for the dev team");
    key(&mut s, Intent::FocusNext);
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    key(&mut s, Intent::FocusNext);
    key(&mut s, Intent::Down);
    s
}

/// The form filled in, and Ona's answer: valid, 60 days left.
fn filled() -> State {
    let mut s = filled_checking();
    ona_answers(
        &mut s,
        Ok(valid_check(Expiry::Known(pat("infisical integration", 60)))),
    );
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
    let (mut s, _) = State::new(init());
    snapshot!("sign_in_universal_auth", s);

    let (mut s, _) = State::new(init());
    type_text(&mut s, "secret");
    key(&mut s, Intent::Next);
    snapshot!("sign_in_working", s);
    let (mut slow, _) = State::new(init());
    type_text(&mut slow, "secret");
    key(&mut slow, Intent::Next);
    for _ in 0..35 * wizard::TICKS_PER_SECOND {
        wizard::update(&mut slow, Msg::Tick);
    }
    snapshot!("sign_in_slow", slow);
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

/// A newcomer: the browser first, its link while it waits, what to do over SSH, a paste
/// that is not the page's token, a listener that gave up, and who signed in.
#[test]
fn browser_sign_in_screens() {
    let newcomer = |over_ssh: bool| {
        State::new(Init {
            site: "https://app.infisical.com".into(),
            over_ssh,
            ..Init::default()
        })
        .0
    };
    let listen = |s: &mut State| {
        key(s, Intent::Next);
        wizard::update(
            s,
            Msg::BrowserListening {
                generation: 1,
                result: Ok(41234),
            },
        );
    };
    let mut s = newcomer(false);
    snapshot!("sign_in_browser", s);
    let mut s = newcomer(false);
    listen(&mut s);
    snapshot!("sign_in_browser_waiting", s);
    key(&mut s, Intent::ToggleQr);
    snapshot!("sign_in_browser_qr", s, 100, 40);

    let mut s = newcomer(true);
    listen(&mut s);
    snapshot!("sign_in_browser_over_ssh", s);
    wizard::update(&mut s, Msg::Paste("not the page's token".into()));
    key(&mut s, Intent::Next);
    // Back to the first row, so the pages start at the top of the screen.
    key(&mut s, Intent::FocusNext);
    snapshot!("sign_in_browser_bad_paste", s);

    let mut s = newcomer(false);
    listen(&mut s);
    wizard::update(
        &mut s,
        Msg::BrowserHandedOver {
            generation: 1,
            result: Err(ona_connect::session::browser_login::HandoffError::TimedOut),
        },
    );
    snapshot!("sign_in_browser_timed_out", s);

    let mut s = newcomer(false);
    listen(&mut s);
    wizard::update(
        &mut s,
        Msg::BrowserHandedOver {
            generation: 1,
            result: Ok(ona_connect::secret::Secret::new(TOKEN)),
        },
    );
    wizard::update(
        &mut s,
        Msg::SignInFinished(Ok(SignedIn {
            site: "https://app.infisical.com".into(),
            via: "browser sign-in".into(),
            who: Some("dana@example.com in Demo Organization".into()),
            projects: Ok(projects()),
        })),
    );
    snapshot!("guide_0_after_browser_sign_in", s);
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
    let mut s = on_form();
    snapshot!("form_arrival", s);
    let mut s = filled();
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

/// Hostile or unlucky text on the form: a long error is shown whole (wrapped), a paste
/// with invisible characters is refused with a message, and the description's counter counts
/// what Infisical counts.
#[test]
fn text_on_the_form_is_shown_as_it_is() {
    let (mut s, _) = State::new(init());
    signed_in(
        &mut s,
        Err("Could not list projects (app.infisical.com answered 200 but not the expected JSON (invalid type: string \"x\", expected a sequence at line 1 column 1834211)); type the project id instead.".into()),
    );
    for _ in 0..5 {
        key(&mut s, Intent::Next);
    }
    let drawn = draw(&s, 80, 24).backend().to_string();
    assert!(
        drawn.contains("type the project id instead."),
        "cut:\n{drawn}"
    );
    snapshot!("form_projects_error_wrapped", s);

    let mut s = on_form();
    focus(&mut s, Field::Description);
    wizard::update(
        &mut s,
        Msg::Paste("safe \u{202E}gnp.exe\u{202C} end".into()),
    );
    snapshot!("form_invisible_text_refused", s);

    let mut s = on_form();
    focus(&mut s, Field::Description);
    type_text(&mut s, &"😀".repeat(10));
    snapshot!("form_description_counts_utf16", s);
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
    let mut s = filled_checking();
    key(&mut s, Intent::Next);
    key(&mut s, Intent::Next);
    snapshot!("review_waiting_for_ona", s);
    snapshot!("submitting", submitting());
    let timeout = infisical::Error::Timeout {
        host: "app.infisical.com".into(),
        seconds: 120,
        sent: true,
        attempts: 1,
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
    let mut s = submitting();
    key(&mut s, Intent::Quit);
    snapshot!("confirm_quit_create_in_flight", s);
    let mut s = failed(CreateError::OutcomeUnknown {
        cause: infisical::Error::Network {
            host: "app.infisical.com".into(),
            detail: "connection reset".into(),
        },
        lookup: infisical::Error::Connect {
            host: "app.infisical.com".into(),
            detail: "connection refused".into(),
        },
    });
    key(&mut s, Intent::Quit);
    snapshot!("confirm_quit_after_a_lost_answer", s);
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
            .any(|c| c.fg == ratatui::style::Color::Indexed(Palette::DARK.error))
    };
    assert!(has_red(&colored));
    let mut plain = Terminal::new(TestBackend::new(80, 24)).unwrap();
    plain.draw(|f| ui::render(&s, Theme::PLAIN, f)).unwrap();
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
    // The whole terminal holds it at 80x24; 60x20 says the size it needs.
    snapshot!("guide_0_qr", s);
    key(&mut s, Intent::ToggleQr);
    key(&mut s, Intent::FullLink);
    snapshot!("guide_0_full_link", s);
    let mut r = created(false);
    key(&mut r, Intent::CopyLink);
    snapshot!("result_after_copy", r);
}

/// Reads the QR code back from the drawn cells and compares it with the encoder's matrix.
#[test]
fn the_drawn_qr_code_decodes_to_the_url() {
    use ona_connect::tui::ui::qr::{Matrix, QUIET, decode_rows};
    let mut s = on_form();
    for _ in 0..4 {
        key(&mut s, Intent::Back);
    }
    key(&mut s, Intent::ToggleQr);
    let url = s.selected_link().unwrap().1;
    let expected = Matrix::encode(&url).unwrap();
    for theme in [Theme::DARK, Theme::PLAIN] {
        let mut t = Terminal::new(TestBackend::new(100, 40)).unwrap();
        t.draw(|f| ui::render(&s, theme, f)).unwrap();
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
        // Centred in the whole terminal: the code takes every row it can.
        let x0 = (100 - w) / 2;
        let first = rows
            .iter()
            .position(|r| {
                r.chars()
                    .skip(x0 as usize)
                    .take(w as usize)
                    .any(|c| "█▀▄".contains(c))
            })
            .unwrap();
        // With colour the quiet zone is white cells; the module rows start above the first
        // inked row by the top quiet zone's height (two modules to a row).
        let color = theme.color();
        let top = first.saturating_sub(if color { QUIET / 2 } else { 0 });
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

    // More tokens than the popup has rows for: the list says how many are out of sight.
    let mut s = on_form();
    wizard::update(&mut s, Msg::Paste(TOKEN.into()));
    let many = (1..=14).map(|i| pat(&format!("token {i}"), i)).collect();
    ona_answers(&mut s, Ok(valid_check(Expiry::Choose(many))));
    for _ in 0..13 {
        key(&mut s, Intent::Down);
    }
    let text = draw(&s, 60, 20).backend().to_string();
    assert!(text.contains("more above in the list"), "{text}");
    assert!(
        text.contains("token 14 "),
        "the chosen one is in sight: {text}"
    );
    snapshot!("token_pick_overlay_many", s, 60, 20);
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
