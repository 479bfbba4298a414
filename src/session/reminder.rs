//! The calendar reminder for a token's expiry: an iCalendar file (RFC 5545) with one all-day
//! event a week before each expiry, the exact `ona-connect rotate` command in it, and an
//! alarm. Infisical's own guide says "consider setting a calendar reminder"; this is it. The
//! wizard's result screen (`r`) and `status --ics` write the same file.

use std::fmt::Write as _;

use time::{Date, OffsetDateTime};

use super::summary::{Created, Rotated, rotate_by_id};
use crate::infisical::AppConnection;
use crate::sanitize::for_terminal;

/// How long before the expiry the event is.
pub const DAYS_BEFORE: i64 = 7;

/// One connection whose token expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub connection_name: String,
    pub connection_id: String,
    /// The project's name (or id), or "the organization".
    pub project: String,
    pub expires: Date,
    /// The command that replaces the token.
    pub rotate_command: String,
}

impl Reminder {
    pub fn new(
        site: &str,
        connection: &AppConnection,
        project_name: Option<&str>,
        expires: Date,
    ) -> Reminder {
        let project = match (project_name, &connection.project_id) {
            (Some(name), Some(id)) => format!("project {} ({})", clean(name), clean(id)),
            (None, Some(id)) => format!("project {}", clean(id)),
            (_, None) => "the organization".into(),
        };
        Reminder {
            connection_name: clean(&connection.name),
            connection_id: clean(&connection.id),
            project,
            expires,
            rotate_command: rotate_by_id(site, &connection.id),
        }
    }

    pub fn for_created(created: &Created, expires: Date) -> Reminder {
        Reminder::new(
            &created.site,
            &created.connection,
            created.project_name.as_deref(),
            expires,
        )
    }

    pub fn for_rotated(rotated: &Rotated, expires: Date) -> Reminder {
        let project = rotated.after.project.as_ref().map(|p| p.name.as_str());
        Reminder::new(&rotated.site, &rotated.after, project, expires)
    }

    /// The day of the event: a week before the expiry, but not before `today`.
    pub fn day(&self, today: Date) -> Date {
        (self.expires - time::Duration::days(DAYS_BEFORE)).max(today)
    }

    /// The file name the wizard suggests for it.
    pub fn file_name(&self) -> String {
        let name: String = self
            .connection_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("ona-token-{name}-reminder.ics")
    }
}

fn clean(s: &str) -> String {
    for_terminal(s, 200)
}

/// `YYYY-MM-DD`, for `status` and the config file's dates.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn ics_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The iCalendar file for these reminders; `now` is the time stamp every event needs.
pub fn ics(reminders: &[Reminder], now: OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "{}T{:02}{:02}{:02}Z",
        ics_date(now.date()),
        now.hour(),
        now.minute(),
        now.second()
    );
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        PRODID.into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    for r in reminders {
        let day = r.day(now.date());
        let expires = date_text(r.expires);
        let summary = format!(
            "Rotate the Ona token of {} (expires {expires})",
            r.connection_name
        );
        let description = format!(
            "The Ona Personal Access Token of the Infisical connection {} ({}) in {} expires on {expires}; \
             every sync that uses the connection stops then.\n\n\
             1. In Ona, create a new token (user settings → Personal Access Tokens, Read & Write).\n\
             2. Run this and paste the new token:\n{}\n\
             3. Delete the old token in Ona.",
            r.connection_name, r.connection_id, r.project, r.rotate_command
        );
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!(
                "UID:ona-connect-{}-{}@ona-connect",
                r.connection_id,
                ics_date(r.expires)
            ),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", ics_date(day)),
            format!(
                "DTEND;VALUE=DATE:{}",
                ics_date(day + time::Duration::days(1))
            ),
            format!("SUMMARY:{}", text(&summary)),
            format!("DESCRIPTION:{}", text(&description)),
            "TRANSP:TRANSPARENT".into(),
            "BEGIN:VALARM".into(),
            "ACTION:DISPLAY".into(),
            // 09:00 on the day of the event.
            "TRIGGER;RELATED=START:PT9H".into(),
            format!("DESCRIPTION:{}", text(&summary)),
            "END:VALARM".into(),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        let _ = write!(out, "{}\r\n", fold(&line));
    }
    out
}

const PRODID: &str = "PRODID:-//ona-connect//Ona token reminder//EN";

