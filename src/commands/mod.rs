//! The non-interactive commands: `create`, `list`, `rotate`, `status`, `completions` and
//! `man`. They share the wizard's rules and client. Results go to stdout; errors go to stderr
//! as one readable line each (and, with `--json`, also as one JSON object).

use std::io::IsTerminal;

use crate::cli::{EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_OUTCOME_UNKNOWN, EXIT_USAGE, Global};
use crate::config::Settings;
use crate::infisical::{Client, CreateError, Error};
use crate::prompt::{self, PromptError};
use crate::secret::Secret;
use crate::session::credentials::{self, Chosen};
use crate::session::{ona_check, sign_in};
use crate::{sanitize, validate};

mod create;
mod list;
mod rotate;
mod status;

pub use create::create;
pub use list::list;
pub use rotate::rotate;
pub use status::status;

/// Why a command failed: its exit status, one readable line, and the same as JSON.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub line: String,
    pub json: serde_json::Value,
}

impl Failure {
    pub fn usage(line: impl Into<String>) -> Failure {
        let line = line.into();
        Failure {
            code: EXIT_USAGE,
            json: serde_json::json!({ "error": "UsageError", "message": line }),
            line,
        }
    }

    pub(super) fn failed(line: impl Into<String>) -> Failure {
        let line = line.into();
        Failure {
            code: EXIT_FAILURE,
            json: serde_json::json!({ "error": "Failed", "message": line }),
            line,
        }
    }

    /// A write sent whose outcome nobody knows: what went wrong, and how to check.
    pub(super) fn outcome_unknown(
        error: &impl std::fmt::Display,
        write: &crate::session::summary::InFlight,
    ) -> Failure {
        let line = format!(
            "{}; {}",
            sanitize::for_terminal(&error.to_string(), 1000),
            crate::session::summary::in_flight_line(write)
        );
        Failure {
            code: EXIT_OUTCOME_UNKNOWN,
            json: serde_json::json!({ "error": "OutcomeUnknown", "message": line }),
            line,
        }
    }

    /// The exit status of a command's result; a failure is reported first.
    pub fn reported(result: Result<i32, Failure>, json: bool) -> i32 {
        result.unwrap_or_else(|f| f.report(json))
    }

    /// Prints the failure to stderr and gives the exit status.
    pub fn report(self, json: bool) -> i32 {
        eprintln!("ona-connect: {}", self.line);
        if json {
            eprintln!("{}", sanitize::json(&self.json, false));
        }
        self.code
    }
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Failure {
        let line = sanitize::for_terminal(&e.to_string(), 1000);
        match e {
            Error::Api(api) => Failure {
                // A request Infisical refused as malformed is a usage error; the rest are failures.
                code: if api.status == 422 {
                    EXIT_USAGE
                } else {
                    EXIT_FAILURE
                },
                // The server's values as it sent them; `report` escapes what needs it.
                json: serde_json::json!({
                    "status": api.status,
                    "error": api.error,
                    "message": api.raw_message_lines(),
                    "reqId": api.req_id.as_deref(),
                }),
                line,
            },
            Error::Domain(_) | Error::CaFile { .. } => Failure::usage(line),
            _ => Failure::failed(line),
        }
    }
}

impl From<&CreateError> for Failure {
    fn from(e: &CreateError) -> Failure {
        match e {
            CreateError::Rejected(err) => Failure::from(err),
            other => Failure::failed(sanitize::for_terminal(&other.to_string(), 1000)),
        }
    }
}

impl From<PromptError> for Failure {
    fn from(e: PromptError) -> Failure {
        match e {
            PromptError::Cancelled => Failure {
                code: EXIT_CANCELLED,
                json: serde_json::json!({ "error": "Cancelled", "message": "cancelled" }),
                line: "cancelled".into(),
            },
            other => Failure::usage(other.to_string()),
        }
    }
}

/// The Ona token from stdin (one line, trimmed); without echo when stdin is a terminal.
pub(super) fn token_from_stdin() -> Result<Secret, Failure> {
    let question = if std::io::stdin().is_terminal() {
        "Ona Personal Access Token (input hidden): "
    } else {
        ""
    };
    let raw = prompt::ask_secret(question).map_err(|e| match e {
        PromptError::NotText => Failure::usage(format!("the token on stdin: {e}")),
        e => Failure::from(e),
    })?;
    validate::token(&raw)
        .map(Secret::new)
        .map_err(|e| Failure::usage(format!("the token on stdin: {e}")))
}

