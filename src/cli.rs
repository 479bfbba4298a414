//! The command line. Secrets are never accepted as flags: they come from the environment,
//! stdin or the wizard's masked fields.

use std::path::PathBuf;

use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
/// The user quit while a create or rotation was in flight: it may or may not have happened.
pub const EXIT_OUTCOME_UNKNOWN: i32 = 3;
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
130 cancelled by the user, 128 + N after signal N (129: the terminal hung up).";

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
    #[arg(long, value_name = "URL")]
    pub domain: Option<String>,
    /// Universal Auth client id (the secret comes from INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET or the wizard)
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Infisical project id to create the connection in
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// Config file to use instead of the platform default
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM) for a self-hosted Infisical
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// Ona API base for checking the token before it is sent to Infisical [default: https://app.gitpod.io/api]
    #[arg(long, value_name = "URL", env = "ONA_API_URL")]
    pub ona_api_url: Option<String>,
    /// Do not check the token with Ona first (Infisical still checks it)
    #[arg(long)]
    pub skip_ona_check: bool,
    /// Line-by-line prompts instead of the full-screen wizard (automatic when TERM=dumb)
    #[arg(long)]
    pub plain: bool,
    /// Append a log of requests (method, path, status, duration; never secrets) to FILE
    #[arg(long, value_name = "FILE", env = "ONA_CONNECT_LOG")]
    pub log: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the wizard against a sandbox on this machine: no account, no network
    Demo(With<NoArgs>),
    /// Run the Infisical-compatible sandbox server in the foreground
    Sandbox(With<SandboxArgs>),
    /// Create the connection without the wizard; the Ona token is read from stdin
    Create(With<CreateArgs>),
    /// List the Ona connections visible to the identity
    List(With<ListArgs>),
    /// Replace the Ona token of an existing connection (interactive without --pat-stdin)
    Rotate(With<RotateArgs>),
    /// List the Ona connections with their token's expiry, soonest first; exit 1 when one is due
    Status(With<StatusArgs>),
    /// Print a shell completion script
    Completions(With<CompletionsArgs>),
    /// Print the man page (roff)
    Man(With<NoArgs>),
}

impl Cli {
    /// The global flags, given before or after the subcommand (after wins); clap reads the
    /// variables of the two that have one into the top level's copy, below both flags.
    pub fn global(&self) -> Global {
        let after = match &self.command {
            None => Global::default(),
            Some(Command::Demo(w) | Command::Man(w)) => w.global.clone(),
            Some(Command::Sandbox(w)) => w.global.clone(),
            Some(Command::Create(w)) => w.global.clone(),
            Some(Command::List(w)) => w.global.clone(),
            Some(Command::Rotate(w)) => w.global.clone(),
            Some(Command::Status(w)) => w.global.clone(),
            Some(Command::Completions(w)) => w.global.clone(),
        };
        let before = &self.global;
        Global {
            domain: after.domain.or(before.domain.clone()),
            client_id: after.client_id.or(before.client_id.clone()),
            project: after.project.or(before.project.clone()),
            config: after.config.or(before.config.clone()),
            ca_file: after.ca_file.or(before.ca_file.clone()),
            ona_api_url: after.ona_api_url.or(before.ona_api_url.clone()),
            skip_ona_check: after.skip_ona_check || before.skip_ona_check,
            plain: after.plain || before.plain,
            log: after.log.or(before.log.clone()),
        }
    }
}

/// A subcommand's own flags beside the global ones, which work after the subcommand too.
///
/// Both are added to the subcommand only when clap reaches it (`Command::defer`): clap's
/// `global = true` would copy every global flag into every subcommand on each start, and that
/// copying was the largest cost in front of the wizard's first frame.
#[derive(Debug)]
pub struct With<T> {
    pub global: Global,
    pub args: T,
}

impl<T: Args> Args for With<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| Global::augment_args(T::augment_args(cmd)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| Global::augment_args_for_update(T::augment_args_for_update(cmd)))
    }
}

impl<T: FromArgMatches> FromArgMatches for With<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        // A variable read here would beat a flag given before the subcommand: keep only what
        // was typed after it (the top level's copy has the variables).
        let typed =
            |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
        let (api_typed, log_typed) = (typed("ona_api_url"), typed("log"));
        let mut global = Global::from_arg_matches_mut(matches)?;
        if !api_typed {
            global.ona_api_url = None;
        }
        if !log_typed {
            global.log = None;
        }
        Ok(With {
            global,
            args: T::from_arg_matches_mut(matches)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.update_from_arg_matches_mut(&mut matches.clone())
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.global.update_from_arg_matches_mut(matches)?;
        self.args.update_from_arg_matches_mut(matches)
    }
}

// For subcommands with no flags of their own (no doc comment: it would become their about).
#[derive(Debug, Args)]
pub struct NoArgs {}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    pub shell: clap_complete::Shell,
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
    /// Also write a calendar file (.ics): a reminder a week before each recorded expiry
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
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
    /// Add the token's expiry date (looked up with Ona) to the description
    #[arg(long)]
    pub expiry_in_description: bool,
    /// Print the created connection as one JSON object (as Infisical returned it, plus
    /// `tokenExpires`: the token's expiry date when Ona told it, else null)
    #[arg(long)]
    pub json: bool,
    /// Validate, sign in and check the token with Ona, then print the request instead of
    /// sending it
    #[arg(long)]
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global_of(args: &[&str]) -> Global {
        Cli::try_parse_from(std::iter::once("ona-connect").chain(args.iter().copied()))
            .unwrap()
            .global()
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        assert!(global_of(&["--skip-ona-check", "demo"]).skip_ona_check);
        assert!(global_of(&["demo", "--skip-ona-check"]).skip_ona_check);
        assert!(!global_of(&["demo"]).skip_ona_check);
        let g = global_of(&["--project", "p1", "list", "--domain", "https://a.example"]);
        assert_eq!(g.project.as_deref(), Some("p1"));
        assert_eq!(g.domain.as_deref(), Some("https://a.example"));
        // Given twice, the one nearer the end wins, as with clap's own global flags.
        let g = global_of(&[
            "--domain",
            "https://a.example",
            "status",
            "--domain",
            "https://b.example",
        ]);
        assert_eq!(g.domain.as_deref(), Some("https://b.example"));
    }

    #[test]
    fn subcommand_flags_are_parsed_after_deferral() {
        let cli = Cli::try_parse_from([
            "ona-connect",
            "create",
            "--name",
            "n",
            "--pat-stdin",
            "--json",
        ])
        .unwrap();
        let Some(Command::Create(w)) = cli.command else {
            panic!("not create");
        };
        assert_eq!(w.args.name, "n");
        assert!(w.args.pat_stdin && w.args.json && !w.args.dry_run);
        assert!(Cli::try_parse_from(["ona-connect", "create", "--bogus"]).is_err());
        assert!(
            Cli::try_parse_from(["ona-connect", "rotate"]).is_err(),
            "--name or --id is required"
        );
    }

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
        let mut command = <Cli as clap::CommandFactory>::command();
        command.build();
        walk(&command, &mut found);
        assert!(
            found.is_empty(),
            "flags that would put a secret in argv: {found:?}"
        );
    }
}