/// Writes `ics` as `file_name` in `dir` without clobbering anything that is not ours: a
/// reminder this program wrote there before is replaced; any other file, a link or a
/// directory of that name is left alone and the next free `name-2.ics`, `name-3.ics`… is
/// used. Returns where it was written.
pub fn write_beside(
    dir: &std::path::Path,
    file_name: &str,
    ics: &str,
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write;
    let (stem, extension) = file_name.rsplit_once('.').unwrap_or((file_name, "ics"));
    for n in 1..100 {
        let path = if n == 1 {
            dir.join(file_name)
        } else {
            dir.join(format!("{stem}-{n}.{extension}"))
        };
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            && std::fs::read_to_string(&path).is_ok_and(|text| text.contains(PRODID));
        if ours {
            std::fs::write(&path, ics)?;
            return Ok(path);
        }
        // Refuses an existing name, a dangling link included.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(ics.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{file_name} and 98 numbered names after it are taken"),
    ))
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets continue on the next, after a space (§3.1), never inside a
/// character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn long_lines_fold_within_75_octets_without_splitting_a_character() {
        let line = format!("DESCRIPTION:{}", "→é".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
    }

    #[test]
    fn the_event_is_a_week_before_but_never_in_the_past() {
        let r = Reminder {
            connection_name: "ona".into(),
            connection_id: "c1".into(),
            project: "the organization".into(),
            expires: date!(2027 - 01 - 30),
            rotate_command: "ona-connect rotate --id c1".into(),
        };
        assert_eq!(r.day(date!(2026 - 12 - 02)), date!(2027 - 01 - 23));
        assert_eq!(r.day(date!(2027 - 01 - 28)), date!(2027 - 01 - 28));
        let file = ics(&[r], datetime!(2026-12-02 10:30:05 UTC));
        assert!(file.contains("DTSTAMP:20261202T103005Z\r\n"), "{file}");
        assert!(file.ends_with("END:VCALENDAR\r\n"));
    }

    /// The file read back by an iCalendar parser, as a calendar would read it.
    #[test]
    fn a_calendar_reads_back_the_event_the_command_and_the_alarm() {
        use icalendar::{Component, DatePerhapsTime};
        let reminders = [
            Reminder {
                connection_name: "ona-dev, team; \\x".into(),
                connection_id: "c0c0c0c0-0000-4000-8000-000000000001".into(),
                project: "project Demo Backend (p1)".into(),
                expires: date!(2027 - 01 - 30),
                rotate_command: rotate_by_id(
                    "https://eu.infisical.com",
                    "c0c0c0c0-0000-4000-8000-000000000001",
                ),
            },
            Reminder {
                connection_name: "ona".into(),
                connection_id: "c2".into(),
                project: "the organization".into(),
                expires: date!(2027 - 03 - 01),
                rotate_command: rotate_by_id("https://app.infisical.com", "c2"),
            },
        ];
        let file = ics(&reminders, datetime!(2026-12-02 10:30:05 UTC));
        let calendar: icalendar::Calendar = file.parse().expect("a valid iCalendar file");
        let events: Vec<_> = calendar.events().collect();
        assert_eq!(events.len(), 2);
        let first = events[0];
        assert_eq!(
            first.get_summary(),
            Some("Rotate the Ona token of ona-dev, team; \\x (expires 2027-01-30)")
        );
        let Some(DatePerhapsTime::Date(start)) = first.get_start() else {
            panic!("an all-day event: {:?}", first.get_start())
        };
        assert_eq!(start.to_string(), "2027-01-23", "a week before the expiry");
        let description = first.get_description().unwrap();
        assert!(
            description.contains(
                "\nona-connect rotate --domain https://eu.infisical.com --id c0c0c0c0-0000-4000-8000-000000000001 --pat-stdin\n"
            ),
            "{description}"
        );
        assert!(description.contains("in project Demo Backend (p1) expires on 2027-01-30"));
        assert_ne!(first.get_uid(), events[1].get_uid());
        // Each event carries an alarm.
        let unfolded = icalendar::parser::unfold(&file);
        let parsed = icalendar::parser::read_calendar(&unfolded).unwrap();
        let vevents: Vec<_> = parsed
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
            .collect();
        assert_eq!(vevents.len(), 2);
        for event in vevents {
            let alarm = event
                .components
                .iter()
                .find(|c| c.name.as_str() == "VALARM")
                .expect("an alarm");
            assert_eq!(alarm.find_prop("ACTION").unwrap().val.as_str(), "DISPLAY");
            assert!(alarm.find_prop("TRIGGER").is_some());
        }
    }

    #[test]
    fn a_reminder_never_replaces_a_file_that_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("ona.ics");
        std::fs::write(&mine, "my own calendar").unwrap();
        let ics = format!("BEGIN:VCALENDAR\r\n{PRODID}\r\nEND:VCALENDAR\r\n");
        let first = write_beside(dir.path(), "ona.ics", &ics).unwrap();
        assert_eq!(first, dir.path().join("ona-2.ics"));
        assert_eq!(std::fs::read_to_string(&mine).unwrap(), "my own calendar");
        // Ours is replaced the next time, not multiplied.
        let again = write_beside(dir.path(), "ona.ics", &ics).unwrap();
        assert_eq!(again, first);
        #[cfg(unix)]
        {
            let target = dir.path().join("elsewhere");
            std::os::unix::fs::symlink(&target, dir.path().join("linked.ics")).unwrap();
            let linked = write_beside(dir.path(), "linked.ics", &ics).unwrap();
            assert_eq!(linked, dir.path().join("linked-2.ics"));
            assert!(!target.exists(), "wrote through a link");
        }
    }
}
