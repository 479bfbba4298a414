//! What the config file keeps after a create or a rotation: non-secret choices only, so the
//! next run starts where this one ended and `status` knows the token's expiry.

use std::path::Path;

use crate::config::{self, ConfigError, RememberedConnection};

/// The non-secret facts of a finished create or rotation.
#[derive(Debug, Clone, PartialEq)]
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

/// Reads the file, records `record` and writes it back atomically.
pub fn remember(path: &Path, record: &Record) -> Result<(), ConfigError> {
    let mut file = config::load(path)?;
    file.domain = Some(record.site.clone());
    if let Some(project) = &record.project_id {
        file.project_id = Some(project.clone());
    }
    if let Some(id) = &record.client_id {
        file.client_id = Some(id.clone());
    }
    file.last_name = Some(record.name.clone());
    file.remember(RememberedConnection {
        id: record.connection_id.clone(),
        name: record.name.clone(),
        domain: record.site.clone(),
        project_id: record.project_id.clone(),
        token_expires: record.token_expires.clone(),
    });
    config::save(path, &file)
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
        assert_eq!(file.project_id.as_deref(), Some("p1"));
        assert_eq!(file.connections.len(), 2);
        assert_eq!(file.connections[1].project_id, None);
        assert_eq!(file.last_name.as_deref(), Some("ona"));
    }
}
