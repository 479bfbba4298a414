//! The wizard's state: everything the screens show, nothing the driver owns (the HTTP
//! client, tasks). Values typed by the user live here and survive every screen change and
//! every error. Outside `wizard` the state is read-only: it changes only through
//! [`super::update`], so every state a test or a snapshot shows is one the program reaches.

use tui_input::Input;

use super::form::Form;
use super::msg::{Effect, Init, SignInWith};
use super::review::SubmitError;
use super::rotation::{Connections, Rotation};
use super::sign_in::{
    BrowserLogin, CliProbe, HostPreset, Method, SignIn, SignInField, SignInStatus,
};
use super::token_check::OnaCheck;
use crate::infisical::AppConnection;
use crate::secret::SecretInput;
use crate::session::remember::Record;
use crate::session::reminder::Reminder;
use crate::session::summary::{Created, InFlight, Rotated, SentBefore};
use crate::session::unsettled::LostAnswer;

/// Screens, in the order the user meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    /// Rotation only: which existing connection gets the new token.
    PickConnection,
    /// One of the Ona guide steps (index into `guide::steps()`).
    Guide(usize),
    Form,
    Review,
    Submitting,
    Done,
}

pub const STEP_COUNT: usize = 9;

impl Screen {
    /// 1-based position for "step i of n" when creating.
    pub fn step_number(self) -> usize {
        match self {
            Screen::SignIn | Screen::PickConnection => 1,
            Screen::Guide(i) => 2 + i,
            Screen::Form => 6,
            Screen::Review => 7,
            Screen::Submitting => 8,
            Screen::Done => 9,
        }
    }
}

/// What the wizard is for, with the data only that purpose has.
// One per state, never moved in a hot path: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Flow {
    Create {
        created: Option<Created>,
        /// The connection that holds the name, found taken by the lookup as the name
        /// settled or by Infisical's refusal.
        existing: Option<AppConnection>,
    },
    /// Replace the Ona token of an existing connection.
    Rotate(Box<Rotation>),
}

/// How the selected link of a screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkView {
    /// In the screen's text.
    Inline,
    /// As a QR code, for a phone.
    Qr,
    /// Alone and unshortened.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    ConfirmQuit,
    /// Which of the user's Ona tokens is the one pasted (for its expiry).
    PickToken,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Created(Box<Created>),
    Rotated(Box<Rotated>),
    Cancelled,
    /// The user quit while a create or rotation was in flight, or after its answer was lost:
    /// its outcome is unknown (unless the lookup on the way out found it).
    Abandoned(InFlight),
}

/// What demo mode shows: the sandbox's demo values are public, not secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    pub ona_token: String,
}

#[derive(Debug)]
pub struct State {
    pub(in crate::wizard) flow: Flow,
    pub(in crate::wizard) screen: Screen,
    pub(in crate::wizard) demo: Option<Demo>,
    pub(in crate::wizard) sign_in: SignIn,
    pub(in crate::wizard) form: Form,
    /// Increases with every submit; answers to older ones are ignored.
    pub(in crate::wizard) attempt: u64,
    /// The last create or rotation whose answer never came: it may have been carried out.
    pub(in crate::wizard) lost_answer: LostAnswer,
    pub(in crate::wizard) submit_error: Option<SubmitError>,
    pub(in crate::wizard) overlay: Overlay,
    /// The selected link on screens that show links, and how it is shown.
    pub(in crate::wizard) link: usize,
    pub(in crate::wizard) link_view: LinkView,
    /// Feedback about the last link action ("copied …", why a browser cannot be opened).
    pub(in crate::wizard) notice: Option<String>,
    /// Why `o` cannot open a browser here (SSH, no display); `None` when it can.
    pub(in crate::wizard) browser_unavailable: Option<String>,
    pub(in crate::wizard) spinner: usize,
    /// Ticks since the sign-in in flight started (0 when none is).
    pub(in crate::wizard) sign_in_ticks: u32,
    /// How far the body is scrolled, and what the last frame said about its size.
    pub(in crate::wizard) scroll: usize,
    pub(in crate::wizard) viewport: Option<super::scroll::Viewport>,
    pub(in crate::wizard) exit: Option<Outcome>,
    /// Something was typed or pasted on the sign-in screen (quitting then asks first).
    pub(in crate::wizard) typed_on_sign_in: bool,
}

pub const DEFAULT_NAME: &str = "ona";

