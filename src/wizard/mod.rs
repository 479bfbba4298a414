//! The wizard as a pure state machine: `update(state, msg) -> effects`. No I/O, no clock;
//! the driver (`crate::app`) performs the effects and feeds their results back as messages.

mod keys;
mod state;
#[cfg(test)]
mod tests;

use std::fmt;

pub use keys::intent_for;
pub use state::*;
use tui_input::{Input, InputRequest};

use crate::guide;
use crate::infisical::{CreateError, CreateRequest, Domain, Error, Project};
use crate::secret::{Secret, SecretInput};
use crate::validate;

/// What a key means on the current screen, decided before `update` (see `keys`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Next,
    Back,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    Left,
    Right,
    Edit(InputRequest),
    ToggleReveal,
    Help,
    Quit,
    Yes,
    No,
    OpenLink,
    CopyLink,
    ToggleQr,
    FullLink,
    /// On Review: whether the token's expiry goes into the description.
    ToggleRecordExpiry,
    /// After a taken name: replace the existing connection's token instead.
    RotateInstead,
}

impl fmt::Debug for Intent {
    /// Typed characters may be part of a secret: never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Intent::Edit(InputRequest::InsertChar(_)) => {
                f.write_str("Edit(InsertChar(<redacted>))")
            }
            Intent::Edit(r) => write!(f, "Edit({r:?})"),
            Intent::Next => f.write_str("Next"),
            Intent::Back => f.write_str("Back"),
            Intent::FocusNext => f.write_str("FocusNext"),
            Intent::FocusPrev => f.write_str("FocusPrev"),
            Intent::Up => f.write_str("Up"),
            Intent::Down => f.write_str("Down"),
            Intent::Left => f.write_str("Left"),
            Intent::Right => f.write_str("Right"),
            Intent::ToggleReveal => f.write_str("ToggleReveal"),
            Intent::Help => f.write_str("Help"),
            Intent::Quit => f.write_str("Quit"),
            Intent::Yes => f.write_str("Yes"),
            Intent::No => f.write_str("No"),
            Intent::OpenLink => f.write_str("OpenLink"),
            Intent::CopyLink => f.write_str("CopyLink"),
            Intent::ToggleQr => f.write_str("ToggleQr"),
            Intent::FullLink => f.write_str("FullLink"),
            Intent::ToggleRecordExpiry => f.write_str("ToggleRecordExpiry"),
            Intent::RotateInstead => f.write_str("RotateInstead"),
        }
    }
}

/// How a sign-in ended, as the driver reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub site: String,
    pub via: String,
    /// The project list, or why it could not be read (then the id is typed by hand).
    pub projects: Result<Vec<Project>, String>,
}

// Messages are few and short-lived; boxing the large one would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(Intent),
    /// Bracketed paste: the whole text at once.
    Paste(String),
    /// Spinner frame; the driver sends it only while something is in flight.
    Tick,
    CliProbed(Result<(), String>),
    SignInFinished(Result<SignedIn, Vec<String>>),
    SubmitFinished {
        attempt: u64,
        result: Result<crate::infisical::Created, CreateError>,
    },
    /// The config file could not be written after a create (the connection exists).
    ConfigSaveFailed(String),
    /// Feedback from a link action, e.g. the browser could not be started.
    Notice(String),
    /// Rotation: the connections the identity can see.
    ConnectionsLoaded(Result<Vec<crate::infisical::AppConnection>, String>),
    RotateFinished {
        attempt: u64,
        result: Result<crate::infisical::AppConnection, Error>,
    },
    /// The connection that holds a name Infisical reported as taken.
    ExistingFound(Option<crate::infisical::AppConnection>),
    /// The pause after typing in the token field is over.
    OnaCheckDue {
        generation: u64,
    },
    /// Ona's answer about the token; `now` is when it was checked (the state reads no clock).
    OnaChecked {
        generation: u64,
        result: Result<crate::ona::TokenCheck, crate::ona::OnaError>,
        now: time::OffsetDateTime,
    },
}

impl fmt::Debug for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Key(i) => write!(f, "Key({i:?})"),
            Msg::Paste(text) => write!(f, "Paste(<redacted>, {} chars)", text.chars().count()),
            Msg::Tick => f.write_str("Tick"),
            Msg::CliProbed(r) => write!(f, "CliProbed({r:?})"),
            Msg::SignInFinished(r) => write!(f, "SignInFinished({r:?})"),
            Msg::SubmitFinished { attempt, result } => {
                write!(f, "SubmitFinished({attempt}, {result:?})")
            }
            Msg::ConfigSaveFailed(e) => write!(f, "ConfigSaveFailed({e:?})"),
            Msg::Notice(n) => write!(f, "Notice({n:?})"),
            Msg::OnaCheckDue { generation } => write!(f, "OnaCheckDue({generation})"),
            Msg::ConnectionsLoaded(r) => {
                write!(f, "ConnectionsLoaded({:?})", r.as_ref().map(Vec::len))
            }
            Msg::RotateFinished { attempt, result } => {
                write!(f, "RotateFinished({attempt}, {result:?})")
            }
            Msg::ExistingFound(c) => write!(f, "ExistingFound({:?})", c.as_ref().map(|c| &c.id)),
            Msg::OnaChecked {
                generation, result, ..
            } => write!(f, "OnaChecked({generation}, {result:?})"),
        }
    }
}

/// How the driver should sign in.
#[derive(Debug)]
pub enum SignInWith {
    /// The credentials the environment provided (held by the driver).
    Environment,
    /// `infisical user get token --plain --domain <site>`.
    Cli,
    UniversalAuth {
        client_id: String,
        client_secret: Secret,
    },
    AccessToken(Secret),
}

#[derive(Debug)]
pub enum Effect {
    /// Check whether the Infisical CLI has a user session for this domain.
    ProbeCli {
        domain: Domain,
    },
    SignIn {
        domain: Domain,
        with: SignInWith,
    },
    Submit {
        attempt: u64,
        request: CreateRequest,
        after_unknown_outcome: bool,
    },
    /// Remember the non-secret choices of a successful create.
    SaveConfig {
        domain: String,
        project_id: String,
        client_id: Option<String>,
        name: String,
        connection_id: String,
        /// `YYYY-MM-DD` when the token's expiry is known.
        token_expires: Option<String>,
    },
    /// Rotation: list the Ona connections the identity can see.
    LoadConnections,
    /// Rotation: replace the token of one connection (PATCH).
    Rotate {
        attempt: u64,
        connection_id: String,
        token: Secret,
    },
    /// Find the connection that holds a taken name, to offer rotating its token instead.
    LookupExisting {
        name: String,
        project_id: String,
    },
    /// Wake up with `OnaCheckDue` after a pause in typing (a newer schedule replaces it).
    ScheduleOnaCheck {
        generation: u64,
    },
    /// Ask Ona who the token belongs to and when it expires.
    CheckOnaToken {
        generation: u64,
        token: Secret,
    },
    /// Open a URL in the local browser.
    OpenUrl(String),
    /// Put a URL (never a secret) on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Leave the event loop; the outcome is in `state.exit`.
    Exit,
}

