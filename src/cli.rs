//! The command line. Secrets are never accepted as flags: they come from the environment,
//! stdin or the wizard's masked fields.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_CANCELLED: i32 = 130;

const AFTER_HELP: &str = "\
Environment (flags win over environment, environment over the config file):
  INFISICAL_DOMAIN, INFISICAL_API_URL      Infisical site URL (/api is optional)
  INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN,
  INFISICAL_TOKEN                          an Infisical access token
  INFISICAL_UNIVERSAL_AUTH_CLIENT_ID,
  INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET   Universal Auth credentials
  INFISICAL_PROJECT_ID                     the project to create the connection in
  ONA_API_URL                              Ona API base for the token check
  ONA_CONNECT_LOG                          same as --log FILE
  NO_COLOR                                 no colours

Exit status: 0 success, 1 API or network failure, 2 usage or validation error,
130 cancelled by the user.";

#[derive(Debug, Parser)]
#[command(
    name = "ona-connect",
    version,
    about = "Create an Infisical App Connection for Ona, guided step by step",
    long_about = "Walks you from an Ona Personal Access Token to a working Ona App Connection in Infisical.\nRun without a command for the interactive wizard; `ona-connect demo` tries it against a local sandbox.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Infisical site URL, e.g. https://eu.infisical.com or a self-hosted URL
    #[arg(long, global = true, value_name = "URL")]
    pub domain: Option<String>,
    /// Universal Auth client id (the secret comes from INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET or the wizard)
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// Infisical project id to create the connection in
    #[arg(long, global = true, value_name = "ID")]
    pub project: Option<String>,
    /// Config file to use instead of the platform default
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM) for a self-hosted Infisical
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// Ona API base for checking the token before it is sent to Infisical [default: https://app.gitpod.io/api]
    #[arg(long, global = true, value_name = "URL", env = "ONA_API_URL")]
    pub ona_api_url: Option<String>,
    /// Do not check the token with Ona first (Infisical still checks it)
    #[arg(long, global = true)]
    pub skip_ona_check: bool,
    /// Line-by-line prompts instead of the full-screen wizard (automatic when TERM=dumb)
    #[arg(long, global = true)]
    pub plain: bool,
    /// Append a log of requests (method, path, status, duration; never secrets) to FILE
    #[arg(long, global = true, value_name = "FILE", env = "ONA_CONNECT_LOG")]
    pub log: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the wizard against a sandbox on this machine: no account, no network
    Demo,
    /// Run the Infisical-compatible sandbox server in the foreground
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one)
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Create the connection without the wizard; the Ona token is read from stdin
    Create(CreateArgs),
    /// List the Ona connections visible to the identity
    List(ListArgs),
    /// Replace the Ona token of an existing connection (interactive without --pat-stdin)
    Rotate(RotateArgs),
    /// List the Ona connections with their token's expiry, soonest first; exit 1 when one is due
    Status(StatusArgs),
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print one JSON array, the connections as Infisical returned them
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["name", "id"]))]
pub struct RotateArgs {
    /// The connection's name (with --project for a project's connection)
    #[arg(long)]
    pub name: Option<String>,
    /// The connection's id
    #[arg(long)]
    pub id: Option<String>,
    /// Read the new Ona Personal Access Token from stdin (one line)
    #[arg(long)]
    pub pat_stdin: bool,
    /// Print the updated connection as one JSON object
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Exit with status 1 when a token expires within this many days
    #[arg(long, default_value_t = 14, value_name = "DAYS")]
    pub warn_days: i64,
    /// Print one JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Connection name: lowercase letters, digits and single hyphens, at most 64 characters
    #[arg(long)]
    pub name: String,
    /// Optional description, at most 256 characters
    #[arg(long)]
    pub description: Option<String>,
    /// Read the Ona Personal Access Token from stdin (one line)
    #[arg(long, required = true)]
    pub pat_stdin: bool,
    /// Print the created connection as one JSON object (as Infisical returned it)
    #[arg(long)]
    pub json: bool,
    /// Validate and sign in, then print the request instead of sending it
    #[arg(long)]
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Secrets come from the environment, stdin or the masked fields, never from argv.
    #[test]
    fn no_flag_takes_a_secret() {
        fn walk(command: &clap::Command, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let name = arg.get_id().as_str().to_lowercase();
                let takes_value = arg.get_action().takes_values();
                if takes_value
                    && ["token", "secret", "password", "pat"]
                        .iter()
                        .any(|w| name.split('_').any(|p| p == *w))
                {
                    found.push(format!("{} --{name}", command.get_name()));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, found);
            }
        }
        let mut found = Vec::new();
        walk(&<Cli as clap::CommandFactory>::command(), &mut found);
        assert!(
            found.is_empty(),
            "flags that would put a secret in argv: {found:?}"
        );
    }
}