/// Read access for the view, the driver and tests.
impl State {
    pub fn screen(&self) -> Screen {
        self.screen
    }
    pub fn flow(&self) -> &Flow {
        &self.flow
    }
    pub fn rotating(&self) -> bool {
        matches!(self.flow, Flow::Rotate(_))
    }
    /// The rotation's data, when rotating.
    pub fn rotation(&self) -> Option<&Rotation> {
        match &self.flow {
            Flow::Rotate(r) => Some(&**r),
            Flow::Create { .. } => None,
        }
    }
    /// The created connection, once there is one.
    pub fn created(&self) -> Option<&Created> {
        match &self.flow {
            Flow::Create { created, .. } => created.as_ref(),
            Flow::Rotate(_) => None,
        }
    }
    /// The connection that holds a taken name (Ctrl-O replaces its token instead).
    pub fn existing(&self) -> Option<&AppConnection> {
        match &self.flow {
            Flow::Create { existing, .. } => existing.as_ref(),
            Flow::Rotate(_) => None,
        }
    }
    pub fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }
    pub fn sign_in(&self) -> &SignIn {
        &self.sign_in
    }
    pub fn form(&self) -> &Form {
        &self.form
    }
    pub fn attempt(&self) -> u64 {
        self.attempt
    }
    pub fn submit_error(&self) -> Option<&SubmitError> {
        self.submit_error.as_ref()
    }
    pub fn overlay(&self) -> Overlay {
        self.overlay
    }
    pub fn link(&self) -> usize {
        self.link
    }
    pub fn link_view(&self) -> LinkView {
        self.link_view
    }
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }
    pub fn spinner(&self) -> usize {
        self.spinner
    }
    /// Whole seconds the sign-in in flight has been waiting for Infisical.
    pub fn sign_in_seconds(&self) -> u32 {
        self.sign_in_ticks / super::TICKS_PER_SECOND
    }
    /// How the wizard ended, once it has (taken by the driver).
    pub fn take_exit(&mut self) -> Option<Outcome> {
        self.exit.take()
    }
    /// The calendar reminder for the new token's expiry, once there is a result and the date
    /// is known.
    pub fn reminder(&self) -> Option<Reminder> {
        let expires = self
            .form
            .token_expiry()
            .and_then(|e| e.date.as_deref())
            .and_then(crate::session::reminder::parse_date)?;
        match &self.flow {
            Flow::Create {
                created: Some(c), ..
            } => Some(Reminder::for_created(c, expires)),
            Flow::Rotate(r) => r.result.as_ref().map(|r| Reminder::for_rotated(r, expires)),
            Flow::Create { .. } => None,
        }
    }

    /// The site the session belongs to, else the one chosen on the sign-in screen.
    pub fn site(&self) -> String {
        self.sign_in
            .signed_in_site
            .clone()
            .unwrap_or_else(|| self.sign_in.site_text())
    }
}

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
        let method = if init.client_id.is_some() || init.demo.is_some() {
            Method::UniversalAuth
        } else {
            Method::Browser
        };
        let mut sign_in = SignIn {
            preset,
            custom_url,
            method,
            cli: if init.cli_on_path {
                CliProbe::Checking
            } else {
                CliProbe::Missing
            },
            client_id: Input::new(init.client_id.clone().unwrap_or_default()),
            client_secret: SecretInput::with_value(
                init.client_secret.as_ref().map_or("", |s| s.expose()),
            ),
            access_token: SecretInput::default(),
            browser: BrowserLogin::Idle,
            browser_generation: 0,
            browser_token: SecretInput::default(),
            over_ssh: init.over_ssh,
            go_on_after_sign_in: false,
            focus: SignInField::Host,
            reveal: false,
            status: SignInStatus::Idle,
            env_source: init.env_source.clone(),
            resume: None,
            signed_in_site: None,
        };
        sign_in.focus = sign_in.first_empty_field();
        let mut effects = Vec::new();
        if let Ok(domain) = sign_in.domain() {
            if init.env_source.is_some() {
                sign_in.status = SignInStatus::Working;
                effects.push(Effect::SignIn {
                    domain: domain.clone(),
                    with: SignInWith::Environment,
                });
            }
            if init.cli_on_path {
                effects.push(Effect::ProbeCli { domain });
            }
        }
        let flow = if init.rotate {
            Flow::Rotate(Box::new(Rotation {
                connections: Connections::Loading,
                filter: Input::default(),
                cursor: 0,
                target: None,
                wanted: init.rotate_wanted,
                error: None,
                result: None,
                from_taken_name: false,
            }))
        } else {
            Flow::Create {
                created: None,
                existing: None,
            }
        };
        let form = Form::new(
            init.last_name.as_deref().unwrap_or(DEFAULT_NAME),
            init.project_id.as_deref().unwrap_or_default(),
            if init.skip_ona_check {
                OnaCheck::Disabled
            } else {
                OnaCheck::Idle
            },
        );
        let state = State {
            flow,
            screen: Screen::SignIn,
            demo: init.demo,
            sign_in,
            form,
            attempt: 0,
            lost_answer: LostAnswer::default(),
            submit_error: None,
            overlay: Overlay::None,
            link: 0,
            link_view: LinkView::Inline,
            notice: None,
            browser_unavailable: init.browser_unavailable,
            spinner: 0,
            sign_in_ticks: 0,
            scroll: 0,
            viewport: None,
            exit: None,
            typed_on_sign_in: false,
        };
        (state, effects)
    }

    /// "step i of n" for the current screen and flow. A rotation chosen on the form because
    /// the name was taken has no step to pick the connection: it keeps the create's numbers.
    pub fn step(&self) -> (usize, usize) {
        if self.rotation().is_none_or(|r| r.from_taken_name) {
            return (self.screen.step_number(), STEP_COUNT);
        }
        let i = match self.screen {
            Screen::SignIn => 1,
            Screen::PickConnection => 2,
            other => other.step_number() + 1,
        };
        (i, STEP_COUNT + 1)
    }

    /// Review is still waiting for Ona's check (and the expiry lookup that comes with it):
    /// what Review shows may still change, so Enter does not send yet.
    pub fn review_settling(&self) -> bool {
        self.screen == Screen::Review && self.form.ona == OnaCheck::Checking
    }

    /// What is known about earlier creates of this connection, for Review's header.
    pub fn sent_before(&self) -> SentBefore {
        self.lost_answer.sent_before(self.attempt > 0)
    }

    /// What leaving now would leave unknown: the write in flight, or else the last one whose
    /// answer was lost.
    pub fn unsettled(&self) -> Option<InFlight> {
        self.in_flight()
            .or_else(|| self.lost_answer.write().cloned())
    }

    /// The create or rotation that was sent and has not been answered yet.
    pub fn in_flight(&self) -> Option<InFlight> {
        if self.screen != Screen::Submitting {
            return None;
        }
        let site = self.site();
        Some(match &self.flow {
            // A rotation is only sent for a chosen connection.
            Flow::Rotate(r) => InFlight::rotation(r.target.as_ref()?, &site),
            Flow::Create { .. } => {
                let name = self.form.name.value().trim().to_string();
                let project_id = self.form.chosen_project().map(|p| p.id);
                InFlight {
                    rotation: false,
                    remember: Some(Box::new(create_record(
                        &self.sign_in,
                        &self.form,
                        &name,
                        project_id.clone(),
                        String::new(),
                    ))),
                    name,
                    project_id,
                    site,
                    found: None,
                }
            }
        })
    }

    /// Something is in flight, so the spinner should turn.
    pub fn busy(&self) -> bool {
        self.screen == Screen::Submitting
            || self.sign_in.status == SignInStatus::Working
            || self.sign_in.browser.active()
            || self.form.ona == OnaCheck::Checking
            || self.form.name_check == super::name_check::NameCheck::Checking
    }

    /// Whether quitting would throw away something the user typed.
    pub fn has_user_input(&self) -> bool {
        !self.form.token.is_empty()
            || !self.form.description.value().is_empty()
            || !self.sign_in.access_token.is_empty()
            || !self.sign_in.browser_token.is_empty()
            || self.typed_on_sign_in
            || (self.screen != Screen::SignIn && self.screen != Screen::Done)
    }
}

/// What the config keeps about a connection this wizard created (a free function, so it can
/// be called while the flow is borrowed).
pub(in crate::wizard) fn create_record(
    sign_in: &SignIn,
    form: &Form,
    name: &str,
    project_id: Option<String>,
    connection_id: String,
) -> Record {
    Record {
        site: sign_in.site_text(),
        project_id,
        client_id: sign_in.universal_auth_client_id(),
        name: name.to_string(),
        connection_id,
        token_expires: form.token_expiry().and_then(|e| e.date.clone()),
    }
}