/// What the wizard starts from; built by the binary from settings.
#[derive(Debug, Default)]
pub struct Init {
    pub site: String,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub last_name: Option<String>,
    /// Name of the variable that provides credentials, if any.
    pub env_source: Option<String>,
    pub cli_on_path: bool,
    pub demo: Option<Demo>,
    /// Why no local browser can be opened (SSH session, no display).
    pub browser_unavailable: Option<String>,
    /// `--skip-ona-check`: do not ask Ona about the token.
    pub skip_ona_check: bool,
    /// Replace the token of an existing connection instead of creating one.
    pub rotate: bool,
    /// The connection to rotate (name or id), when given on the command line.
    pub rotate_wanted: Option<String>,
}

pub const DEFAULT_NAME: &str = "ona";

impl State {
    /// The first state and the effects to start with (sign in from the environment, probe the
    /// CLI); the driver runs them after the first frame is drawn.
    pub fn new(init: Init) -> (State, Vec<Effect>) {
        let preset = match init.site.as_str() {
            crate::infisical::US_CLOUD => HostPreset::UsCloud,
            crate::infisical::EU_CLOUD => HostPreset::EuCloud,
            _ => HostPreset::SelfHosted,
        };
        let custom_url = if preset == HostPreset::SelfHosted {
            Input::new(init.site.clone())
        } else {
            Input::default()
        };
        let cli = if init.cli_on_path {
            CliProbe::Checking
        } else {
            CliProbe::Missing
        };
        let method = if init.client_id.is_some() || init.demo.is_some() {
            Method::UniversalAuth
        } else {
            Method::AccessToken
        };
        let mut sign_in = SignIn {
            preset,
            custom_url,
            method,
            cli,
            client_id: Input::new(init.client_id.clone().unwrap_or_default()),
            client_secret: SecretInput::with_value(
                init.client_secret.as_deref().unwrap_or_default(),
            ),
            access_token: SecretInput::default(),
            focus: SignInField::Host,
            reveal: false,
            status: SignInStatus::Idle,
            env_source: init.env_source.clone(),
            resume: None,
            signed_in_site: None,
        };
        sign_in.focus = first_empty_sign_in_field(&sign_in);
        let form = Form {
            name: Input::new(
                init.last_name
                    .clone()
                    .unwrap_or_else(|| DEFAULT_NAME.to_string()),
            ),
            description: Input::default(),
            token: SecretInput::default(),
            project_query: Input::new(init.project_id.clone().unwrap_or_default()),
            project_cursor: 0,
            projects: Projects::Loading,
            focus: Field::Name,
            reveal: false,
            server_errors: FieldErrors::default(),
            show_required: false,
            token_notice: None,
            token_generation: 0,
            ona: if init.skip_ona_check {
                OnaCheck::Disabled
            } else {
                OnaCheck::Idle
            },
            record_expiry: true,
            submit_rejected_armed: false,
            pat_cursor: 0,
        };
        let mut effects = Vec::new();
        let domain = sign_in.domain().ok();
        if let Some(domain) = &domain {
            if init.env_source.is_some() {
                sign_in.status = SignInStatus::Working;
                effects.push(Effect::SignIn {
                    domain: domain.clone(),
                    with: SignInWith::Environment,
                });
            }
            if init.cli_on_path {
                effects.push(Effect::ProbeCli {
                    domain: domain.clone(),
                });
            }
        }
        let state = State {
            mode: if init.rotate {
                Mode::Rotate
            } else {
                Mode::Create
            },
            rotation: Rotation {
                connections: Connections::Loading,
                filter: Input::default(),
                cursor: 0,
                target: None,
                wanted: init.rotate_wanted,
                error: None,
                result: None,
            },
            screen: Screen::SignIn,
            demo: init.demo,
            sign_in,
            form,
            attempt: 0,
            after_unknown_outcome: false,
            submit_error: None,
            created: None,
            overlay: Overlay::None,
            link: 0,
            link_view: LinkView::Inline,
            notice: None,
            browser_unavailable: init.browser_unavailable,
            spinner: 0,
            exit: None,
        };
        (state, effects)
    }

    /// "step i of n" for the current screen and mode.
    pub fn step(&self) -> (usize, usize) {
        match self.mode {
            Mode::Create => (self.screen.step_number(), STEP_COUNT),
            Mode::Rotate => {
                let i = match self.screen {
                    Screen::SignIn => 1,
                    Screen::PickConnection => 2,
                    other => other.step_number() + 1,
                };
                (i, STEP_COUNT + 1)
            }
        }
    }

