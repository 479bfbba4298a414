//! What goes into `update` and what comes out: intents (keys already mapped per screen),
//! messages (intents, pastes and the results of the driver's work) and effects (work for the
//! driver). Plus [`Init`], what the wizard starts from.

use std::fmt;

use tui_input::InputRequest;

use super::Demo;
use crate::infisical::{CreateError, CreateRequest, Domain, Error};
use crate::secret::Secret;
pub use crate::session::credentials::SignInWith;
use crate::session::remember::Record;
pub use crate::session::sign_in::SignedIn;

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
    /// Ctrl-Z: stop, as in any terminal program; `fg` continues.
    Suspend,
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
    /// Scroll the body of a screen that does not fit: a row, or a page.
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    /// On the result: write a calendar reminder for the token's expiry.
    WriteReminder,
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
            Intent::Suspend => f.write_str("Suspend"),
            Intent::Yes => f.write_str("Yes"),
            Intent::No => f.write_str("No"),
            Intent::OpenLink => f.write_str("OpenLink"),
            Intent::CopyLink => f.write_str("CopyLink"),
            Intent::ToggleQr => f.write_str("ToggleQr"),
            Intent::FullLink => f.write_str("FullLink"),
            Intent::ToggleRecordExpiry => f.write_str("ToggleRecordExpiry"),
            Intent::RotateInstead => f.write_str("RotateInstead"),
            Intent::ScrollUp => f.write_str("ScrollUp"),
            Intent::ScrollDown => f.write_str("ScrollDown"),
            Intent::PageUp => f.write_str("PageUp"),
            Intent::PageDown => f.write_str("PageDown"),
            Intent::WriteReminder => f.write_str("WriteReminder"),
        }
    }
}

// Messages are few and short-lived; boxing the large one would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(Intent),
    /// Bracketed paste: the whole text at once.
    Paste(String),
    /// Spinner frame; the driver sends it only while something is in flight.
    Tick,
    /// What the frame just drawn showed of the body (for scrolling).
    Viewport(super::scroll::Viewport),
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
    /// The browser sign-in's listener is up on this port (or could not start).
    BrowserListening {
        generation: u64,
        result: Result<u16, String>,
    },
    /// The web app handed its session over, or the listener gave up.
    BrowserHandedOver {
        generation: u64,
        result: Result<Secret, crate::session::browser_login::HandoffError>,
    },
    /// The name or project has settled: time to look the name up.
    NameCheckDue {
        generation: u64,
    },
    /// Infisical's answer: the connection that holds the name in the project, if any.
    NameChecked {
        generation: u64,
        result: Result<Option<crate::infisical::AppConnection>, String>,
    },
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
            Msg::Viewport(v) => write!(f, "Viewport({v:?})"),
            Msg::CliProbed(r) => write!(f, "CliProbed({r:?})"),
            Msg::SignInFinished(r) => write!(f, "SignInFinished({r:?})"),
            Msg::SubmitFinished { attempt, result } => {
                write!(f, "SubmitFinished({attempt}, {result:?})")
            }
            Msg::ConfigSaveFailed(e) => write!(f, "ConfigSaveFailed({e:?})"),
            Msg::Notice(n) => write!(f, "Notice({n:?})"),
            Msg::OnaCheckDue { generation } => write!(f, "OnaCheckDue({generation})"),
            Msg::BrowserListening { generation, result } => {
                write!(f, "BrowserListening({generation}, {result:?})")
            }
            Msg::BrowserHandedOver { generation, result } => write!(
                f,
                "BrowserHandedOver({generation}, {:?})",
                result.as_ref().map(|_| "<redacted>")
            ),
            Msg::NameCheckDue { generation } => write!(f, "NameCheckDue({generation})"),
            Msg::NameChecked { generation, result } => write!(
                f,
                "NameChecked({generation}, {:?})",
                result.as_ref().map(|c| c.as_ref().map(|c| &c.id))
            ),
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
    /// Listen on 127.0.0.1 for the web app's hand-off to this host (one at a time).
    ListenForBrowser {
        generation: u64,
        domain: Domain,
    },
    /// Stop the listener (another host or method, or signed in).
    StopBrowserListener,
    Submit {
        attempt: u64,
        request: CreateRequest,
        after_unknown_outcome: bool,
    },
    /// Remember the non-secret facts of a finished create or rotation.
    Remember(Record),
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
    /// Wake up with `NameCheckDue` after a pause (a newer schedule replaces it).
    ScheduleNameCheck {
        generation: u64,
    },
    /// Look the name up in the project (is it taken?).
    CheckName {
        generation: u64,
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
    /// Write the calendar file `file_name` (in the working directory) for these reminders,
    /// time-stamped by the driver's clock; the outcome comes back as a notice.
    WriteReminder {
        file_name: String,
        reminders: Vec<crate::session::reminder::Reminder>,
    },
    /// Open a URL in the local browser.
    OpenUrl(String),
    /// Put a URL (never a secret) on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Stop the program with the terminal restored (Ctrl-Z); SIGCONT continues it.
    Suspend,
    /// Leave the event loop; the outcome is in `state.exit`.
    Exit,
}

/// What the wizard starts from; built by the binary from settings.
#[derive(Debug, Default)]
pub struct Init {
    pub site: String,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub last_name: Option<String>,
    /// Name of the variable that provides credentials, if any.
    pub env_source: Option<String>,
    pub cli_on_path: bool,
    pub demo: Option<Demo>,
    /// `SSH_CONNECTION` is set: the browser sign-in says to paste (or forward the port).
    pub over_ssh: bool,
    /// Why no local browser can be opened (SSH session, no display).
    pub browser_unavailable: Option<String>,
    /// `--skip-ona-check`: do not ask Ona about the token.
    pub skip_ona_check: bool,
    /// Replace the token of an existing connection instead of creating one.
    pub rotate: bool,
    /// The connection to rotate (name or id), when given on the command line.
    pub rotate_wanted: Option<String>,
}
