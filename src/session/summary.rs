//! The outcome of a create or a rotation and how it is reported: the summary rows, the
//! connection's page, the equivalent non-interactive command and the rotation report. The
//! wizard's result screen, the text printed after it, the plain mode and the commands all
//! use these, so they say the same.

use super::remember::Record;
use crate::infisical::{AppConnection, CreateRequest, Domain};
use crate::sanitize::{for_terminal, server_text};

/// A created connection, as the front ends show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub connection: AppConnection,
    /// The create's answer was lost and a lookup by name found the connection.
    pub recovered: bool,
    pub project_name: Option<String>,
    pub site: String,
    /// Set when remembering the choices in the config file failed (the connection exists).
    pub config_warning: Option<String>,
}

/// A replaced token: the connection before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotated {
    pub before: AppConnection,
    pub after: AppConnection,
    pub site: String,
}

/// What Review may say about earlier attempts of this create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBefore {
    /// Nothing has been sent.
    Never,
    /// A create was sent and neither its answer nor a lookup said what became of it.
    OutcomeUnknown,
    /// Earlier attempts were answered, or failed before sending, without a connection.
    NotCreated,
}

/// Review's first line: only before the first attempt may it say that nothing was sent.
pub fn review_header(sent: SentBefore) -> &'static str {
    match sent {
        SentBefore::Never => {
            "Nothing has been sent yet. This is exactly what Infisical will receive:"
        }
        SentBefore::OutcomeUnknown => {
            "A create was sent; its outcome is unknown. A resend sends exactly this:"
        }
        SentBefore::NotCreated => {
            "Not created so far. Sending again sends exactly this to Infisical:"
        }
    }
}

/// A write that went out and whose answer has not come: quitting now leaves its outcome
/// unknown, and the program must say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub rotation: bool,
    /// The connection's name.
    pub name: String,
    pub project_id: Option<String>,
    pub site: String,
    /// A lookup by name on the way out found the connection (its id): it was created.
    pub found: Option<String>,
    /// What the config keeps once the create is known to have worked (a create's only; its
    /// connection id is filled in from the lookup).
    pub remember: Option<Box<Record>>,
}

impl InFlight {
    /// The create of `request` on `site`; `remember` is what the config keeps once it is
    /// known to have worked (its connection id is filled in then).
    pub fn create(request: &CreateRequest, site: &str, remember: Record) -> Self {
        InFlight {
            rotation: false,
            name: request.name.clone(),
            project_id: Some(request.project_id.clone()),
            site: site.to_string(),
            found: None,
            remember: Some(Box::new(remember)),
        }
    }

    /// The new token for `connection` on `site`.
    pub fn rotation(connection: &AppConnection, site: &str) -> Self {
        InFlight {
            rotation: true,
            name: connection.name.clone(),
            project_id: connection.project_id.clone(),
            site: site.to_string(),
            found: None,
            remember: None,
        }
    }
}

/// What is printed when the program ends while a create or rotation is in flight.
pub fn in_flight_line(w: &InFlight) -> String {
    let name = clean(&w.name);
    if let Some(id) = &w.found {
        return format!(
            "the create of {name} was sent and a lookup just now found it: the connection was created ({})",
            clean(id)
        );
    }
    let project = w
        .project_id
        .as_deref()
        .map(|p| format!(" --project {}", clean(p)))
        .unwrap_or_default();
    if w.rotation {
        format!(
            "the new token for {name} was sent and its outcome is unknown; check the connection with: ona-connect --domain {}{project} list",
            clean(&w.site)
        )
    } else {
        format!(
            "the create of {name} was sent and its outcome is unknown; check whether it exists with: ona-connect --domain {}{project} list",
            clean(&w.site)
        )
    }
}

fn clean(s: &str) -> String {
    for_terminal(s, 200)
}

/// Rows of the result summary, as (label, value).
pub fn summary_lines(created: &Created) -> Vec<(&'static str, String)> {
    let c = &created.connection;
    let project = match (&created.project_name, &c.project_id) {
        (Some(n), Some(id)) => format!("{} ({})", clean(n), clean(id)),
        (None, Some(id)) => clean(id),
        (_, None) => "(organization-wide)".into(),
    };
    vec![
        ("ID", clean(&c.id)),
        ("Name", clean(&c.name)),
        (
            "Description",
            c.description.as_deref().map_or("(none)".into(), clean),
        ),
        (
            "App / method",
            format!(
                "{} · {} · version {}",
                clean(&c.app),
                clean(&c.method),
                c.version.map_or("?".into(), |v| v.to_string())
            ),
        ),
        ("Project", project),
        ("Organization", clean(&c.org_id)),
        (
            "Created",
            format!(
                "{} (updated {})",
                c.created_at.as_deref().map_or("?".into(), clean),
                c.updated_at.as_deref().map_or("?".into(), clean)
            ),
        ),
        (
            "Credentials #",
            c.credentials_hash.as_deref().map_or("?".into(), clean),
        ),
    ]
}

/// The project's App Connections page in Infisical's web app.
pub fn connections_page(created: &Created) -> String {
    let c = &created.connection;
    Domain::parse(&created.site).map_or_else(
        |_| created.site.clone(),
        |d| d.app_connections_page(&for_terminal(&c.org_id, 64), c.project_id.as_deref()),
    )
}

