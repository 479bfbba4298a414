//! Settings: flags > environment > config file > defaults. The config file (TOML, in the
//! platform config directory) remembers non-secret choices only.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::infisical::{Domain, DomainError, US_CLOUD};
use crate::secret::Secret;

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Infisical site URL, e.g. `https://eu.infisical.com`.
    pub domain: Option<String>,
    /// Project the last connection was created in.
    pub project_id: Option<String>,
    /// Universal Auth client id (not secret; the client secret never goes here).
    pub client_id: Option<String>,
    /// Name of the last connection created.
    pub last_name: Option<String>,
    /// Connections created here, with the expiry of their Ona token when it was known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<RememberedConnection>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RememberedConnection {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub project_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub token_expires: Option<String>,
}

impl FileConfig {
    /// Adds or replaces the record of a connection (by id).
    pub fn remember(&mut self, connection: RememberedConnection) {
        self.connections.retain(|c| c.id != connection.id);
        self.connections.push(connection);
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

/// `<platform config dir>/ona-connect/config.toml`, e.g. `~/.config/ona-connect/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ona-connect")
        .map(|d| d.config_dir().join("config.toml"))
}

/// Reads the file; a missing file is an empty config.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    let invalid = |offset: Option<usize>, message: String| {
        let upto = &text[..offset.unwrap_or(0).min(text.len())];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        ConfigError::Invalid {
            path: path.display().to_string(),
            line,
            column,
            message: crate::sanitize::for_terminal(&message, 200),
        }
    };
    let text_str = std::str::from_utf8(&text)
        .map_err(|e| invalid(Some(e.valid_up_to()), "not UTF-8 text".into()))?;
    // toml's Display quotes the offending line, which could hold anything the user pasted:
    // report its message and position only.
    toml::from_str(text_str)
        .map_err(|e| invalid(e.span().map(|s| s.start), e.message().trim().to_string()))
}

/// Writes atomically: a new 0600 file beside the target, then a rename.
pub fn save(path: &Path, config: &FileConfig) -> Result<(), ConfigError> {
    let error = |e: std::io::Error| ConfigError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    let text = toml::to_string(config).map_err(|e| error(std::io::Error::other(e)))?;
    let temp = dir.join(format!(".config.toml.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = || -> std::io::Result<()> {
        let mut file = options.open(&temp)?;
        file.write_all(b"# Written by ona-connect. Non-secret choices only.\n")?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        error(e)
    })
}

/// Values given on the command line.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub domain: Option<String>,
    pub client_id: Option<String>,
    pub project: Option<String>,
}

/// Where the access credentials came from, for telling the user.
#[derive(Debug)]
pub enum EnvCredentials {
    AccessToken {
        variable: &'static str,
        token: Secret,
    },
    UniversalAuth {
        client_id: String,
        client_secret: Secret,
    },
}

impl EnvCredentials {
    pub fn source(&self) -> &'static str {
        match self {
            EnvCredentials::AccessToken { variable, .. } => variable,
            EnvCredentials::UniversalAuth { .. } => "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID/SECRET",
        }
    }
}

/// Everything resolved, ready for the wizard and the commands.
#[derive(Debug)]
pub struct Settings {
    pub domain: Domain,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    /// A client secret from the environment without a client id is kept for the form.
    pub client_secret: Option<Secret>,
    pub env_credentials: Option<EnvCredentials>,
    pub last_name: Option<String>,
    /// The project named by `--project` or `INFISICAL_PROJECT_ID`, not the remembered one:
    /// what `list` and `status` filter by.
    pub explicit_project_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{source_name}: {error}")]
    Domain {
        source_name: String,
        error: DomainError,
    },
}

