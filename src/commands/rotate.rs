//! `rotate`: a new Ona token for an existing connection, from stdin.

use super::{
    Failure, credentials, ona_precheck, print_json_with_expiry, remember_token, sign_in_with,
    token_from_stdin,
};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::{EXIT_OK, Global, RotateArgs};
use crate::config::Settings;
use crate::infisical::UpdateRequest;
use crate::sanitize;
use crate::session::summary::{InFlight, rotation_report};
use crate::session::unsettled::SignalWatch;

pub async fn rotate(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    args: RotateArgs,
) -> i32 {
    let json = args.json;
    Failure::reported(run(global, settings, config_path, args).await, json)
}

async fn run(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    args: RotateArgs,
) -> Result<i32, Failure> {
    let can_ask = global.plain && std::io::stdin().is_terminal();
    if !args.pat_stdin && !can_ask {
        // Without a terminal there is nobody to ask: say how to give the token.
        return Err(Failure::usage(
            "no token: pass --pat-stdin and write the new Ona token to standard input",
        ));
    }
    let credentials = credentials(&settings).await?;
    let token = token_from_stdin()?;
    let client = sign_in_with(global, &settings, credentials).await?;
    let current = match (&args.id, &args.name) {
        (Some(id), _) => client
            .get_connection(id)
            .await
            .map_err(|e| Failure::from(&e))?,
        (None, Some(name)) => {
            let project = settings.project_id.as_deref();
            client
                .find_connection_by_name(name, project)
                .await
                .map_err(|e| Failure::from(&e))?
                .ok_or_else(|| {
                    Failure::failed(format!(
                        "no Ona connection named {} in {}",
                        sanitize::for_terminal(name, 64),
                        project.map_or(
                            "the organization (pass --project for a project's connection)"
                                .to_string(),
                            |p| format!("project {p}")
                        )
                    ))
                })?
        }
        (None, None) => {
            return Err(Failure::usage(
                "name the connection: --name NAME [--project ID] or --id ID",
            ));
        }
    };
    let expiry = ona_precheck(global, &token).await?;
    let update = UpdateRequest {
        token: Some(token),
        ..UpdateRequest::default()
    };
    let write = InFlight::rotation(&current, settings.domain.site());
    let signals = SignalWatch::start(config_path.clone(), args.json, "no token was replaced");
    let client = Arc::new(client);
    signals.unsettled(write.clone(), client.clone());
    let result = client.update_connection(&current.id, &update).await;
    match &result {
        Ok(_) => signals.done(),
        Err(e) if e.outcome_unknown() => {}
        Err(_) => signals.nothing_created(),
    }
    let updated = result.map_err(|e| {
        if e.outcome_unknown() {
            Failure::outcome_unknown(&e, &write)
        } else {
            Failure::from(&e)
        }
    })?;
    let token_expires = expiry.as_ref().and_then(|e| e.date.clone());
    remember_token(
        config_path.as_deref(),
        &settings,
        &updated,
        None,
        token_expires.clone(),
        "the token was replaced",
    );
    if args.json {
        print_json_with_expiry(&updated, token_expires);
    } else {
        for line in rotation_report(&current, &updated) {
            println!("{line}");
        }
        if let Some(expiry) = &expiry {
            println!("The Ona token {}", expiry.text());
        }
    }
    Ok(EXIT_OK)
}