/// A client signed in with the credentials from the environment, or else the Infisical CLI's
/// login; fails at once (usage) when there are none, naming the variables.
pub async fn signed_in_client(global: &Global, settings: &Settings) -> Result<Client, Failure> {
    let chosen = credentials(settings).await?;
    sign_in_with(global, settings, chosen).await
}

/// The credentials to sign in with, found without contacting Infisical.
pub(super) async fn credentials(settings: &Settings) -> Result<Chosen, Failure> {
    credentials::without_asking(settings)
        .await
        .map_err(Failure::usage)
}

pub(super) async fn sign_in_with(
    global: &Global,
    settings: &Settings,
    chosen: Chosen,
) -> Result<Client, Failure> {
    let options = crate::session::network(global).options(settings.domain.clone());
    sign_in::client(options, chosen)
        .await
        .map_err(|e| Failure::from(&e))
}

/// Asks Ona about the token first (unless switched off): a rejected token stops the command
/// before anything reaches Infisical; an Ona that cannot be asked is a warning. Also looks the
/// token's expiry up, as the wizard does, so scripts get expiry tracking too.
pub(super) async fn ona_precheck(
    global: &Global,
    token: &Secret,
) -> Result<Option<ona_check::TokenExpiry>, Failure> {
    let Some(base) = crate::session::ona_api(global).map_err(Failure::usage)? else {
        return Ok(None);
    };
    let now = time::OffsetDateTime::now_utc();
    let warn = |why: &str| eprintln!("ona-connect: warning: {why}");
    match ona_check::check(base, token, now).await {
        Ok(check) => Ok(match ona_check::expiry_state(check.expiry, now) {
            ona_check::ExpiryState::Known(expiry) => Some(expiry),
            ona_check::ExpiryState::Choosing(_) => {
                warn("several of your Ona tokens could be this one, so its expiry is not recorded");
                None
            }
            ona_check::ExpiryState::Unknown(why) => {
                warn(&why);
                None
            }
            ona_check::ExpiryState::Skipped => None,
        }),
        Err(e @ crate::ona::OnaError::Rejected { .. }) => Err(Failure {
            code: EXIT_FAILURE,
            json: serde_json::json!({ "error": "OnaRejected", "message": e.to_string() }),
            line: format!(
                "{e}; nothing was sent to Infisical (use --skip-ona-check to send it anyway)"
            ),
        }),
        Err(e) => {
            warn(&format!("{e}; Infisical will check the token itself"));
            Ok(None)
        }
    }
}

pub(super) fn print_json(value: &impl serde::Serialize) {
    println!("{}", sanitize::json(value, false));
}

/// A connection whose token was just set (created or replaced): recorded in the config with
/// the token's expiry, so `status` watches the token now in use. The connection is there
/// either way, so a config that cannot be written is a warning that says what was `done`.
pub(super) fn remember_token(
    config_path: Option<&std::path::Path>,
    settings: &Settings,
    connection: &crate::infisical::AppConnection,
    client_id: Option<String>,
    token_expires: Option<String>,
    done: &str,
) {
    let Some(path) = config_path else { return };
    let record = crate::session::remember::Record {
        site: settings.domain.site().to_string(),
        project_id: connection.project_id.clone(),
        client_id,
        name: connection.name.clone(),
        connection_id: connection.id.clone(),
        token_expires,
    };
    if let Err(e) = crate::session::remember::remember(path, &record) {
        eprintln!("ona-connect: warning: {done}, but {e}");
    }
}

/// The connection as `--json` prints it after its token was set: with `tokenExpires`.
pub(super) fn print_json_with_expiry(
    connection: &crate::infisical::AppConnection,
    token_expires: Option<String>,
) {
    let mut value = serde_json::to_value(connection).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("tokenExpires".into(), token_expires.into());
    }
    print_json(&value);
}

/// `completions <shell>`: generated from the command-line definition.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "ona-connect", &mut script);
    write_stdout(&script)
}

/// Writes all of `bytes`; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> i32 {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Failure::failed(format!("cannot write: {e}")).report(false)
        }
        _ => EXIT_OK,
    }
}

/// `man`: a roff man page generated from the command-line definition.
pub fn man() -> i32 {
    let command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => write_stdout(&page),
        Err(e) => Failure::failed(format!("cannot render the man page: {e}")).report(false),
    }
}