    /// The links the current screen shows, as (label, URL).
    pub fn links(&self) -> Vec<(String, String)> {
        match self.screen {
            Screen::Guide(i) => guide::steps()
                .get(i)
                .map(|s| {
                    s.links
                        .iter()
                        .map(|l| (l.label.clone(), l.url.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            Screen::Done => self
                .created
                .as_ref()
                .map(|c| {
                    vec![(
                        "App Connections page".to_string(),
                        crate::ui::connections_page(c),
                    )]
                })
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    pub fn selected_link(&self) -> Option<(String, String)> {
        let links = self.links();
        links
            .get(self.link.min(links.len().saturating_sub(1)))
            .cloned()
    }

    /// Something is in flight, so the spinner should turn.
    pub fn busy(&self) -> bool {
        self.screen == Screen::Submitting
            || self.sign_in.status == SignInStatus::Working
            || self.form.ona == OnaCheck::Checking
    }

    /// Whether quitting would throw away something the user typed.
    pub fn has_user_input(&self) -> bool {
        !self.form.token.is_empty()
            || !self.form.description.value().is_empty()
            || !self.sign_in.access_token.is_empty()
            || (self.screen != Screen::SignIn && self.screen != Screen::Done)
    }

    /// The validation message for a form field as it stands now, if any.
    pub fn field_error(&self, field: Field) -> Option<String> {
        if let Some(e) = self.form.server_errors.get(field) {
            return Some(e.clone());
        }
        let form = &self.form;
        match field {
            Field::Name => validate::name(form.name.value()).err().map(str::to_string),
            Field::Description => validate::description(form.description.value())
                .err()
                .map(str::to_string),
            Field::Token => match validate::token(form.token.expose()) {
                Err(validate::TOKEN_REQUIRED) if !form.show_required => None,
                other => other.err().map(str::to_string),
            },
            Field::Project => match form.chosen_project() {
                None if matches!(form.projects, Projects::Loading) => None,
                None if form.show_required => Some("choose a project (or type its id)".into()),
                _ => None,
            },
        }
    }

    fn create_request(&self) -> Option<CreateRequest> {
        let form = &self.form;
        let name = validate::name(form.name.value()).ok()?;
        let description = self.description_to_send().ok()?;
        let token = validate::token(form.token.expose()).ok()?;
        let project = form.chosen_project()?;
        Some(CreateRequest {
            name: name.to_string(),
            description,
            project_id: project.id,
            token: Secret::new(token),
        })
    }
}

impl State {
    /// The token's expiry as known from Ona.
    pub fn token_expiry(&self) -> Option<&TokenExpiry> {
        match &self.form.ona {
            OnaCheck::Valid {
                expiry: ExpiryState::Known(e),
                ..
            } => Some(e),
            _ => None,
        }
    }

    /// The description as it will be sent: the user's, plus the token's expiry when wanted.
    pub fn description_to_send(&self) -> Result<Option<String>, &'static str> {
        let description = validate::description(self.form.description.value())?;
        Ok(match self.expiry_to_record() {
            Some(date) => Some(with_expiry(description.unwrap_or(""), &date)),
            None => description.map(str::to_string),
        })
    }

    /// The date to write into the description, when known and wanted.
    pub fn expiry_to_record(&self) -> Option<String> {
        self.token_expiry()
            .filter(|_| self.form.record_expiry)
            .and_then(|e| e.date.clone())
    }
}

/// `description · token expires DATE`, shortening the description to stay within the limit.
pub fn with_expiry(description: &str, date: &str) -> String {
    let suffix = format!("token expires {date}");
    let description = description.trim();
    if description.is_empty() {
        return suffix;
    }
    let room = validate::DESCRIPTION_MAX.saturating_sub(suffix.chars().count() + 3);
    let mut head: String = description.chars().take(room).collect();
    if head.chars().count() < description.chars().count() {
        head.pop();
        head.push('…');
    }
    format!("{} · {suffix}", head.trim_end())
}

fn first_empty_sign_in_field(s: &SignIn) -> SignInField {
    let fields = s.fields();
    let empty = |f: &SignInField| match f {
        SignInField::CustomUrl => s.custom_url.value().is_empty(),
        SignInField::ClientId => s.client_id.value().is_empty(),
        SignInField::ClientSecret => s.client_secret.is_empty(),
        SignInField::AccessToken => s.access_token.is_empty(),
        _ => false,
    };
    fields
        .iter()
        .copied()
        .find(empty)
        .unwrap_or(SignInField::Host)
}

const SPINNER_FRAMES: usize = 10;

/// The whole behaviour of the wizard.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick => {
            state.spinner = (state.spinner + 1) % SPINNER_FRAMES;
            vec![]
        }
        Msg::Key(intent) => {
            let before = state.screen;
            let effects = on_intent(state, intent);
            if state.screen != before {
                reset_links(state);
            }
            effects
        }
        Msg::Paste(text) => on_paste(state, &text),
        Msg::CliProbed(result) => {
            state.sign_in.cli = match result {
                Ok(()) => CliProbe::Works,
                Err(e) => CliProbe::Failed(e),
            };
            // Offer the CLI first when it works and the user has not chosen anything yet.
            let untouched =
                state.sign_in.client_id.value().is_empty() && state.sign_in.access_token.is_empty();
            if state.sign_in.cli == CliProbe::Works && untouched && state.demo.is_none() {
                state.sign_in.method = Method::Cli;
                state.sign_in.focus = SignInField::Host;
            }
            vec![]
        }
        Msg::SignInFinished(result) => on_signed_in(state, result),
        Msg::SubmitFinished { attempt, result } => {
            if attempt != state.attempt || state.screen != Screen::Submitting {
                return vec![];
            }
            on_submitted(state, result)
        }
        Msg::Notice(n) => {
            state.notice = Some(n);
            vec![]
        }
        Msg::ConnectionsLoaded(result) => {
            on_connections_loaded(state, result);
            vec![]
        }
        Msg::RotateFinished { attempt, result } => {
            if attempt != state.attempt || state.screen != Screen::Submitting {
                return vec![];
            }
            on_rotated(state, result)
        }
        Msg::ExistingFound(found) => {
            if let Some(c) = found.filter(|c| c.name == state.form.name.value().trim()) {
                state.rotation.target = Some(c);
            }
            vec![]
        }
        Msg::OnaCheckDue { generation } => {
            if generation == state.form.token_generation && state.form.ona == OnaCheck::Idle {
                start_ona_check(state)
            } else {
                vec![]
            }
        }
        Msg::OnaChecked {
            generation,
            result,
            now,
        } => {
            if generation == state.form.token_generation && state.form.ona == OnaCheck::Checking {
                on_ona_checked(state, result, now);
            }
            vec![]
        }
        Msg::ConfigSaveFailed(e) => {
            if let Some(created) = &mut state.created {
                created.config_warning = Some(e);
            }
            vec![]
        }
    }
}

fn on_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    // No field takes control characters, whatever the terminal reports as a key.
    if matches!(intent, Intent::Edit(InputRequest::InsertChar(c)) if c.is_control()) {
        return vec![];
    }
    match state.overlay {
        Overlay::Help => {
            state.overlay = Overlay::None;
            return vec![];
        }
        Overlay::PickToken => return pick_token_intent(state, intent),
        Overlay::ConfirmQuit => {
            return match intent {
                Intent::Yes | Intent::Quit => quit(state),
                Intent::No | Intent::Back => {
                    state.overlay = Overlay::None;
                    vec![]
                }
                _ => vec![],
            };
        }
        Overlay::None => {}
    }
    match intent {
        Intent::Help => {
            state.overlay = Overlay::Help;
            return vec![];
        }
        Intent::Quit => {
            if state.screen == Screen::Done {
                return finish(state);
            }
            if state.has_user_input() {
                state.overlay = Overlay::ConfirmQuit;
                return vec![];
            }
            return quit(state);
        }
        _ => {}
    }
    if let Some(effects) = link_intent(state, intent) {
        return effects;
    }
    match state.screen {
        Screen::SignIn => sign_in_intent(state, intent),
        Screen::PickConnection => pick_connection_intent(state, intent),
        Screen::Form if state.mode == Mode::Rotate => rotate_form_intent(state, intent),
        Screen::Review if state.mode == Mode::Rotate => match intent {
            Intent::Next => submit_rotation(state),
            Intent::Back => {
                state.screen = Screen::Form;
                vec![]
            }
            _ => vec![],
        },
        Screen::Guide(i) => match intent {
            Intent::Next => {
                state.screen = if i + 1 < guide::steps().len() {
                    Screen::Guide(i + 1)
                } else {
                    Screen::Form
                };
                if state.screen == Screen::Form {
                    state.form.focus = first_form_focus(state);
                }
                vec![]
            }
            Intent::Back => {
                state.screen = match (i, state.mode) {
                    (0, Mode::Create) => Screen::SignIn,
                    (0, Mode::Rotate) => Screen::PickConnection,
                    _ => Screen::Guide(i - 1),
                };
                vec![]
            }
            _ => vec![],
        },
        Screen::Form => form_intent(state, intent),
        Screen::Review => match intent {
            Intent::Next => submit(state),
            Intent::ToggleRecordExpiry if state.token_expiry().is_some() => {
                state.form.record_expiry = !state.form.record_expiry;
                vec![]
            }
            Intent::Back => {
                state.screen = Screen::Form;
                vec![]
            }
            _ => vec![],
        },
        // The create cannot be taken back once sent; only quitting (with a warning) is offered.
        Screen::Submitting => vec![],
        Screen::Done => match intent {
            Intent::Next | Intent::Back => finish(state),
            _ => vec![],
        },
    }
}

/// Keys about the links of a screen (guide steps, result); `None` when not about links.
fn link_intent(state: &mut State, intent: Intent) -> Option<Vec<Effect>> {
    let links = state.links();
    if links.is_empty() {
        return None;
    }
    let (_, url) = state.selected_link()?;
    if state.link_view != LinkView::Inline {
        // A QR code or the full link is open: the usual keys close it first.
        return match intent {
            Intent::ToggleQr if state.link_view == LinkView::Qr => close_view(state),
            Intent::FullLink if state.link_view == LinkView::Full => close_view(state),
            Intent::ToggleQr => {
                state.link_view = LinkView::Qr;
                Some(vec![])
            }
            Intent::FullLink => {
                state.link_view = LinkView::Full;
                Some(vec![])
            }
            Intent::Back | Intent::Next => close_view(state),
            Intent::CopyLink | Intent::OpenLink => link_action(state, intent, url),
            _ => Some(vec![]),
        };
    }
    match intent {
        Intent::Up | Intent::FocusPrev if links.len() > 1 => {
            state.link = (state.link + links.len() - 1) % links.len();
            state.notice = None;
            Some(vec![])
        }
        Intent::Down | Intent::FocusNext if links.len() > 1 => {
            state.link = (state.link + 1) % links.len();
            state.notice = None;
            Some(vec![])
        }
        Intent::ToggleQr => {
            state.link_view = LinkView::Qr;
            Some(vec![])
        }
        Intent::FullLink => {
            state.link_view = LinkView::Full;
            Some(vec![])
        }
        Intent::OpenLink | Intent::CopyLink => link_action(state, intent, url),
        _ => None,
    }
}

fn close_view(state: &mut State) -> Option<Vec<Effect>> {
    state.link_view = LinkView::Inline;
    Some(vec![])
}

fn link_action(state: &mut State, intent: Intent, url: String) -> Option<Vec<Effect>> {
    if intent == Intent::CopyLink {
        state.notice = Some("copied the link (if your terminal allows clipboard access)".into());
        return Some(vec![Effect::CopyToClipboard(url)]);
    }
    match &state.browser_unavailable {
        Some(why) => {
            state.notice = Some(format!("cannot open a browser: {why}"));
            Some(vec![])
        }
        None => {
            state.notice = Some("opening the link in your browser…".into());
            Some(vec![Effect::OpenUrl(url)])
        }
    }
}

/// Every screen change starts with the first link, shown inline.
fn reset_links(state: &mut State) {
    state.link = 0;
    state.link_view = LinkView::Inline;
    state.notice = None;
}

fn quit(state: &mut State) -> Vec<Effect> {
    state.overlay = Overlay::None;
    state.exit = Some(Outcome::Cancelled);
    vec![Effect::Exit]
}

fn finish(state: &mut State) -> Vec<Effect> {
    state.exit = Some(match (&state.created, &state.rotation.result) {
        (Some(c), _) => Outcome::Created(Box::new(c.clone())),
        (None, Some(r)) => Outcome::Rotated(Box::new(r.clone())),
        (None, None) => Outcome::Cancelled,
    });
    vec![Effect::Exit]
}

/// Where the form opens: the token when everything else is filled in.
fn first_form_focus(state: &State) -> Field {
    if state.form.token.is_empty() && validate::name(state.form.name.value()).is_ok() {
        Field::Token
    } else {
        state.form.focus
    }
}

fn cycle<T: Copy + PartialEq>(items: &[T], current: T, forward: bool) -> T {
    let Some(i) = items.iter().position(|x| *x == current) else {
        return items.first().copied().unwrap_or(current);
    };
    let n = items.len();
    items[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

fn sign_in_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let s = &mut state.sign_in;
    if s.status == SignInStatus::Working {
        return vec![];
    }
    let fields = s.fields();
    match intent {
        Intent::Next => {
            if s.is_signed_in() {
                let next = after_sign_in(state);
                state.screen = state.sign_in.resume.take().unwrap_or(next);
                return vec![];
            }
            start_sign_in(state)
        }
        Intent::Back => {
            if state.has_user_input() {
                state.overlay = Overlay::ConfirmQuit;
                vec![]
            } else {
                quit(state)
            }
        }
        Intent::FocusNext | Intent::Down if !fields.is_empty() => {
            s.focus = cycle(&fields, s.focus, true);
            vec![]
        }
        Intent::FocusPrev | Intent::Up if !fields.is_empty() => {
            s.focus = cycle(&fields, s.focus, false);
            vec![]
        }
        Intent::Left | Intent::Right => {
            let forward = intent == Intent::Right;
            match s.focus {
                SignInField::Host => {
                    s.preset = cycle(&HostPreset::ALL, s.preset, forward);
                    signed_out(s);
                }
                SignInField::Method => {
                    s.method = cycle(&s.methods(), s.method, forward);
                    signed_out(s);
                }
                _ => edit_sign_in(
                    s,
                    if forward {
                        InputRequest::GoToNextChar
                    } else {
                        InputRequest::GoToPrevChar
                    },
                ),
            }
            vec![]
        }
        Intent::Edit(request) => {
            edit_sign_in(s, request);
            vec![]
        }
        Intent::ToggleReveal => {
            s.reveal = !s.reveal;
            vec![]
        }
        _ => vec![],
    }
}

/// Any change to the host or the credentials ends the session shown on screen.
fn signed_out(s: &mut SignIn) {
    if !matches!(s.status, SignInStatus::Working) {
        s.status = SignInStatus::Idle;
    }
    if s.env_source.is_some() {
        // The user is now choosing credentials by hand.
        s.env_source = None;
    }
}

fn edit_sign_in(s: &mut SignIn, request: InputRequest) {
    let changed = match s.focus {
        SignInField::CustomUrl => s.custom_url.handle(request).is_some_and(|c| c.value),
        SignInField::ClientId => s.client_id.handle(request).is_some_and(|c| c.value),
        SignInField::ClientSecret => s.client_secret.handle(request),
        SignInField::AccessToken => s.access_token.handle(request),
        SignInField::Host | SignInField::Method => false,
    };
    if changed {
        signed_out(s);
    }
}

fn start_sign_in(state: &mut State) -> Vec<Effect> {
    let s = &mut state.sign_in;
    let domain = match s.domain() {
        Ok(d) => d,
        Err(e) => {
            s.status = SignInStatus::Failed(vec![e]);
            s.focus = if s.preset == HostPreset::SelfHosted {
                SignInField::CustomUrl
            } else {
                SignInField::Host
            };
            return vec![];
        }
    };
    let with = if s.env_source.is_some() {
        SignInWith::Environment
    } else {
        match s.method {
            Method::Cli => SignInWith::Cli,
            Method::UniversalAuth => {
                let id = s.client_id.value().trim();
                if id.is_empty() || s.client_secret.expose().trim().is_empty() {
                    s.status = SignInStatus::Failed(vec![
                        "enter the client id and the client secret of a machine identity".into(),
                    ]);
                    s.focus = if id.is_empty() {
                        SignInField::ClientId
                    } else {
                        SignInField::ClientSecret
                    };
                    return vec![];
                }
                SignInWith::UniversalAuth {
                    client_id: id.to_string(),
                    client_secret: Secret::new(s.client_secret.expose().trim()),
                }
            }
            Method::AccessToken => {
                let token = s.access_token.expose().trim();
                if token.is_empty() || token.chars().any(char::is_control) {
                    s.status = SignInStatus::Failed(vec![
                        "paste an Infisical access token (one line)".into(),
                    ]);
                    s.focus = SignInField::AccessToken;
                    return vec![];
                }
                SignInWith::AccessToken(Secret::new(token))
            }
        }
    };
    s.status = SignInStatus::Working;
    vec![Effect::SignIn { domain, with }]
}

fn on_signed_in(state: &mut State, result: Result<SignedIn, Vec<String>>) -> Vec<Effect> {
    match result {
        Ok(signed_in) => {
            let s = &mut state.sign_in;
            // A new host means a new project list; a new session on the same host keeps it.
            let same_site = s.signed_in_site.as_deref() == Some(signed_in.site.as_str());
            s.signed_in_site = Some(signed_in.site.clone());
            s.status = SignInStatus::SignedIn {
                host: signed_in.site,
                via: signed_in.via,
            };
            let form = &mut state.form;
            match signed_in.projects {
                Ok(projects) => {
                    let wanted = form.project_query.value().trim().to_string();
                    if let Some(i) = projects.iter().position(|p| p.id == wanted) {
                        form.project_query = Input::default();
                        form.project_cursor = i;
                    } else if !same_site {
                        form.project_cursor = 0;
                    }
                    form.projects = if projects.is_empty() {
                        Projects::Unavailable("no secret-manager projects are visible to this identity; type a project id".into())
                    } else {
                        Projects::Loaded(projects)
                    };
                }
                Err(why) => form.projects = Projects::Unavailable(why),
            }
            // With credentials from the environment there is nothing to confirm twice.
            if state.screen == Screen::SignIn && state.sign_in.resume.is_some() {
                state.screen = state.sign_in.resume.take().unwrap_or(Screen::Review);
            }
            if state.mode == Mode::Rotate {
                state.rotation.connections = Connections::Loading;
                return vec![Effect::LoadConnections];
            }
        }
        Err(lines) => state.sign_in.status = SignInStatus::Failed(lines),
    }
    vec![]
}

/// The name is taken: switch to replacing the token of the connection that has it.
fn rotate_instead(state: &mut State) -> Vec<Effect> {
    let offered = state.form.server_errors.name.is_some()
        && state
            .rotation
            .target
            .as_ref()
            .is_some_and(|t| t.name == state.form.name.value().trim());
    if !offered {
        return vec![];
    }
    state.mode = Mode::Rotate;
    state.form.server_errors.name = None;
    state.form.focus = Field::Token;
    state.screen = if validate::token(state.form.token.expose()).is_ok() {
        Screen::Review
    } else {
        Screen::Form
    };
    vec![]
}

/// Where the flow goes after sign-in.
fn after_sign_in(state: &State) -> Screen {
    match state.mode {
        Mode::Create => Screen::Guide(0),
        Mode::Rotate => Screen::PickConnection,
    }
}

fn pick_connection_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let r = &mut state.rotation;
    match intent {
        Intent::Next => match r.selected().cloned() {
            Some(c) => {
                r.target = Some(c);
                r.error = None;
                state.screen = Screen::Guide(0);
            }
            None => r.error = Some("choose a connection (type to filter)".into()),
        },
        Intent::Back => state.screen = Screen::SignIn,
        Intent::Up | Intent::FocusPrev => r.cursor = r.cursor.saturating_sub(1),
        Intent::Down | Intent::FocusNext => {
            r.cursor = (r.cursor + 1).min(r.filtered().len().saturating_sub(1))
        }
        Intent::Edit(request) if r.filter.handle(request).is_some_and(|c| c.value) => r.cursor = 0,
        Intent::Left => {
            r.filter.handle(InputRequest::GoToPrevChar);
        }
        Intent::Right => {
            r.filter.handle(InputRequest::GoToNextChar);
        }
        _ => {}
    }
    vec![]
}

fn on_connections_loaded(
    state: &mut State,
    result: Result<Vec<crate::infisical::AppConnection>, String>,
) {
    let r = &mut state.rotation;
    r.connections = match result {
        Ok(list) => {
            // Preselect the connection named on the command line (by id, else by name).
            if let Some(wanted) = &r.wanted {
                match list
                    .iter()
                    .position(|c| &c.id == wanted)
                    .or_else(|| list.iter().position(|c| &c.name == wanted))
                {
                    Some(i) => r.cursor = i,
                    None => {
                        r.error = Some(format!(
                            "no Ona connection named {wanted} is visible; choose one"
                        ))
                    }
                }
            }
            Connections::Loaded(list)
        }
        Err(why) => Connections::Failed(why),
    };
}

/// Rotation from the form: only the token matters.
fn rotate_form_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Next => {
            state.form.show_required = true;
            if state.field_error(Field::Token).is_some() {
                return vec![];
            }
            if matches!(state.form.ona, OnaCheck::Rejected { .. })
                && !state.form.submit_rejected_armed
            {
                state.form.submit_rejected_armed = true;
                return vec![];
            }
            let effects = start_ona_check(state);
            state.screen = Screen::Review;
            effects
        }
        Intent::Back => {
            state.screen = Screen::Guide(guide::steps().len() - 1);
            vec![]
        }
        Intent::Edit(request) => {
            let form = &mut state.form;
            form.focus = Field::Token;
            if form.token.handle(request) {
                form.token_notice = None;
                form.server_errors.token = None;
                return token_changed(form, false);
            }
            vec![]
        }
        Intent::Left | Intent::Right => {
            let request = if intent == Intent::Left {
                InputRequest::GoToPrevChar
            } else {
                InputRequest::GoToNextChar
            };
            state.form.token.handle(request);
            vec![]
        }
        Intent::ToggleReveal => {
            state.form.reveal = !state.form.reveal;
            vec![]
        }
        _ => vec![],
    }
}