/// The summary as text lines, for printing after the wizard and in the plain mode.
pub fn created_report(created: &Created) -> Vec<String> {
    let mut lines: Vec<String> = summary_lines(created)
        .into_iter()
        .map(|(k, v)| format!("  {k:<14} {v}"))
        .collect();
    lines.push(format!("  {:<14} {}", "Page", connections_page(created)));
    lines.push(format!(
        "Same from a script: {}",
        equivalent_command(created)
    ));
    if let Some(w) = &created.config_warning {
        lines.push(format!("Note: choices not remembered: {w}"));
    }
    lines
}

/// The non-interactive command that does the same; the token is read from stdin.
pub fn equivalent_command(created: &Created) -> String {
    let c = &created.connection;
    let mut cmd = format!(
        "ona-connect create --domain {} --name {}",
        shell_quote(&created.site),
        shell_quote(&c.name)
    );
    if let Some(p) = &c.project_id {
        cmd.push_str(&format!(" --project {}", shell_quote(p)));
    }
    if let Some(d) = c.description.as_deref().filter(|d| !d.is_empty()) {
        cmd.push_str(&format!(" --description {}", shell_quote(d)));
    }
    cmd.push_str(" --pat-stdin");
    for_terminal(&cmd, 1000)
}

/// The non-interactive rotation of the same connection; the token is read from stdin.
pub fn rotate_command(r: &Rotated) -> String {
    rotate_by_id(&r.site, &r.after.id)
}

/// `ona-connect rotate` for the connection with this id; the token is read from stdin.
pub fn rotate_by_id(site: &str, id: &str) -> String {
    for_terminal(
        &format!(
            "ona-connect rotate --domain {} --id {} --pat-stdin",
            shell_quote(site),
            shell_quote(id)
        ),
        1000,
    )
}

/// `ona-connect rotate` for the connection with this name in the project.
pub fn rotate_by_name(site: &str, name: &str, project_id: &str) -> String {
    for_terminal(
        &format!(
            "ona-connect rotate --domain {} --name {} --project {} --pat-stdin",
            shell_quote(site),
            shell_quote(name),
            shell_quote(project_id)
        ),
        1000,
    )
}

/// What the rotation changed, as text lines (the server's values cleaned for a terminal).
pub fn rotation_report(before: &AppConnection, after: &AppConnection) -> Vec<String> {
    let value = |s: Option<&str>| for_terminal(s.unwrap_or("?"), 80);
    vec![
        format!("Rotated the token of {}", one_line(after)),
        format!(
            "  credentialsHash  {} -> {}",
            value(before.credentials_hash.as_deref()),
            value(after.credentials_hash.as_deref())
        ),
        format!("  updatedAt        {}", value(after.updated_at.as_deref())),
        DELETE_OLD_TOKEN.to_string(),
    ]
}

/// What to do once the new token is stored.
pub const DELETE_OLD_TOKEN: &str =
    "Now delete the old token in Ona (user settings → Personal Access Tokens).";

/// `name (id) in project P`, for one-line reports.
pub fn one_line(c: &AppConnection) -> String {
    format!(
        "{} ({}) in {}",
        for_terminal(&c.name, 64),
        for_terminal(&c.id, 64),
        c.project_id
            .as_deref()
            .map_or("the organization".to_string(), |p| format!(
                "project {}",
                for_terminal(p, 64)
            ))
    )
}

/// A connection in a list: `name  (project, id)`.
pub fn list_label(c: &AppConnection) -> String {
    let project = c
        .project
        .as_ref()
        .map(|p| server_text(&p.name))
        .or_else(|| c.project_id.as_deref().map(|p| for_terminal(p, 64)))
        .unwrap_or_else(|| "organization".into());
    format!(
        "{}  ({project}, {})",
        for_terminal(&c.name, 64),
        for_terminal(&c.id, 64)
    )
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(hash: &str) -> AppConnection {
        serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "ona\u{1b}[2J", "app": "ona", "method": "personal-access-token",
            "credentialsHash": hash, "orgId": "o1", "projectId": "p1",
            "updatedAt": "2026-05-04T10:15:00.123Z\u{9b}31m"
        }))
        .unwrap()
    }

    /// Every front end prints these lines: nothing the server sent reaches the terminal raw.
    #[test]
    fn reports_carry_no_control_characters_from_the_server() {
        let (before, after) = (
            connection("old\u{1b}]52;c;x\u{7}"),
            connection("new\u{202e}"),
        );
        let created = Created {
            connection: after.clone(),
            recovered: false,
            project_name: Some("P\u{1b}[31m".into()),
            site: "https://app.infisical.com".into(),
            config_warning: None,
        };
        let lines = [rotation_report(&before, &after), created_report(&created)].concat();
        for line in &lines {
            assert!(
                !line
                    .chars()
                    .any(|c| c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)),
                "{line:?}"
            );
        }
        assert!(
            lines[1].contains("old") && lines[1].contains("new"),
            "{lines:?}"
        );
    }
}
