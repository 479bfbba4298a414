//! The wizard's state: everything the screens show, nothing the driver owns (the HTTP
//! client, the access token, tasks). Values typed by the user live here and survive every
//! screen change and every error.

use tui_input::Input;

use crate::infisical::{AppConnection, Domain, EU_CLOUD, Project, US_CLOUD};
use crate::secret::SecretInput;

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

/// What the wizard is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    /// Replace the Ona token of an existing connection.
    Rotate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Connections {
    Loading,
    Loaded(Vec<AppConnection>),
    Failed(String),
}

/// The rotation path: the connection whose token is replaced, and the outcome.
#[derive(Debug)]
pub struct Rotation {
    pub connections: Connections,
    /// Type-to-filter text of the connection list.
    pub filter: Input,
    pub cursor: usize,
    pub target: Option<AppConnection>,
    /// The connection named on the command line (name or id), chosen when the list arrives.
    pub wanted: Option<String>,
    pub error: Option<String>,
    pub result: Option<Rotated>,
}

impl Rotation {
    pub fn filtered(&self) -> Vec<&AppConnection> {
        let Connections::Loaded(all) = &self.connections else {
            return vec![];
        };
        let q = self.filter.value().trim().to_lowercase();
        all.iter()
            .filter(|c| {
                q.is_empty()
                    || c.name.to_lowercase().contains(&q)
                    || c.id.starts_with(&q)
                    || c.project
                        .as_ref()
                        .is_some_and(|p| p.name.to_lowercase().contains(&q))
            })
            .collect()
    }

