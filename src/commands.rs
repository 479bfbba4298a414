//! The non-interactive commands: `create` and `status`. They share the wizard's rules and
//! client; errors go to stderr as one readable line each.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use crate::cli::{
    CreateArgs, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Global, StatusArgs,
};
use crate::config::{self, EnvCredentials, Settings};
use crate::infisical::{Client, ClientOptions, CreateError, CreateRequest, Credentials, Error};
use crate::secret::Secret;
use crate::{sanitize, validate};

/// Reads one line from stdin; on a terminal without echo.
fn read_token_from_stdin() -> Result<Secret, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Ona Personal Access Token (input hidden): ");
        let _ = std::io::stderr().flush();
        return read_hidden_line().map(Secret::new);
    }
    let mut buffer = zeroize::Zeroizing::new(Vec::new());
    stdin
        .lock()
        .take(validate::TOKEN_MAX as u64 * 4 + 2)
        .read_to_end(&mut buffer)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let text = std::str::from_utf8(&buffer)
        .map_err(|_| "the token on stdin is not UTF-8 text".to_string())?;
    let first = text.trim().lines().next().unwrap_or("");
    Ok(Secret::new(first))
}

fn read_hidden_line() -> Result<String, String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode().map_err(|e| e.to_string())?;
    let mut line = zeroize::Zeroizing::new(String::new());
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err("cancelled".to_string());
                }
                KeyCode::Backspace => {
                    line.pop();
                }
                KeyCode::Char(c) => line.push(c),
                _ => {}
            },
            Ok(Event::Paste(p)) => line.push_str(&p),
            Ok(_) => {}
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| line.trim().to_string())
}

fn fail(json: bool, code: i32, lines: &[String]) -> i32 {
    for l in lines {
        eprintln!("ona-connect: {l}");
    }
    if json {
        eprintln!("{}", serde_json::json!({ "error": lines.join(" ") }));
    }
    code
}

pub async fn create(global: &Global, settings: Settings, args: CreateArgs) -> i32 {
    let json = args.json;
    let name = match validate::name(&args.name) {
        Ok(n) => n.to_string(),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("--name: {e}")]),
    };
    let description = match validate::description(args.description.as_deref().unwrap_or("")) {
        Ok(d) => d.map(str::to_string),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("--description: {e}")]),
    };
    let Some(project_id) = settings.project_id.clone() else {
        return fail(
            json,
            EXIT_USAGE,
            &["no project: pass --project ID or set INFISICAL_PROJECT_ID".into()],
        );
    };
    let token = match read_token_from_stdin() {
        Ok(t) => t,
        Err(e) if e == "cancelled" => return EXIT_CANCELLED,
        Err(e) => return fail(json, EXIT_USAGE, &[e]),
    };
    let token = match validate::token(token.expose()) {
        Ok(t) => Secret::new(t),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("stdin: {e}")]),
    };
    let request = CreateRequest {
        name,
        description,
        project_id,
        token,
    };
    let client = match signed_in_client(global, &settings, json).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    if args.dry_run {
        let out = serde_json::json!({
            "method": "POST",
            "url": settings.domain.api("/v1/app-connections/ona"),
            "body": request.body(false),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return EXIT_OK;
    }
    match client.create_connection(&request, false).await {
        Ok(created) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&created.connection).unwrap_or_default()
                );
            } else {
                let c = &created.connection;
                println!(
                    "Created Ona connection {} ({}) in project {}",
                    sanitize::server_text(&c.name),
                    sanitize::server_text(&c.id),
                    sanitize::server_text(c.project_id.as_deref().unwrap_or("(org)"))
                );
            }
            EXIT_OK
        }
        Err(e) => {
            let code = match &e {
                CreateError::Rejected(Error::Api(api)) if api.status == 422 => EXIT_USAGE,
                _ => EXIT_FAILURE,
            };
            let lines = match &e {
                CreateError::Rejected(err) => err.display_lines(),
                other => vec![sanitize::server_text(&other.to_string())],
            };
            fail(json, code, &lines)
        }
    }
}

/// A client signed in with the credentials from the environment, or the exit status.
async fn signed_in_client(global: &Global, settings: &Settings, json: bool) -> Result<Client, i32> {
    let credentials = match &settings.env_credentials {
        Some(EnvCredentials::AccessToken { token, .. }) => {
            Credentials::AccessToken(token.duplicate())
        }
        Some(EnvCredentials::UniversalAuth {
            client_id,
            client_secret,
        }) => Credentials::UniversalAuth {
            client_id: client_id.clone(),
            client_secret: client_secret.duplicate(),
        },
        None => {
            return Err(fail(
                json,
                EXIT_USAGE,
                &["not signed in: set INFISICAL_TOKEN, or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET".into()],
            ));
        }
    };
    let mut options = ClientOptions::new(settings.domain.clone());
    options.ca_file = global.ca_file.clone();
    let client = Client::new(options).map_err(|e| fail(json, EXIT_USAGE, &e.display_lines()))?;
    client
        .sign_in(credentials)
        .await
        .map_err(|e| fail(json, EXIT_FAILURE, &e.display_lines()))?;
    Ok(client)
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
        Some(Err(e)) => return fail(json, EXIT_USAGE, &[format!("config file: {e}")]),
        None => Vec::new(),
    };
    let client = match signed_in_client(global, &settings, json).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let project = global.project.clone().or_else(|| {
        std::env::var("INFISICAL_PROJECT_ID")
            .ok()
            .filter(|p| !p.is_empty())
    });
    let connections = match client.list_connections(project.as_deref()).await {
        Ok(c) => c,
        Err(e) => return fail(json, EXIT_FAILURE, &e.display_lines()),
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
