//! What the driver works with besides the state.

use std::path::PathBuf;

use super::ui::Theme;
use crate::config::EnvCredentials;
use crate::links::TerminalEnv;
use crate::session::sign_in::Network;

/// What the driver needs besides the state: how to reach Infisical and Ona, and where to
/// remember choices.
pub struct Context {
    pub env_credentials: Option<EnvCredentials>,
    pub network: Network,
    pub config_path: Option<PathBuf>,
    pub theme: Theme,
    /// The real terminal's capabilities; `None` when drawing somewhere else (tests), so no
    /// raw escape sequences (OSC 8, OSC 52) are written.
    pub terminal_env: Option<TerminalEnv>,
    /// Ona's API base for the token pre-check; `None` with `--skip-ona-check`.
    pub ona_api: Option<crate::ona::OnaApi>,
}
