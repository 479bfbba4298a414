//! Which Infisical instance receives the token. The site URL is accepted with or without
//! `/api`; plain http is only allowed to loopback hosts, checked before any connection.

use std::fmt;
use std::net::IpAddr;
use url::{Host, Url};

pub const US_CLOUD: &str = "https://app.infisical.com";
pub const EU_CLOUD: &str = "https://eu.infisical.com";

#[derive(Clone, PartialEq, Eq)]
pub struct Domain {
    /// Normalized site URL: scheme, host, optional port and path prefix, no trailing slash.
    site: String,
    host: String,
    loopback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("{0:?} is not a URL (expected something like https://app.infisical.com)")]
    NotAUrl(String),
    #[error(
        "refusing plain http to {0}: the token would travel unencrypted. Use https (http is only allowed to localhost / 127.0.0.1 / ::1)"
    )]
    InsecureHttp(String),
    #[error("{0:?} must start with https:// (or http:// for a loopback address)")]
    UnsupportedScheme(String),
    #[error("the URL must not contain a user name or password, a query or a fragment")]
    ExtraParts,
}

impl Domain {
    pub fn parse(raw: &str) -> Result<Domain, DomainError> {
        let trimmed = raw.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| DomainError::NotAUrl(trimmed.into()))?;
        let host = url
            .host()
            .ok_or_else(|| DomainError::NotAUrl(trimmed.into()))?;
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(DomainError::ExtraParts);
        }
        let loopback = match &host {
            Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
            Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(DomainError::InsecureHttp(host.to_string())),
            _ => return Err(DomainError::UnsupportedScheme(trimmed.into())),
        }
        let mut path = url.path().trim_end_matches('/').to_string();
        if path.ends_with("/api") {
            path.truncate(path.len() - 4);
        }
        let host_port = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        Ok(Domain {
            site: format!("{}://{host_port}{path}", url.scheme()),
            host: host_port,
            loopback,
        })
    }

    /// localhost, 127.0.0.0/8 or ::1: a sandbox or a tunnel, never a default for later runs.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// `https://app.infisical.com`: what the user sees and what web links start with.
    pub fn site(&self) -> &str {
        &self.site
    }

    /// `app.infisical.com` (with port when not the default).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Full URL of an API path such as `/v1/projects`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.site)
    }

    /// The project's App Connections page (docs/infisical-api.md §9).
    pub fn app_connections_page(&self, org_id: &str, project_id: Option<&str>) -> String {
        match project_id {
            Some(p) => format!(
                "{}/organizations/{org_id}/projects/secret-management/{p}/app-connections",
                self.site
            ),
            None => format!("{}/organizations/{org_id}/app-connections", self.site),
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.site)
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({})", self.site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_site_and_api() {
        for raw in [
            "https://app.infisical.com",
            "https://app.infisical.com/",
            "https://app.infisical.com/api",
            "https://app.infisical.com/api/",
            "app.infisical.com",
        ] {
            let d = Domain::parse(raw).unwrap();
            assert_eq!(d.site(), "https://app.infisical.com", "{raw}");
            assert_eq!(
                d.api("/v1/projects"),
                "https://app.infisical.com/api/v1/projects"
            );
        }
        let d = Domain::parse("https://infisical.example.com:8443/tools/api").unwrap();
        assert_eq!(
            d.api("/v1/x"),
            "https://infisical.example.com:8443/tools/api/v1/x"
        );
    }

    #[test]
    fn http_only_to_loopback() {
        for ok in [
            "http://localhost:8080",
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://[::1]:80",
            "http://LOCALHOST",
        ] {
            assert!(Domain::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://localhost.evil.test",
            "http://127.0.0.1.nip.io",
            "http://0.0.0.0",
            "http://10.0.0.1",
        ] {
            assert!(
                matches!(Domain::parse(bad), Err(DomainError::InsecureHttp(_))),
                "{bad}"
            );
        }
        assert_eq!(
            Domain::parse("http://127.0.0.1@evil.test"),
            Err(DomainError::ExtraParts)
        );
        assert!(matches!(
            Domain::parse("ftp://x"),
            Err(DomainError::UnsupportedScheme(_))
        ));
    }
}
