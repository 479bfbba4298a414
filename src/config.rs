//! Settings: flags > environment > config file > defaults. The config file (TOML, in the
//! platform config directory) remembers non-secret choices only.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::infisical::{Domain, DomainError, US_CLOUD};
use crate::secret::Secret;

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Infisical site URL, e.g. `https://eu.infisical.com`: the default site. Never a
    /// loopback one, so a sandbox run does not redirect later real runs.
    pub domain: Option<String>,
    /// Older files: the default site's choices, read when `sites` has none for it.
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub last_name: Option<String>,
    /// What was chosen last on each site (by normalized site URL).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sites: BTreeMap<String, SiteChoices>,
    /// Connections created here, with the expiry of their Ona token when it was known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<RememberedConnection>,
}

/// The non-secret choices made last on one site.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteChoices {
    /// Project the last connection was created in.
    pub project_id: Option<String>,
    /// Universal Auth client id (not secret; the client secret never goes here).
    pub client_id: Option<String>,
    /// Name of the last connection created.
    pub last_name: Option<String>,
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

    /// The choices remembered for `site` (a normalized site URL); the old top-level values
    /// count for the default site only.
    pub fn choices_for(&self, site: &str) -> SiteChoices {
        let kept = self.sites.get(site).cloned().unwrap_or_default();
        let default_site = self
            .domain
            .as_deref()
            .map(normalized_site)
            .unwrap_or_else(|| US_CLOUD.to_string());
        if default_site != site {
            return kept;
        }
        SiteChoices {
            project_id: kept.project_id.or_else(|| self.project_id.clone()),
            client_id: kept.client_id.or_else(|| self.client_id.clone()),
            last_name: kept.last_name.or_else(|| self.last_name.clone()),
        }
    }
}

/// The site URL as [`Domain`] writes it, so `https://x/api/` and `https://x` are one site.
pub fn normalized_site(raw: &str) -> String {
    Domain::parse(raw).map_or_else(|_| raw.trim().to_string(), |d| d.site().to_string())
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
    let text = match read_regular_file(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Ok(FileConfig::default()),
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    parse(path, &text)
}

/// The file's bytes, `None` when it does not exist. Opened without blocking, so a FIFO or a
/// terminal given as `--config` is refused at once instead of waiting for a writer forever.
fn read_regular_file(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a directory, FIFO or device); the config must be a file",
        ));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

fn parse(path: &Path, text: &[u8]) -> Result<FileConfig, ConfigError> {
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
    let text_str = std::str::from_utf8(text)
        .map_err(|e| invalid(Some(e.valid_up_to()), "not UTF-8 text".into()))?;
    // toml's Display quotes the offending line, which could hold anything the user pasted:
    // report its message and position only.
    toml::from_str(text_str)
        .map_err(|e| invalid(e.span().map(|s| s.start), e.message().trim().to_string()))
}

/// The one way the config file is written: under an advisory lock on a sibling lock file,
/// read the file, change it with `change`, write a new 0600 file beside it and rename it over
/// the old one. Concurrent runs therefore keep each other's records. A symlinked config (a
/// dotfiles repository) is written through to its target, never replaced by a regular file.
pub fn update(path: &Path, change: impl FnOnce(&mut FileConfig)) -> Result<(), ConfigError> {
    let error = |e: std::io::Error| ConfigError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let target = symlink_target(path).map_err(error)?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&dir).map_err(error)?;
    let file_name = target.file_name().map_or_else(
        || "config.toml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let _lock = lock(&dir.join(format!(".{file_name}.lock"))).map_err(error)?;
    let mut config = load(&target)?;
    change(&mut config);
    let text = toml::to_string(&config).map_err(|e| error(std::io::Error::other(e)))?;
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = || -> std::io::Result<()> {
        let mut file = options.open(&temp)?;
        file.write_all(b"# Written by ona-connect. Non-secret choices only.\n")?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, &target)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        error(e)
    })
}

/// Where the bytes of `path` live: `path` itself, or the end of its chain of symlinks (which
/// may not exist yet).
fn symlink_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As many links as the kernel follows before ELOOP.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Holds an exclusive advisory lock on `path` (created if needed) until dropped.
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
    Ok(file)
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
    let remembered = file.choices_for(domain.site());
    let client_id = flags
        .client_id
        .clone()
        .or_else(|| non_empty("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"))
        .or(remembered.client_id);
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
        project_id: explicit_project_id.clone().or(remembered.project_id),
        explicit_project_id,
        client_id,
        client_secret,
        env_credentials,
        last_name: remembered.last_name,
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
        update(&path, |c| *c = config.clone()).unwrap();
        assert_eq!(load(&path).unwrap(), config);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            update(&path, |_| {}).unwrap();
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // The file and its lock file, no temporary left behind.
        let mut left: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".config.toml.lock", "config.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_as_config_is_refused_at_once_instead_of_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        // No writer ever opens the FIFO: a blocking open would wait here forever.
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(update(&path, |_| {}).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let dotfiles = dir.path().join("dotfiles");
        std::fs::create_dir(&dotfiles).unwrap();
        let target = dotfiles.join("ona-connect.toml");
        std::fs::write(&target, "domain = \"https://eu.infisical.com\"\n").unwrap();
        let link_dir = dir.path().join("config");
        std::fs::create_dir(&link_dir).unwrap();
        let link = link_dir.join("config.toml");
        std::os::unix::fs::symlink("../dotfiles/ona-connect.toml", &link).unwrap();

        update(&link, |c| c.last_name = Some("kept".into())).unwrap();

        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link was replaced by a regular file"
        );
        let written = load(&target).unwrap();
        assert_eq!(written.domain.as_deref(), Some("https://eu.infisical.com"));
        assert_eq!(written.last_name.as_deref(), Some("kept"));
        // The temporary file was made (and renamed) in the target's directory.
        assert_eq!(std::fs::read_dir(&link_dir).unwrap().count(), 1);
    }

    #[test]
    fn choices_are_remembered_per_site() {
        let mut sites = BTreeMap::new();
        sites.insert(
            "http://127.0.0.1:8080".to_string(),
            SiteChoices {
                project_id: Some("sandbox-project".into()),
                client_id: Some("sandbox-client".into()),
                last_name: Some("sandbox-name".into()),
            },
        );
        let file = FileConfig {
            domain: Some("https://eu.infisical.com/api".into()),
            project_id: Some("real-project".into()),
            client_id: Some("real-client".into()),
            sites,
            ..Default::default()
        };
        let s = resolve(&Flags::default(), &env(&[]), &file).unwrap();
        assert_eq!(s.domain.site(), "https://eu.infisical.com");
        assert_eq!(s.project_id.as_deref(), Some("real-project"));
        assert_eq!(s.client_id.as_deref(), Some("real-client"));
        let sandbox = Flags {
            domain: Some("http://127.0.0.1:8080".into()),
            ..Default::default()
        };
        let s = resolve(&sandbox, &env(&[]), &file).unwrap();
        assert_eq!(s.project_id.as_deref(), Some("sandbox-project"));
        assert_eq!(s.client_id.as_deref(), Some("sandbox-client"));
        assert_eq!(s.last_name.as_deref(), Some("sandbox-name"));
        // Another site gets neither site's choices.
        let other = Flags {
            domain: Some("https://infisical.example".into()),
            ..Default::default()
        };
        let s = resolve(&other, &env(&[]), &file).unwrap();
        assert_eq!((s.project_id, s.client_id), (None, None));
    }
}