fn submit_rotation(state: &mut State) -> Vec<Effect> {
    if !state.sign_in.is_signed_in() {
        state.sign_in.resume = Some(Screen::Review);
        state.sign_in.status = SignInStatus::Failed(vec!["sign in to Infisical first".into()]);
        state.screen = Screen::SignIn;
        return vec![];
    }
    let (Some(target), Ok(token)) = (
        state.rotation.target.clone(),
        validate::token(state.form.token.expose()),
    ) else {
        state.screen = Screen::Form;
        return vec![];
    };
    state.attempt += 1;
    state.submit_error = None;
    state.screen = Screen::Submitting;
    vec![Effect::Rotate {
        attempt: state.attempt,
        connection_id: target.id,
        token: Secret::new(token),
    }]
}

fn on_rotated(
    state: &mut State,
    result: Result<crate::infisical::AppConnection, Error>,
) -> Vec<Effect> {
    match result {
        Ok(after) => {
            let before = state
                .rotation
                .target
                .clone()
                .unwrap_or_else(|| after.clone());
            let site = state
                .sign_in
                .signed_in_site
                .clone()
                .unwrap_or_else(|| state.sign_in.site_text());
            let effects = vec![Effect::SaveConfig {
                domain: state.sign_in.site_text(),
                project_id: after.project_id.clone().unwrap_or_default(),
                client_id: None,
                name: after.name.clone(),
                connection_id: after.id.clone(),
                token_expires: state.token_expiry().and_then(|e| e.date.clone()),
            }];
            state.rotation.result = Some(Rotated {
                before,
                after,
                site,
            });
            state.form.token.clear();
            state.screen = Screen::Done;
            effects
        }
        Err(Error::Api(api)) if api.is_token_error() => {
            let mut lines = vec![
                "Infisical did not accept the session; sign in again (the new token is kept)."
                    .to_string(),
            ];
            lines.extend(Error::Api(api).display_lines());
            state.sign_in.status = SignInStatus::Failed(lines);
            state.sign_in.resume = Some(Screen::Review);
            state.screen = Screen::SignIn;
            vec![]
        }
        Err(Error::Api(api)) if api.is_ona_rejection() => {
            state.form.server_errors.token = Some(api.message_lines().join(" "));
            state.screen = Screen::Form;
            vec![]
        }
        Err(Error::Api(api)) if api.status == 404 => {
            state.rotation.error = Some(format!(
                "that connection no longer exists: {}",
                api.message_lines().join(" ")
            ));
            state.rotation.target = None;
            state.rotation.connections = Connections::Loading;
            state.screen = Screen::PickConnection;
            vec![Effect::LoadConnections]
        }
        // Sending the same token again is harmless, so a failure is simply retried.
        Err(e) => {
            review_error(state, e.display_lines(), "Enter sends the new token again");
            vec![]
        }
    }
}

