//! Reusing the Infisical CLI's user login: `infisical user get token --plain --domain <site>`,
//! run directly (no shell), with a time limit.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::secret::Secret;

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// The user's session token from the Infisical CLI, or why there is none.
pub async fn user_token(site: &str) -> Result<Secret, String> {
    let exe = find_on_path("infisical").ok_or("the `infisical` command is not on PATH")?;
    let child = tokio::process::Command::new(exe)
        .args(["user", "get", "token", "--plain", "--domain", site])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("could not run `infisical`: {e}"))?;
    let output = tokio::time::timeout(Duration::from_secs(15), child.wait_with_output())
        .await
        .map_err(|_| "`infisical user get token` did not answer within 15 s".to_string())?
        .map_err(|e| format!("could not run `infisical`: {e}"))?;
    let stdout = zeroize::Zeroizing::new(String::from_utf8_lossy(&output.stdout).into_owned());
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message");
        return Err(format!(
            "`infisical user get token` failed ({}); run `infisical login` first",
            crate::sanitize::for_terminal(first, 160)
        ));
    }
    let token = stdout.trim();
    let token = token.strip_prefix("Token:").map_or(token, str::trim);
    if token.is_empty() || token.chars().any(char::is_whitespace) {
        return Err(
            "`infisical user get token` printed no token; run `infisical login` first".into(),
        );
    }
    Ok(Secret::new(token))
}
