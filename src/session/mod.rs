//! The rules every front end shares: the wizard's driver, the plain mode and the commands
//! call this layer for everything that is not presentation. Nothing here draws, prompts or
//! reads a key; each function is the one definition of its rule.
//!
//! - [`credentials`]: which credentials to use (flags, environment, config, the CLI's login)
//!   and the label that says where they came from;
//! - [`sign_in`]: signing in by every method, with the project list;
//! - [`placement`]: which field or screen an Infisical error belongs to;
//! - [`remember`]: what the config file keeps after a create or a rotation;
//! - [`summary`]: the outcome of a create or rotation, its summary lines, the connection's
//!   page and the equivalent non-interactive command;
//! - [`ona_check`]: the token check with Ona and the match that finds its expiry;
//! - [`reminder`]: the calendar file that reminds the user to rotate a token before it expires;
//! - [`unsettled`]: a write whose outcome is not known, what may be said of it, and the lookup
//!   that settles it on the way out.

pub mod browser_login;
pub mod credentials;
pub mod ona_check;
pub mod placement;
pub mod remember;
pub mod reminder;
pub mod sign_in;
pub mod summary;
pub mod unsettled;

use crate::cli::Global;

/// Ona's API base for the token check, or `None` when `--skip-ona-check` switches it off.
pub fn ona_api(global: &Global) -> Result<Option<crate::ona::OnaApi>, String> {
    ona_check::api_base(global.skip_ona_check, global.ona_api_url.as_deref())
}

/// How the front ends reach Infisical: the flags' CA file, default timeouts and retries.
pub fn network(global: &Global) -> sign_in::Network {
    sign_in::Network {
        ca_file: global.ca_file.clone(),
        ..sign_in::Network::default()
    }
}