fn form_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let was = state.form.focus;
    let mut effects = form_intent_inner(state, intent);
    // Leaving the token field is the moment to ask Ona, if typing has not already.
    if was == Field::Token && state.form.focus != Field::Token && state.form.ona == OnaCheck::Idle {
        effects.extend(start_ona_check(state));
    }
    effects
}

fn form_intent_inner(state: &mut State, intent: Intent) -> Vec<Effect> {
    if intent == Intent::RotateInstead {
        return rotate_instead(state);
    }
    let form = &mut state.form;
    match intent {
        Intent::Next => continue_to_review(state),
        Intent::Back => {
            state.screen = Screen::Guide(guide::steps().len() - 1);
            vec![]
        }
        Intent::Up | Intent::Down if form.focus == Field::Project => {
            let n = form.filtered_projects().len();
            if n > 0 {
                form.project_cursor = if intent == Intent::Down {
                    (form.project_cursor + 1).min(n - 1)
                } else {
                    form.project_cursor.saturating_sub(1)
                };
                form.server_errors.project = None;
            }
            vec![]
        }
        Intent::FocusPrev | Intent::Up => {
            form.focus = cycle(&Field::ALL, form.focus, false);
            vec![]
        }
        Intent::FocusNext | Intent::Down => {
            form.focus = cycle(&Field::ALL, form.focus, true);
            vec![]
        }
        Intent::Left => {
            edit_form(form, InputRequest::GoToPrevChar);
            vec![]
        }
        Intent::Right => {
            edit_form(form, InputRequest::GoToNextChar);
            vec![]
        }
        Intent::Edit(request) => {
            if edit_form(form, request) && form.focus == Field::Token {
                return token_changed(form, false);
            }
            vec![]
        }
        Intent::ToggleReveal => {
            form.reveal = !form.reveal;
            vec![]
        }
        _ => vec![],
    }
}