    pub fn selected(&self) -> Option<&AppConnection> {
        let list = self.filtered();
        list.get(self.cursor.min(list.len().saturating_sub(1)))
            .copied()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rotated {
    pub before: AppConnection,
    pub after: AppConnection,
    pub site: String,
}

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
    UniversalAuth,
    AccessToken,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Cli => "Infisical CLI login",
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStatus {
    Idle,
    Working,
    Failed(Vec<String>),
    SignedIn { host: String, via: String },
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

    /// The methods offered, the CLI first when it works.
    pub fn methods(&self) -> Vec<Method> {
        match self.cli {
            CliProbe::Missing => vec![Method::UniversalAuth, Method::AccessToken],
            CliProbe::Works => vec![Method::Cli, Method::UniversalAuth, Method::AccessToken],
            _ => vec![Method::UniversalAuth, Method::AccessToken, Method::Cli],
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
        }
        fields
    }

    pub fn is_signed_in(&self) -> bool {
        matches!(self.status, SignInStatus::SignedIn { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Description,
    Token,
    Project,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Name,
        Field::Description,
        Field::Token,
        Field::Project,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Description => "Description",
            Field::Token => "Personal Access Token",
            Field::Project => "Project",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Projects {
    /// Not signed in yet, or the list is on its way.
    Loading,
    Loaded(Vec<Project>),
    /// Listing is not allowed or failed: the project id is typed by hand.
    Unavailable(String),
}

/// Errors Infisical reported for a field; cleared when the field is edited.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldErrors {
    pub name: Option<String>,
    pub description: Option<String>,
    pub token: Option<String>,
    pub project: Option<String>,
}

impl FieldErrors {
    pub fn get(&self, field: Field) -> Option<&String> {
        match field {
            Field::Name => self.name.as_ref(),
            Field::Description => self.description.as_ref(),
            Field::Token => self.token.as_ref(),
            Field::Project => self.project.as_ref(),
        }
    }

    pub fn slot(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::Name => &mut self.name,
            Field::Description => &mut self.description,
            Field::Token => &mut self.token,
            Field::Project => &mut self.project,
        }
    }
}

#[derive(Debug)]
pub struct Form {
    pub name: Input,
    pub description: Input,
    pub token: SecretInput,
    /// Type-to-filter text of the project picker; when nothing matches, or projects cannot
    /// be listed, it is the project id itself.
    pub project_query: Input,
    /// Index into the filtered project list.
    pub project_cursor: usize,
    pub projects: Projects,
    pub focus: Field,
    pub reveal: bool,
    pub server_errors: FieldErrors,
    /// Set after an attempt to continue, so empty required fields show why.
    pub show_required: bool,
    /// Short feedback under the token field ("pasted 40 characters", a refused paste).
    pub token_notice: Option<String>,
    /// Bumped on every change of the token, so a check of an older value is ignored.
    pub token_generation: u64,
    /// What Ona said about the token (the pre-check).
    pub ona: OnaCheck,
    /// Append the token's expiry date to the description.
    pub record_expiry: bool,
    /// Ona rejected the token and the user pressed Enter once: the next Enter goes on anyway.
    pub submit_rejected_armed: bool,
    /// Cursor in the list of candidate tokens when the expiry is ambiguous.
    pub pat_cursor: usize,
}

/// The direct check of the token with Ona, before anything is sent to Infisical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnaCheck {
    /// `--skip-ona-check`.
    Disabled,
    /// Not checked yet (no token, or typing).
    Idle,
    Checking,
    Valid {
        identity: crate::ona::Identity,
        expiry: ExpiryState,
    },
    Rejected {
        code: String,
        message: String,
    },
    /// A warning only: Infisical checks the token again when it is submitted.
    Unreachable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryState {
    Known(TokenExpiry),
    /// Several of the user's tokens could be this one.
    Choosing(Vec<TokenExpiry>),
    /// The user chose not to say which.
    Skipped,
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenExpiry {
    pub description: String,
    /// `YYYY-MM-DD`, or `None` for a token that never expires.
    pub date: Option<String>,
    /// Days left when it was checked.
    pub days_left: Option<i64>,
}

/// Under this many days the expiry is shown as a warning.
pub const EXPIRY_WARN_DAYS: i64 = 14;

impl TokenExpiry {
    pub fn from_record(p: &crate::ona::PatRecord, now: time::OffsetDateTime) -> TokenExpiry {
        TokenExpiry {
            description: p.description.clone(),
            date: p.expires_at.map(crate::ona::date_text),
            days_left: p.expires_at.map(|e| crate::ona::days_until(e, now)),
        }
    }

    pub fn text(&self) -> String {
        match (&self.date, self.days_left) {
            (Some(d), Some(n)) if n < 0 => format!("expired on {d}"),
            (Some(d), Some(0)) => format!("expires on {d} (today)"),
            (Some(d), Some(1)) => format!("expires on {d} (tomorrow)"),
            (Some(d), Some(n)) => format!("expires on {d} (in {n} days)"),
            _ => "never expires".into(),
        }
    }

    pub fn is_soon(&self) -> bool {
        self.days_left.is_some_and(|n| n < EXPIRY_WARN_DAYS)
    }
}

impl Form {
    pub fn filtered_projects(&self) -> Vec<&Project> {
        let Projects::Loaded(all) = &self.projects else {
            return vec![];
        };
        let q = self.project_query.value().trim().to_lowercase();
        all.iter()
            .filter(|p| {
                q.is_empty()
                    || p.name.to_lowercase().contains(&q)
                    || p.slug.to_lowercase().contains(&q)
                    || p.id.to_lowercase().starts_with(&q)
            })
            .collect()
    }

    /// The project the connection will be created in: the highlighted match, or the typed id.
    pub fn chosen_project(&self) -> Option<ChosenProject> {
        let filtered = self.filtered_projects();
        if let Some(p) = filtered.get(self.project_cursor.min(filtered.len().saturating_sub(1))) {
            return Some(ChosenProject {
                id: p.id.clone(),
                name: Some(p.name.clone()),
                org_id: Some(p.org_id.clone()),
            });
        }
        let typed = self.project_query.value().trim();
        (!typed.is_empty() && !matches!(self.projects, Projects::Loading)).then(|| ChosenProject {
            id: typed.to_string(),
            name: None,
            org_id: None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChosenProject {
    pub id: String,
    pub name: Option<String>,
    pub org_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitError {
    pub lines: Vec<String>,
    /// What Enter does now ("send again", "check again").
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub connection: AppConnection,
    pub recovered: bool,
    pub project_name: Option<String>,
    pub site: String,
    /// Set when remembering the choices in the config file failed (the connection exists).
    pub config_warning: Option<String>,
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
}

#[derive(Debug)]
pub struct State {
    pub mode: Mode,
    pub rotation: Rotation,
    pub screen: Screen,
    pub demo: Option<Demo>,
    pub sign_in: SignIn,
    pub form: Form,
    /// Increases with every submit; answers to older ones are ignored.
    pub attempt: u64,
    /// The last create ended without an answer; the next one looks the name up first.
    pub after_unknown_outcome: bool,
    pub submit_error: Option<SubmitError>,
    pub created: Option<Created>,
    pub overlay: Overlay,
    /// The selected link on screens that show links, and how it is shown.
    pub link: usize,
    pub link_view: LinkView,
    /// Feedback about the last link action ("copied …", why a browser cannot be opened).
    pub notice: Option<String>,
    /// Why `o` cannot open a browser here (SSH, no display); `None` when it can.
    pub browser_unavailable: Option<String>,
    pub spinner: usize,
    pub exit: Option<Outcome>,
}

/// What demo mode shows: the sandbox's demo values are public, not secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    pub ona_token: String,
}