/// Resolves flags > environment > file > defaults. `env` is injected for tests.
pub fn resolve(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    file: &FileConfig,
) -> Result<Settings, SettingsError> {
    let non_empty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let (domain_raw, source_name) = if let Some(d) = &flags.domain {
        (d.clone(), "--domain".to_string())
    } else if let Some(d) = non_empty("INFISICAL_DOMAIN") {
        (d, "INFISICAL_DOMAIN".into())
    } else if let Some(d) = non_empty("INFISICAL_API_URL") {
        (d, "INFISICAL_API_URL".into())
    } else if let Some(d) = &file.domain {
        (d.clone(), "domain in the config file".into())
    } else {
        (US_CLOUD.to_string(), "default".into())
    };
    let domain =
        Domain::parse(&domain_raw).map_err(|error| SettingsError::Domain { source_name, error })?;
    let client_id = flags
        .client_id
        .clone()
        .or_else(|| non_empty("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"))
        .or_else(|| file.client_id.clone());
    let client_secret = non_empty("INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET").map(Secret::new);
    let token = ["INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", "INFISICAL_TOKEN"]
        .into_iter()
        .find_map(|v| non_empty(v).map(|t| (v, Secret::new(t.trim()))));
    let env_credentials = match (token, &client_id, &client_secret) {
        (Some((variable, token)), _, _) => Some(EnvCredentials::AccessToken { variable, token }),
        (None, Some(id), Some(secret)) => Some(EnvCredentials::UniversalAuth {
            client_id: id.clone(),
            client_secret: secret.duplicate(),
        }),
        _ => None,
    };
    let explicit_project_id = flags
        .project
        .clone()
        .or_else(|| non_empty("INFISICAL_PROJECT_ID"));
    Ok(Settings {
        domain,
        project_id: explicit_project_id
            .clone()
            .or_else(|| file.project_id.clone()),
        explicit_project_id,
        client_id,
        client_secret,
        env_credentials,
        last_name: file.last_name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn precedence_is_flags_env_file_default() {
        let file = FileConfig {
            domain: Some("https://file.example".into()),
            project_id: Some("file-project".into()),
            ..Default::default()
        };
        let s = resolve(&Flags::default(), &env(&[]), &FileConfig::default()).unwrap();
        assert_eq!(s.domain.site(), "https://app.infisical.com");
        let s = resolve(&Flags::default(), &env(&[]), &file).unwrap();
        assert_eq!(s.domain.site(), "https://file.example");
        assert_eq!(s.project_id.as_deref(), Some("file-project"));
        let e = env(&[
            ("INFISICAL_API_URL", "https://legacy.example/api"),
            ("INFISICAL_PROJECT_ID", "env-project"),
        ]);
        let s = resolve(&Flags::default(), &e, &file).unwrap();
        assert_eq!(s.domain.site(), "https://legacy.example");
        assert_eq!(s.project_id.as_deref(), Some("env-project"));
        let e = env(&[
            ("INFISICAL_API_URL", "https://legacy.example"),
            ("INFISICAL_DOMAIN", "https://eu.infisical.com"),
        ]);
        assert_eq!(
            resolve(&Flags::default(), &e, &file).unwrap().domain.site(),
            "https://eu.infisical.com"
        );
        let flags = Flags {
            domain: Some("https://flag.example".into()),
            project: Some("flag-project".into()),
            ..Default::default()
        };
        let s = resolve(&flags, &e, &file).unwrap();
        assert_eq!(s.domain.site(), "https://flag.example");
        assert_eq!(s.project_id.as_deref(), Some("flag-project"));
    }

    #[test]
    fn credentials_from_the_environment() {
        let e = env(&[
            ("INFISICAL_TOKEN", "t1"),
            ("INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", "t0"),
        ]);
        let s = resolve(&Flags::default(), &e, &FileConfig::default()).unwrap();
        match s.env_credentials {
            Some(EnvCredentials::AccessToken { variable, token }) => {
                assert_eq!(variable, "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN");
                assert_eq!(token.expose(), "t0");
            }
            other => panic!("{other:?}"),
        }
        let e = env(&[
            ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", "id"),
            ("INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET", "s"),
        ]);
        let s = resolve(&Flags::default(), &e, &FileConfig::default()).unwrap();
        assert!(matches!(
            s.env_credentials,
            Some(EnvCredentials::UniversalAuth { .. })
        ));
        assert!(format!("{s:?}").contains("<redacted>"));
    }

    #[test]
    fn bad_domain_names_its_source() {
        let e = env(&[("INFISICAL_DOMAIN", "http://example.com")]);
        let err = resolve(&Flags::default(), &e, &FileConfig::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("INFISICAL_DOMAIN: refusing plain http"),
            "{err}"
        );
    }

    #[test]
    fn invalid_file_reports_line_and_column_without_echoing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "domain = \"https://x\"\nproject_id = 42 # SECRETISH\n",
        )
        .unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:14:"), "{err}");
        assert!(!err.contains("SECRETISH"), "{err}");
        std::fs::write(&path, "nonsense = true\n").unwrap();
        assert!(load(&path).unwrap_err().to_string().contains(":1:1:"));
        std::fs::write(&path, "not toml at all [").unwrap();
        assert!(matches!(
            load(&path),
            Err(ConfigError::Invalid { line: 1, .. })
        ));
    }

    #[test]
    fn an_unreadable_file_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("cannot read {}", dir.path().display())),
            "{err}"
        );
    }

    #[test]
    fn save_is_atomic_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        let config = FileConfig {
            domain: Some("https://eu.infisical.com".into()),
            last_name: Some("ona".into()),
            ..Default::default()
        };
        save(&path, &config).unwrap();
        assert_eq!(load(&path).unwrap(), config);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            save(&path, &config).unwrap();
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
