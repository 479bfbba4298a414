//! The non-interactive commands: `create`, `list`, `rotate`, `status`, `completions` and
//! `man`. They share the wizard's rules and client. Results go to stdout; errors go to stderr
//! as one readable line each (and, with `--json`, also as one JSON object).

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{
    CreateArgs, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Global, ListArgs, RotateArgs,
    StatusArgs,
};
use crate::config::{self, EnvCredentials, Settings};
use crate::infisical::{
    AppConnection, Client, ClientOptions, CreateError, CreateRequest, Credentials, Error,
    UpdateRequest,
};
use crate::ona::{OnaClient, OnaError};
use crate::prompt::{self, PromptError};
use crate::secret::Secret;
use crate::{sanitize, validate};

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

    fn failed(line: impl Into<String>) -> Failure {
        let line = line.into();
        Failure {
            code: EXIT_FAILURE,
            json: serde_json::json!({ "error": "Failed", "message": line }),
            line,
        }
    }

    /// Prints the failure to stderr and gives the exit status.
    pub fn report(self, json: bool) -> i32 {
        eprintln!("ona-connect: {}", self.line);
        if json {
            eprintln!("{}", self.json);
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
                json: serde_json::json!({
                    "status": api.status,
                    "error": sanitize::for_terminal(&api.error, 80),
                    "message": api.message_lines(),
                    "reqId": api.req_id(),
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
fn token_from_stdin() -> Result<Secret, Failure> {
    let question = if std::io::stdin().is_terminal() {
        "Ona Personal Access Token (input hidden): "
    } else {
        ""
    };
    let raw = prompt::ask_secret(question)?;
    validate::token(&raw)
        .map(Secret::new)
        .map_err(|e| Failure::usage(format!("the token on stdin: {e}")))
}

/// A client signed in with the credentials from the environment, or else the Infisical CLI's
/// login; fails at once (usage) when there are none, naming the variables.
pub async fn signed_in_client(global: &Global, settings: &Settings) -> Result<Client, Failure> {
    let credentials = match &settings.env_credentials {
        Some(EnvCredentials::AccessToken { token, .. }) => Credentials::AccessToken(token.duplicate()),
        Some(EnvCredentials::UniversalAuth { client_id, client_secret }) => Credentials::UniversalAuth {
            client_id: client_id.clone(),
            client_secret: client_secret.duplicate(),
        },
        None => match crate::cli_login::find_on_path("infisical") {
            Some(_) => Credentials::AccessToken(
                crate::cli_login::user_token(settings.domain.site())
                    .await
                    .map_err(|e| Failure::usage(format!("not signed in: {e}; or set INFISICAL_TOKEN, or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET")))?,
            ),
            None => {
                return Err(Failure::usage(
                    "not signed in: set INFISICAL_TOKEN, or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
                ));
            }
        },
    };
    let mut options = ClientOptions::new(settings.domain.clone());
    options.ca_file = global.ca_file.clone();
    let client = Client::new(options).map_err(|e| Failure::from(&e))?;
    client
        .sign_in(credentials)
        .await
        .map_err(|e| Failure::from(&e))?;
    Ok(client)
}

/// Asks Ona about the token first (unless switched off): a rejected token stops the command
/// before anything reaches Infisical; an unreachable Ona is a warning.
async fn ona_precheck(global: &Global, token: &Secret) -> Result<(), Failure> {
    let Some(base) = crate::run::ona_api(global).map_err(Failure::usage)? else {
        return Ok(());
    };
    let client = OnaClient::new(base, std::time::Duration::from_secs(10))
        .map_err(|e| Failure::failed(e.to_string()))?;
    match client.identity(token).await {
        Ok(_) => Ok(()),
        Err(e @ OnaError::Rejected { .. }) => Err(Failure {
            code: EXIT_FAILURE,
            json: serde_json::json!({ "error": "OnaRejected", "message": e.to_string() }),
            line: format!(
                "{e}; nothing was sent to Infisical (use --skip-ona-check to send it anyway)"
            ),
        }),
        Err(e) => {
            eprintln!("ona-connect: warning: {e}; Infisical will check the token itself");
            Ok(())
        }
    }
}

fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(value).unwrap_or_default());
}

fn summary(c: &AppConnection) -> String {
    format!(
        "{} ({}) in {}",
        sanitize::for_terminal(&c.name, 64),
        sanitize::for_terminal(&c.id, 64),
        c.project_id
            .as_deref()
            .map_or("the organization".to_string(), |p| format!(
                "project {}",
                sanitize::for_terminal(p, 64)
            ))
    )
}

pub async fn create(global: &Global, settings: Settings, args: CreateArgs) -> i32 {
    let json = args.json;
    match create_inner(global, settings, args).await {
        Ok(code) => code,
        Err(f) => f.report(json),
    }
}

async fn create_inner(
    global: &Global,
    settings: Settings,
    args: CreateArgs,
) -> Result<i32, Failure> {
    let name = validate::name(&args.name)
        .map_err(|e| Failure::usage(format!("--name: {e}")))?
        .to_string();
    let description = validate::description(args.description.as_deref().unwrap_or(""))
        .map_err(|e| Failure::usage(format!("--description: {e}")))?
        .map(str::to_string);
    let project_id = settings.project_id.clone().ok_or_else(|| {
        Failure::usage("no project: pass --project ID or set INFISICAL_PROJECT_ID")
    })?;
    let token = token_from_stdin()?;
    let request = CreateRequest {
        name,
        description,
        project_id,
        token,
    };
    let client = signed_in_client(global, &settings).await?;
    if args.dry_run {
        // Validated and signed in; show exactly what would be sent, without the token.
        let out = serde_json::json!({
            "method": "POST",
            "url": settings.domain.api("/v1/app-connections/ona"),
            "body": request.body(false),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(EXIT_OK);
    }
    ona_precheck(global, &request.token).await?;
    let created = client
        .create_connection(&request, false)
        .await
        .map_err(|e| Failure::from(&e))?;
    if args.json {
        print_json(&created.connection);
    } else if created.recovered {
        println!(
            "Created Ona connection {} (the answer was lost; found it by name)",
            summary(&created.connection)
        );
    } else {
        println!("Created Ona connection {}", summary(&created.connection));
    }
    Ok(EXIT_OK)
}

pub async fn list(global: &Global, settings: Settings, args: ListArgs) -> i32 {
    let result = async {
        let client = signed_in_client(global, &settings).await?;
        let project = global.project.clone().or_else(|| {
            std::env::var("INFISICAL_PROJECT_ID")
                .ok()
                .filter(|p| !p.is_empty())
        });
        client
            .list_connections(project.as_deref())
            .await
            .map_err(|e| Failure::from(&e))
    }
    .await;
    match result {
        Err(f) => f.report(args.json),
        Ok(connections) if args.json => {
            print_json(&connections);
            EXIT_OK
        }
        Ok(connections) => {
            if connections.is_empty() {
                println!("No Ona connections are visible to this identity.");
            } else {
                println!("{:<24} {:<20} {:<37} UPDATED", "NAME", "PROJECT", "ID");
                for c in &connections {
                    let clean = |s: &str| sanitize::for_terminal(s, 64);
                    println!(
                        "{:<24} {:<20} {:<37} {}",
                        clean(&c.name),
                        c.project
                            .as_ref()
                            .map(|p| clean(&p.name))
                            .or_else(|| c.project_id.as_deref().map(clean))
                            .unwrap_or_else(|| "(organization)".into()),
                        clean(&c.id),
                        c.updated_at.as_deref().map(clean).unwrap_or_default()
                    );
                }
            }
            EXIT_OK
        }
    }
}

pub async fn rotate(global: &Global, settings: Settings, args: RotateArgs) -> i32 {
    let json = args.json;
    match rotate_inner(global, settings, args).await {
        Ok(code) => code,
        Err(f) => f.report(json),
    }
}

async fn rotate_inner(
    global: &Global,
    settings: Settings,
    args: RotateArgs,
) -> Result<i32, Failure> {
    if !args.pat_stdin {
        // Only reached without a terminal: the interactive rotation is the wizard's.
        return Err(Failure::usage(
            "no token: pass --pat-stdin and write the new Ona token to standard input",
        ));
    }
    let token = token_from_stdin()?;
    let client = signed_in_client(global, &settings).await?;
    let current = match (&args.id, &args.name) {
        (Some(id), _) => client
            .get_connection(id)
            .await
            .map_err(|e| Failure::from(&e))?,
        (None, Some(name)) => {
            let project = settings.project_id.as_deref();
            client
                .find_connection_by_name(name, project)
                .await
                .map_err(|e| Failure::from(&e))?
                .ok_or_else(|| {
                    Failure::failed(format!(
                        "no Ona connection named {} in {}",
                        sanitize::for_terminal(name, 64),
                        project.map_or(
                            "the organization (pass --project for a project's connection)"
                                .to_string(),
                            |p| format!("project {p}")
                        )
                    ))
                })?
        }
        (None, None) => {
            return Err(Failure::usage(
                "name the connection: --name NAME [--project ID] or --id ID",
            ));
        }
    };
    ona_precheck(global, &token).await?;
    let update = UpdateRequest {
        token: Some(token),
        ..UpdateRequest::default()
    };
    let updated = client
        .update_connection(&current.id, &update)
        .await
        .map_err(|e| Failure::from(&e))?;
    if args.json {
        print_json(&updated);
    } else {
        let clean = |s: Option<&str>| sanitize::for_terminal(s.unwrap_or("?"), 80);
        println!("Rotated the token of {}", summary(&updated));
        println!(
            "  credentialsHash  {} -> {}",
            clean(current.credentials_hash.as_deref()),
            clean(updated.credentials_hash.as_deref())
        );
        println!(
            "  updatedAt        {}",
            clean(updated.updated_at.as_deref())
        );
        println!("Now delete the old token in Ona (user settings → Personal Access Tokens).");
    }
    Ok(EXIT_OK)
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

/// One row of `status`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusRow {
    id: String,
    name: String,
    project_id: Option<String>,
    project_name: Option<String>,
    /// `YYYY-MM-DD`.
    token_expires: Option<String>,
    days_left: Option<i64>,
    /// Where the date comes from: `config` (recorded here) or `description`.
    source: Option<&'static str>,
}

/// "… token expires 2027-02-26" → 2027-02-26.
fn expiry_in_description(description: &str) -> Option<time::Date> {
    let rest = description.rsplit("token expires ").next()?;
    let date = rest.get(..10)?;
    time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `status`: every Ona connection the identity can see, with the recorded expiry of its token,
/// soonest first. Exit status 1 when any expires within `--warn-days` (or on an API failure).
pub async fn status(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    args: StatusArgs,
) -> i32 {
    let json = args.json;
    let remembered = match config_path.as_deref().map(config::load) {
        Some(Ok(file)) => file.connections,
        Some(Err(e)) => return Failure::usage(format!("config file: {e}")).report(json),
        None => Vec::new(),
    };
    let client = match signed_in_client(global, &settings).await {
        Ok(c) => c,
        Err(f) => return f.report(json),
    };
    let project = global.project.clone().or_else(|| {
        std::env::var("INFISICAL_PROJECT_ID")
            .ok()
            .filter(|p| !p.is_empty())
    });
    let connections = match client.list_connections(project.as_deref()).await {
        Ok(c) => c,
        Err(e) => return Failure::from(&e).report(json),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let mut rows: Vec<StatusRow> = connections
        .into_iter()
        .map(|c| {
            let recorded = remembered
                .iter()
                .find(|r| r.id == c.id)
                .and_then(|r| r.token_expires.as_deref())
                .and_then(|d| time::Date::parse(d, date_format).ok());
            let (date, source) = match (
                recorded,
                c.description.as_deref().and_then(expiry_in_description),
            ) {
                (Some(d), _) => (Some(d), Some("config")),
                (None, Some(d)) => (Some(d), Some("description")),
                (None, None) => (None, None),
            };
            StatusRow {
                token_expires: date.and_then(|d| d.format(date_format).ok()),
                days_left: date.map(|d| (d - today).whole_days()),
                source,
                project_name: c.project.as_ref().map(|p| sanitize::server_text(&p.name)),
                id: sanitize::for_terminal(&c.id, 64),
                name: sanitize::for_terminal(&c.name, 64),
                project_id: c.project_id.map(|p| sanitize::for_terminal(&p, 64)),
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.days_left.is_none(), r.days_left, r.name.clone()));
    let due = rows
        .iter()
        .filter(|r| r.days_left.is_some_and(|d| d <= args.warn_days))
        .count();
    if json {
        println!("{}", serde_json::to_string(&rows).unwrap_or_default());
    } else if rows.is_empty() {
        println!(
            "No Ona connections are visible to this identity{}.",
            project
                .map(|p| format!(" in project {p}"))
                .unwrap_or_default()
        );
    } else {
        println!(
            "{:<11} {:>5}  {:<24} {:<20} ID",
            "EXPIRES", "DAYS", "NAME", "PROJECT"
        );
        for r in &rows {
            println!(
                "{:<11} {:>5}  {:<24} {:<20} {}",
                r.token_expires.as_deref().unwrap_or("unknown"),
                r.days_left.map_or("-".to_string(), |d| d.to_string()),
                r.name,
                r.project_name
                    .as_deref()
                    .or(r.project_id.as_deref())
                    .unwrap_or("(organization)"),
                r.id
            );
        }
        if due > 0 {
            println!(
                "{due} token(s) expire within {} days: rotate them (create a new Ona token and update the connection).",
                args.warn_days
            );
        }
    }
    if due > 0 { EXIT_FAILURE } else { EXIT_OK }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_read_from_the_description() {
        let d = expiry_in_description("Ona for the team · token expires 2027-02-26").unwrap();
        assert_eq!((d.year(), u8::from(d.month()), d.day()), (2027, 2, 26));
        assert!(expiry_in_description("no date here").is_none());
        assert!(expiry_in_description("token expires soon").is_none());
    }
}