/// After the token changed: forget the old verdict, and ask Ona again after a pause
/// (typing) or at once (a paste is the whole token).
fn token_changed(form: &mut Form, pasted: bool) -> Vec<Effect> {
    form.token_generation += 1;
    form.submit_rejected_armed = false;
    if form.ona == OnaCheck::Disabled {
        return vec![];
    }
    form.ona = OnaCheck::Idle;
    if pasted {
        return vec![];
    }
    vec![Effect::ScheduleOnaCheck {
        generation: form.token_generation,
    }]
}

fn start_ona_check(state: &mut State) -> Vec<Effect> {
    let form = &mut state.form;
    if form.ona != OnaCheck::Idle {
        return vec![];
    }
    let Ok(token) = validate::token(form.token.expose()) else {
        return vec![];
    };
    form.ona = OnaCheck::Checking;
    vec![Effect::CheckOnaToken {
        generation: form.token_generation,
        token: Secret::new(token),
    }]
}

fn on_ona_checked(
    state: &mut State,
    result: Result<crate::ona::TokenCheck, crate::ona::OnaError>,
    now: time::OffsetDateTime,
) {
    use crate::ona::{Expiry, OnaError};
    let form = &mut state.form;
    form.ona = match result {
        Ok(check) => {
            let expiry = match check.expiry {
                Expiry::Known(p) => ExpiryState::Known(TokenExpiry::from_record(&p, now)),
                Expiry::Choose(candidates) => {
                    form.pat_cursor = 0;
                    if state.screen == Screen::Form && state.overlay == Overlay::None {
                        state.overlay = Overlay::PickToken;
                    }
                    ExpiryState::Choosing(
                        candidates
                            .iter()
                            .map(|p| TokenExpiry::from_record(p, now))
                            .collect(),
                    )
                }
                Expiry::Unknown(why) => ExpiryState::Unknown(why),
            };
            OnaCheck::Valid {
                identity: check.identity,
                expiry,
            }
        }
        Err(OnaError::Rejected { code, message, .. }) => OnaCheck::Rejected { code, message },
        Err(other) => OnaCheck::Unreachable(other.to_string()),
    };
}

