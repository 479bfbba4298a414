//! Step 1: which Infisical, and how to sign in to it.

use tui_input::{Input, InputRequest};

pub use super::browser_sign_in::BrowserLogin;
use super::fields::{cycle, paste_one_line, paste_secret};
use super::msg::{Effect, Intent, SignInWith, SignedIn};
use super::rotation::Connections;
use super::state::{Flow, Screen, State};
use crate::infisical::{Domain, EU_CLOUD, US_CLOUD};
use crate::secret::{Secret, SecretInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostPreset {
    UsCloud,
    EuCloud,
    SelfHosted,
}

impl HostPreset {
    pub const ALL: [HostPreset; 3] = [
        HostPreset::UsCloud,
        HostPreset::EuCloud,
        HostPreset::SelfHosted,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HostPreset::UsCloud => "US cloud",
            HostPreset::EuCloud => "EU cloud",
            HostPreset::SelfHosted => "Self-hosted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Reuse the Infisical CLI's user login.
    Cli,
    /// The web app hands its session over (loopback POST or paste).
    Browser,
    UniversalAuth,
    AccessToken,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Cli => "Infisical CLI login",
            Method::Browser => "Browser",
            Method::UniversalAuth => "Universal Auth",
            Method::AccessToken => "Access token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliProbe {
    /// No `infisical` executable on PATH.
    Missing,
    Checking,
    Works,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInField {
    Host,
    CustomUrl,
    Method,
    ClientId,
    ClientSecret,
    AccessToken,
    /// The token the web app's page shows when its POST cannot reach this machine.
    BrowserToken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStatus {
    Idle,
    /// Nothing was sent: a field the method needs is empty or unusable (says which).
    Incomplete(String),
    Working,
    Failed(Vec<String>),
    SignedIn {
        host: String,
        via: String,
        /// Whose session it is, for user sessions.
        who: Option<String>,
    },
}

#[derive(Debug)]
pub struct SignIn {
    pub preset: HostPreset,
    pub custom_url: Input,
    pub method: Method,
    pub cli: CliProbe,
    pub client_id: Input,
    pub client_secret: SecretInput,
    pub access_token: SecretInput,
    pub browser: BrowserLogin,
    /// Bumped with every listener started or abandoned: answers of older ones are ignored.
    pub browser_generation: u64,
    pub browser_token: SecretInput,
    /// `SSH_CONNECTION` is set: the browser's POST reaches the browser's machine, not this one.
    pub over_ssh: bool,
    /// The user started this sign-in, so its success goes straight on (credentials from the
    /// environment get a confirmation: the user did not choose that host).
    pub go_on_after_sign_in: bool,
    pub focus: SignInField,
    pub reveal: bool,
    pub status: SignInStatus,
    /// Credentials come from this environment variable; the form is not needed.
    pub env_source: Option<String>,
    /// Where to go after a successful sign-in (back to Review after a token error).
    pub resume: Option<Screen>,
    /// The host the current session belongs to.
    pub signed_in_site: Option<String>,
}

impl SignIn {
    pub fn site_text(&self) -> String {
        match self.preset {
            HostPreset::UsCloud => US_CLOUD.into(),
            HostPreset::EuCloud => EU_CLOUD.into(),
            HostPreset::SelfHosted => self.custom_url.value().trim().into(),
        }
    }

    pub fn domain(&self) -> Result<Domain, String> {
        Domain::parse(&self.site_text()).map_err(|e| e.to_string())
    }

    /// The methods offered: the CLI first when it works, else the browser.
    pub fn methods(&self) -> Vec<Method> {
        use Method::*;
        match self.cli {
            CliProbe::Missing => vec![Browser, UniversalAuth, AccessToken],
            CliProbe::Works => vec![Cli, Browser, UniversalAuth, AccessToken],
            _ => vec![Browser, UniversalAuth, AccessToken, Cli],
        }
    }

    /// Focusable rows in order; which ones exist depends on the choices made.
    pub fn fields(&self) -> Vec<SignInField> {
        if self.env_source.is_some() && !matches!(self.status, SignInStatus::Failed(_)) {
            return vec![];
        }
        let mut fields = vec![SignInField::Host];
        if self.preset == HostPreset::SelfHosted {
            fields.push(SignInField::CustomUrl);
        }
        fields.push(SignInField::Method);
        match self.method {
            Method::Cli => {}
            Method::UniversalAuth => {
                fields.extend([SignInField::ClientId, SignInField::ClientSecret])
            }
            Method::AccessToken => fields.push(SignInField::AccessToken),
            Method::Browser => fields.push(SignInField::BrowserToken),
        }
        fields
    }

    /// The Universal Auth client id in use, worth remembering for the next run.
    pub fn universal_auth_client_id(&self) -> Option<String> {
        let id = self.client_id.value().trim();
        (self.method == Method::UniversalAuth && !id.is_empty()).then(|| id.to_string())
    }

    pub fn is_signed_in(&self) -> bool {
        matches!(self.status, SignInStatus::SignedIn { .. })
    }

    /// Whether the focused row takes typed text (so letters are not shortcuts there).
    pub fn typing(&self) -> bool {
        !matches!(self.focus, SignInField::Host | SignInField::Method) && !self.fields().is_empty()
    }

    pub(super) fn first_empty_field(&self) -> SignInField {
        let empty = |f: &SignInField| match f {
            SignInField::CustomUrl => self.custom_url.value().is_empty(),
            SignInField::ClientId => self.client_id.value().is_empty(),
            SignInField::ClientSecret => self.client_secret.is_empty(),
            SignInField::AccessToken => self.access_token.is_empty(),
            // The browser's POST usually makes the paste unnecessary.
            _ => false,
        };
        self.fields()
            .into_iter()
            .find(empty)
            .unwrap_or(SignInField::Host)
    }

    /// Any change to the host or the credentials ends the session shown on screen.
    fn signed_out(&mut self) {
        if !matches!(self.status, SignInStatus::Working) {
            self.status = SignInStatus::Idle;
        }
        // The user is now choosing credentials by hand.
        self.env_source = None;
    }

    /// Another host or method: the session shown ends, and so does a browser hand-off
    /// (it was for the other host).
    fn changed_where_or_how(&mut self) -> Vec<Effect> {
        self.signed_out();
        self.abandon_browser()
    }

    fn edit(&mut self, request: InputRequest) -> Vec<Effect> {
        let changed = match self.focus {
            SignInField::CustomUrl => self.custom_url.handle(request).is_some_and(|c| c.value),
            SignInField::ClientId => self.client_id.handle(request).is_some_and(|c| c.value),
            SignInField::ClientSecret => self.client_secret.handle(request),
            SignInField::AccessToken => self.access_token.handle(request),
            SignInField::BrowserToken => self.browser_token.handle(request),
            SignInField::Host | SignInField::Method => false,
        };
        if !changed {
            return vec![];
        }
        if self.focus == SignInField::CustomUrl {
            return self.changed_where_or_how();
        }
        self.signed_out();
        vec![]
    }
}

pub(super) fn intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let s = &mut state.sign_in;
    if s.status == SignInStatus::Working {
        return vec![];
    }
    let fields = s.fields();
    match intent {
        Intent::Next => {
            if s.is_signed_in() {
                go_on(state);
                return vec![];
            }
            start(state)
        }
        Intent::Back => super::ask_to_quit(state),
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
                    s.changed_where_or_how()
                }
                SignInField::Method => {
                    s.method = cycle(&s.methods(), s.method, forward);
                    s.changed_where_or_how()
                }
                _ => s.edit(if forward {
                    InputRequest::GoToNextChar
                } else {
                    InputRequest::GoToPrevChar
                }),
            }
        }
        Intent::Edit(request) => s.edit(request),
        Intent::ToggleReveal => {
            s.reveal = !s.reveal;
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn paste(state: &mut State, text: &str) {
    let s = &mut state.sign_in;
    let mut notice = None;
    // With the browser method, a paste anywhere on the screen is the page's token.
    if s.method == Method::Browser && matches!(s.focus, SignInField::Host | SignInField::Method) {
        s.focus = SignInField::BrowserToken;
    }
    match s.focus {
        SignInField::ClientSecret => {
            paste_secret(&mut s.client_secret, &mut notice, text);
        }
        SignInField::AccessToken => {
            paste_secret(&mut s.access_token, &mut notice, text);
        }
        SignInField::BrowserToken => {
            // A new paste is a new try: it replaces the last one.
            s.browser_token.clear();
            paste_secret(&mut s.browser_token, &mut notice, text);
        }
        SignInField::CustomUrl => {
            paste_one_line(&mut s.custom_url, &mut notice, text);
        }
        SignInField::ClientId => {
            paste_one_line(&mut s.client_id, &mut notice, text);
        }
        SignInField::Host | SignInField::Method => {}
    }
    if let Some(n) = notice.filter(|n| n.starts_with("refused")) {
        s.status = SignInStatus::Failed(vec![n]);
    } else {
        s.signed_out();
    }
}

fn start(state: &mut State) -> Vec<Effect> {
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
            Method::Browser => return super::browser_sign_in::start(state, domain),
            Method::Cli => SignInWith::Cli,
            Method::UniversalAuth => {
                let id = s.client_id.value().trim();
                if id.is_empty() || s.client_secret.expose().trim().is_empty() {
                    let (field, what) = if id.is_empty() {
                        (
                            SignInField::ClientId,
                            "The client ID is empty: enter the client id of a machine identity (Organization → Access Control → Identities).",
                        )
                    } else {
                        (
                            SignInField::ClientSecret,
                            "The client secret is empty: enter the machine identity's client secret.",
                        )
                    };
                    s.status = SignInStatus::Incomplete(what.into());
                    s.focus = field;
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
                    s.status = SignInStatus::Incomplete(if token.is_empty() {
                        "The access token field is empty: paste an Infisical access token.".into()
                    } else {
                        "The access token must be one line: paste it again.".into()
                    });
                    s.focus = SignInField::AccessToken;
                    return vec![];
                }
                SignInWith::AccessToken(Secret::new(token))
            }
        }
    };
    s.status = SignInStatus::Working;
    s.go_on_after_sign_in = !matches!(with, SignInWith::Environment);
    let mut effects = s.abandon_browser();
    effects.push(Effect::SignIn { domain, with });
    effects
}

pub(super) fn on_cli_probed(state: &mut State, result: Result<(), String>) {
    let s = &mut state.sign_in;
    s.cli = match result {
        Ok(()) => CliProbe::Works,
        Err(e) => CliProbe::Failed(e),
    };
    // Offer the CLI first when it works and the user has not chosen anything yet.
    let untouched = s.client_id.value().is_empty()
        && s.access_token.is_empty()
        && s.browser == BrowserLogin::Idle
        && s.browser_token.is_empty();
    if s.cli == CliProbe::Works && untouched && state.demo.is_none() {
        s.method = Method::Cli;
        s.focus = SignInField::Host;
    }
}

pub(super) fn on_signed_in(
    state: &mut State,
    result: Result<SignedIn, Vec<String>>,
) -> Vec<Effect> {
    let signed_in = match result {
        Ok(s) => s,
        Err(lines) => {
            state.sign_in.status = SignInStatus::Failed(lines);
            return vec![];
        }
    };
    let s = &mut state.sign_in;
    // A new host means a new project list; a new session on the same host keeps it.
    let same_site = s.signed_in_site.as_deref() == Some(signed_in.site.as_str());
    s.signed_in_site = Some(signed_in.site.clone());
    s.status = SignInStatus::SignedIn {
        host: signed_in.site,
        via: signed_in.via,
        who: signed_in.who,
    };
    let mut effects = s.abandon_browser();
    state.form.projects_arrived(signed_in.projects, same_site);
    // After a session expired mid-way, go straight back to where the user was; after a
    // sign-in the user started, straight on.
    if state.screen == Screen::SignIn
        && (state.sign_in.resume.is_some() || state.sign_in.go_on_after_sign_in)
    {
        go_on(state);
        super::links::reset(state);
    }
    if let Flow::Rotate(r) = &mut state.flow {
        r.connections = Connections::Loading;
        effects.push(Effect::LoadConnections);
    }
    effects
}

/// From a finished sign-in to where the user was going.
fn go_on(state: &mut State) {
    let next = if state.rotating() {
        Screen::PickConnection
    } else {
        Screen::Guide(0)
    };
    state.screen = state.sign_in.resume.take().unwrap_or(next);
}

/// Sends the user to sign in, then back to Review (the session expired or is missing).
pub(super) fn sign_in_again(state: &mut State, lines: Vec<String>) {
    state.sign_in.status = SignInStatus::Failed(lines);
    state.sign_in.resume = Some(Screen::Review);
    state.screen = Screen::SignIn;
}
