//! What the config file keeps after a create or a rotation: non-secret choices only, so the
//! next run starts where this one ended and `status` knows the token's expiry.

use std::path::Path;

use crate::config::{self, ConfigError, RememberedConnection};
use crate::infisical::Domain;

/// The non-secret facts of a finished create or rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub site: String,
    /// `None` for an organization-wide connection: the remembered project stays as it was.
    pub project_id: Option<String>,
    /// The Universal Auth client id that signed in, when one did.
    pub client_id: Option<String>,
    pub name: String,
    pub connection_id: String,
    /// `YYYY-MM-DD` when the token's expiry is known.
    pub token_expires: Option<String>,
}

/// Records `record` in the config file (see [`config::update`]: under a lock, so concurrent
/// runs keep every record). A loopback site (a sandbox) gets its own choices but never becomes
/// the default site of later runs.
pub fn remember(path: &Path, record: &Record) -> Result<(), ConfigError> {
    let site = config::normalized_site(&record.site);
    let loopback = Domain::parse(&site).is_ok_and(|d| d.is_loopback());
    config::update(path, |file| {
        if !loopback {
            file.domain = Some(site.clone());
        }
        let choices = file.sites.entry(site.clone()).or_default();
        if let Some(project) = &record.project_id {
            choices.project_id = Some(project.clone());
        }
        if let Some(id) = &record.client_id {
            choices.client_id = Some(id.clone());
        }
        choices.last_name = Some(record.name.clone());
        file.remember(RememberedConnection {
            id: record.connection_id.clone(),
            name: record.name.clone(),
            domain: site.clone(),
            project_id: record.project_id.clone(),
            token_expires: record.token_expires.clone(),
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(project_id: Option<&str>) -> Record {
        Record {
            site: "https://eu.infisical.com".into(),
            project_id: project_id.map(str::to_string),
            client_id: None,
            name: "ona".into(),
            connection_id: "c1".into(),
            token_expires: Some("2027-01-01".into()),
        }
    }

    #[test]
    fn an_organization_wide_connection_keeps_the_remembered_project() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        remember(&path, &record(Some("p1"))).unwrap();
        remember(
            &path,
            &Record {
                connection_id: "c2".into(),
                ..record(None)
            },
        )
        .unwrap();
        let file = config::load(&path).unwrap();
        let choices = file.choices_for("https://eu.infisical.com");
        assert_eq!(choices.project_id.as_deref(), Some("p1"));
        assert_eq!(file.connections.len(), 2);
        assert_eq!(file.connections[1].project_id, None);
        assert_eq!(choices.last_name.as_deref(), Some("ona"));
    }

    #[test]
    fn a_sandbox_run_never_becomes_the_default_site() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        remember(&path, &record(Some("real"))).unwrap();
        remember(
            &path,
            &Record {
                site: "http://127.0.0.1:8080".into(),
                connection_id: "sandbox-connection".into(),
                ..record(Some("sandbox"))
            },
        )
        .unwrap();
        let file = config::load(&path).unwrap();
        assert_eq!(file.domain.as_deref(), Some("https://eu.infisical.com"));
        let settings = config::resolve(&config::Flags::default(), &|_| None, &file).unwrap();
        assert_eq!(settings.domain.site(), "https://eu.infisical.com");
        assert_eq!(settings.project_id.as_deref(), Some("real"));
        assert_eq!(
            file.choices_for("http://127.0.0.1:8080")
                .project_id
                .as_deref(),
            Some("sandbox")
        );
    }

    #[test]
    fn ten_runs_finishing_at_once_keep_all_ten_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let start = std::sync::Barrier::new(10);
        std::thread::scope(|scope| {
            for i in 0..10 {
                let (path, start) = (&path, &start);
                scope.spawn(move || {
                    start.wait();
                    remember(
                        path,
                        &Record {
                            connection_id: format!("c{i}"),
                            ..record(Some("p1"))
                        },
                    )
                    .unwrap();
                });
            }
        });
        let mut ids: Vec<String> = config::load(&path)
            .unwrap()
            .connections
            .into_iter()
            .map(|c| c.id)
            .collect();
        ids.sort();
        assert_eq!(ids, (0..10).map(|i| format!("c{i}")).collect::<Vec<_>>());
    }
}
