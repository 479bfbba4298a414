//! `status`: each connection's token expiry, soonest first, for a cron or CI guard.

use std::path::PathBuf;

use super::{Failure, signed_in_client};
use crate::cli::{EXIT_FAILURE, EXIT_OK, Global, StatusArgs};
use crate::config::{self, Settings};
use crate::sanitize;
use crate::session::reminder::{self, Reminder};

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
    let project = settings.explicit_project_id.clone();
    let connections = match client.list_connections(project.as_deref()).await {
        Ok(c) => c,
        Err(e) => return Failure::from(&e).report(json),
    };
    let today = time::OffsetDateTime::now_utc().date();
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let site = settings.domain.site().to_string();
    let mut reminders = Vec::new();
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
            if let Some(d) = date {
                let project = c.project.as_ref().map(|p| p.name.as_str());
                reminders.push(Reminder::new(&site, &c, project, d));
            }
            StatusRow {
                token_expires: date.and_then(|d| d.format(date_format).ok()),
                days_left: date.map(|d| (d - today).whole_days()),
                source,
                project_name: c.project.map(|p| p.name),
                id: c.id,
                name: c.name,
                project_id: c.project_id,
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.days_left.is_none(), r.days_left, r.name.clone()));
    let due = rows
        .iter()
        .filter(|r| r.days_left.is_some_and(|d| d <= args.warn_days))
        .count();
    if json {
        println!("{}", sanitize::json(&rows, false));
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
        let clean = |s: &str| sanitize::for_terminal(s, 64);
        for r in &rows {
            println!(
                "{:<11} {:>5}  {:<24} {:<20} {}",
                r.token_expires.as_deref().unwrap_or("unknown"),
                r.days_left.map_or("-".to_string(), |d| d.to_string()),
                clean(&r.name),
                clean(
                    r.project_name
                        .as_deref()
                        .or(r.project_id.as_deref())
                        .unwrap_or("(organization)")
                ),
                clean(&r.id)
            );
        }
        if due > 0 {
            println!(
                "{due} token(s) expire within {} days: rotate them (create a new Ona token and update the connection).",
                args.warn_days
            );
        }
    }
    if let Some(path) = &args.ics {
        reminders.sort_by_key(|r| r.expires);
        let ics = reminder::ics(&reminders, time::OffsetDateTime::now_utc());
        if let Err(e) = std::fs::write(path, ics) {
            return Failure::failed(format!("cannot write {}: {e}", path.display())).report(json);
        }
        eprintln!(
            "ona-connect: wrote {} calendar reminder(s) to {} ({} days before each expiry)",
            reminders.len(),
            path.display(),
            reminder::DAYS_BEFORE
        );
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