fn pick_token_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let OnaCheck::Valid { expiry, .. } = &mut state.form.ona else {
        state.overlay = Overlay::None;
        return vec![];
    };
    let ExpiryState::Choosing(candidates) = expiry else {
        state.overlay = Overlay::None;
        return vec![];
    };
    let n = candidates.len();
    match intent {
        Intent::Up | Intent::FocusPrev => {
            state.form.pat_cursor = state.form.pat_cursor.saturating_sub(1)
        }
        Intent::Down | Intent::FocusNext => {
            state.form.pat_cursor = (state.form.pat_cursor + 1).min(n.saturating_sub(1))
        }
        Intent::Next => {
            if let Some(chosen) = candidates.get(state.form.pat_cursor).cloned() {
                *expiry = ExpiryState::Known(chosen);
            }
            state.overlay = Overlay::None;
        }
        Intent::Back | Intent::No => {
            *expiry = ExpiryState::Skipped;
            state.overlay = Overlay::None;
        }
        Intent::Quit => return quit(state),
        _ => {}
    }
    vec![]
}

fn edit_form(form: &mut Form, request: InputRequest) -> bool {
    let changed = match form.focus {
        Field::Name => form.name.handle(request).is_some_and(|c| c.value),
        Field::Description => {
            // Refuse typing past the limit rather than letting the counter go red.
            let full = form.description.value().chars().count() >= validate::DESCRIPTION_MAX;
            if full && matches!(request, InputRequest::InsertChar(_)) {
                false
            } else {
                form.description.handle(request).is_some_and(|c| c.value)
            }
        }
        Field::Token => {
            let changed = form.token.handle(request);
            if changed {
                form.token_notice = None;
            }
            changed
        }
        Field::Project => {
            let changed = form.project_query.handle(request).is_some_and(|c| c.value);
            if changed {
                form.project_cursor = 0;
            }
            changed
        }
    };
    if changed {
        *form.server_errors.slot(form.focus) = None;
    }
    changed
}

fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if state.overlay != Overlay::None {
        return vec![];
    }
    match state.screen {
        Screen::Form => {
            let form = &mut state.form;
            match form.focus {
                Field::Token => {
                    if paste_token(&mut form.token, &mut form.token_notice, text) {
                        form.server_errors.token = None;
                        token_changed(form, true);
                        return start_ona_check(state);
                    }
                }
                field => {
                    // Plain fields take the first line only: a pasted newline never submits.
                    let line = first_line(text);
                    let input = match field {
                        Field::Name => &mut form.name,
                        Field::Description => &mut form.description,
                        _ => &mut form.project_query,
                    };
                    for c in line.chars() {
                        input.handle(InputRequest::InsertChar(c));
                    }
                    if field == Field::Project {
                        form.project_cursor = 0;
                    }
                }
            }
            *form.server_errors.slot(form.focus) = None;
        }
        Screen::SignIn => {
            let s = &mut state.sign_in;
            let mut notice = None;
            match s.focus {
                SignInField::ClientSecret => {
                    paste_token(&mut s.client_secret, &mut notice, text);
                }
                SignInField::AccessToken => {
                    paste_token(&mut s.access_token, &mut notice, text);
                }
                SignInField::CustomUrl | SignInField::ClientId => {
                    let line = first_line(text);
                    let input = if s.focus == SignInField::CustomUrl {
                        &mut s.custom_url
                    } else {
                        &mut s.client_id
                    };
                    for c in line.chars() {
                        input.handle(InputRequest::InsertChar(c));
                    }
                }
                _ => {}
            }
            if let Some(n) = notice.filter(|n| n.starts_with("refused")) {
                s.status = SignInStatus::Failed(vec![n]);
            } else {
                signed_out(s);
            }
        }
        _ => {}
    }
    vec![]
}

/// What a plain one-line field takes from a paste: the first line, without control
/// characters, bounded (a pasted newline never submits).
fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    line.chars()
        .filter(|c| !c.is_control())
        .take(1024)
        .collect()
}

/// A secret field takes the whole paste, trimmed, or nothing: a token with a line break or a
/// control character inside is refused with a message that does not echo it.
fn paste_token(field: &mut SecretInput, notice: &mut Option<String>, text: &str) -> bool {
    let trimmed = text.trim();
    let refusal = if trimmed.is_empty() {
        Some("the clipboard was empty".to_string())
    } else if trimmed.chars().any(char::is_control) {
        Some(format!(
            "refused the paste: {}",
            validate::TOKEN_NOT_ONE_LINE
        ))
    } else if trimmed.contains(char::REPLACEMENT_CHARACTER) {
        Some(format!("refused the paste: {}", validate::TOKEN_NOT_TEXT))
    } else if trimmed.chars().count() + field.char_count() > validate::TOKEN_MAX {
        Some(format!("refused the paste: {}", validate::TOKEN_TOO_LONG))
    } else {
        None
    };
    if let Some(r) = refusal {
        *notice = Some(r);
        return false;
    }
    field.insert_str(trimmed);
    *notice = Some(format!("pasted {} characters", trimmed.chars().count()));
    true
}

fn continue_to_review(state: &mut State) -> Vec<Effect> {
    state.form.show_required = true;
    if let Some(field) = Field::ALL
        .into_iter()
        .find(|f| state.field_error(*f).is_some())
    {
        state.form.focus = field;
        return vec![];
    }
    if state.form.chosen_project().is_none() {
        state.form.focus = Field::Project;
        return vec![];
    }
    // A token Ona rejected goes on only when the user insists (a second Enter).
    if matches!(state.form.ona, OnaCheck::Rejected { .. }) && !state.form.submit_rejected_armed {
        state.form.submit_rejected_armed = true;
        state.form.focus = Field::Token;
        return vec![];
    }
    let effects = start_ona_check(state);
    state.screen = Screen::Review;
    effects
}

fn submit(state: &mut State) -> Vec<Effect> {
    if !state.sign_in.is_signed_in() {
        state.sign_in.resume = Some(Screen::Review);
        state.sign_in.status = SignInStatus::Failed(vec!["sign in to Infisical first".into()]);
        state.screen = Screen::SignIn;
        return vec![];
    }
    let Some(request) = state.create_request() else {
        state.screen = Screen::Form;
        return continue_to_review(state);
    };
    state.attempt += 1;
    state.submit_error = None;
    state.screen = Screen::Submitting;
    vec![Effect::Submit {
        attempt: state.attempt,
        request,
        after_unknown_outcome: state.after_unknown_outcome,
    }]
}

fn on_submitted(
    state: &mut State,
    result: Result<crate::infisical::Created, CreateError>,
) -> Vec<Effect> {
    let error = match result {
        Ok(created) => {
            let project = state.form.chosen_project();
            let connection = created.connection;
            let effects = vec![Effect::SaveConfig {
                domain: state.sign_in.site_text(),
                project_id: connection.project_id.clone().unwrap_or_default(),
                client_id: match state.sign_in.method {
                    Method::UniversalAuth if !state.sign_in.client_id.value().trim().is_empty() => {
                        Some(state.sign_in.client_id.value().trim().to_string())
                    }
                    _ => None,
                },
                name: connection.name.clone(),
                connection_id: connection.id.clone(),
                token_expires: state.token_expiry().and_then(|e| e.date.clone()),
            }];
            state.created = Some(Created {
                project_name: project.and_then(|p| p.name),
                site: state
                    .sign_in
                    .signed_in_site
                    .clone()
                    .unwrap_or_else(|| state.sign_in.site_text()),
                connection,
                recovered: created.recovered,
                config_warning: None,
            });
            state.after_unknown_outcome = false;
            // The token has done its job; wipe it now rather than at exit.
            state.form.token.clear();
            state.screen = Screen::Done;
            return effects;
        }
        Err(e) => e,
    };
    state.after_unknown_outcome = matches!(error, CreateError::OutcomeUnknown { .. });
    let form = &mut state.form;
    match &error {
        CreateError::NameTaken(existing) => {
            form.server_errors.name = Some(format!(
                "{error} in this project: choose another name, or press Ctrl-O to replace that connection's token instead"
            ));
            form.focus = Field::Name;
            state.rotation.target = Some(existing.clone());
            state.screen = Screen::Form;
        }
        CreateError::Rejected(Error::Api(api)) if api.is_token_error() => {
            let s = &mut state.sign_in;
            let mut lines = vec![
                "Infisical did not accept the session; sign in again (your form values are kept)."
                    .to_string(),
            ];
            lines.extend(Error::Api(api.clone()).display_lines());
            s.status = SignInStatus::Failed(lines);
            s.resume = Some(Screen::Review);
            state.screen = Screen::SignIn;
        }
        CreateError::Rejected(Error::Api(api))
            if api.status == 400 || api.status == 422 || api.status == 403 =>
        {
            let lines = Error::Api(api.clone()).display_lines();
            let field = if api.is_duplicate_name() {
                Some(Field::Name)
            } else if api.is_ona_rejection() {
                Some(Field::Token)
            } else if api.is_project_not_found() || api.status == 403 {
                Some(Field::Project)
            } else {
                api.issue_paths().first().map(|p| match p.as_str() {
                    "name" => Field::Name,
                    "description" => Field::Description,
                    "credentials" => Field::Token,
                    _ => Field::Project,
                })
            };
            match field {
                Some(field) => {
                    for (f, text) in issues_by_field(api, field) {
                        *form.server_errors.slot(f) = Some(text);
                    }
                    form.focus = field;
                    state.screen = Screen::Form;
                }
                None => review_error(state, lines, "Enter sends again"),
            }
            if api.is_duplicate_name() {
                // Find the connection behind the name, so its token can be replaced instead.
                if let (Ok(name), Some(project)) = (
                    validate::name(state.form.name.value()),
                    state.form.chosen_project(),
                ) {
                    return vec![Effect::LookupExisting {
                        name: name.to_string(),
                        project_id: project.id,
                    }];
                }
            }
        }
        CreateError::NotCreated { .. } => review_error(
            state,
            error_lines(&error),
            "no connection was created: Enter sends the request again",
        ),
        CreateError::OutcomeUnknown { .. } => review_error(
            state,
            error_lines(&error),
            "it is not known whether the connection was created: Enter checks by name first and only sends again if it is absent",
        ),
        CreateError::Rejected(_) => review_error(state, error_lines(&error), "Enter sends again"),
    }
    vec![]
}

fn error_lines(error: &CreateError) -> Vec<String> {
    match error {
        CreateError::Rejected(e) => e.display_lines(),
        CreateError::NotCreated { cause } => {
            let mut lines = cause.display_lines();
            lines.push("Checked by name afterwards: no connection with this name exists.".into());
            lines
        }
        CreateError::OutcomeUnknown { cause, lookup } => {
            let mut lines = cause.display_lines();
            lines.push("Checking by name afterwards failed too:".into());
            lines.extend(lookup.display_lines());
            lines
        }
        CreateError::NameTaken(_) => vec![crate::sanitize::server_text(&error.to_string())],
    }
}

/// Puts each 422 issue beside its field; other errors go to the field they are about.
fn issues_by_field(api: &crate::infisical::ApiError, fallback: Field) -> Vec<(Field, String)> {
    match &api.message {
        crate::infisical::ApiMessage::Issues(issues) => issues
            .iter()
            .map(|i| {
                let field = match i.path.first().map(String::as_str) {
                    Some("name") => Field::Name,
                    Some("description") => Field::Description,
                    Some("credentials") => Field::Token,
                    Some("projectId") => Field::Project,
                    _ => fallback,
                };
                (field, crate::sanitize::server_text(&i.message))
            })
            .collect(),
        crate::infisical::ApiMessage::Text(_) => {
            let req = api
                .req_id()
                .map(|r| format!(", reqId {r}"))
                .unwrap_or_default();
            vec![(
                fallback,
                format!(
                    "{} (HTTP {}{req})",
                    api.message_lines().join(" "),
                    api.status
                ),
            )]
        }
    }
}

fn review_error(state: &mut State, lines: Vec<String>, hint: &str) {
    state.submit_error = Some(SubmitError {
        lines,
        hint: hint.into(),
    });
    state.screen = Screen::Review;
}
