//! `create`: the connection without the wizard; the token comes from stdin.

use super::{
    Failure, credentials, ona_precheck, print_json_with_expiry, remember_token, sign_in_with,
    token_from_stdin,
};
use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::{CreateArgs, EXIT_OK, Global};
use crate::config::Settings;
use crate::infisical::{CreateError, CreateRequest, Credentials, Error};
use crate::session::ona_check::description_to_send;
use crate::session::remember::Record;
use crate::session::summary::{InFlight, one_line, rotate_by_id, rotate_by_name};
use crate::session::unsettled::SignalWatch;
use crate::validate;

pub async fn create(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    args: CreateArgs,
) -> i32 {
    let json = args.json;
    Failure::reported(run(global, settings, config_path, args).await, json)
}

async fn run(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    args: CreateArgs,
) -> Result<i32, Failure> {
    let name = validate::name(&args.name)
        .map_err(|_| {
            let problem = validate::name_problem(&args.name).unwrap_or_default();
            let offer = validate::name_suggestion(&args.name)
                .map(|slug| format!("; --name {slug} would do"))
                .unwrap_or_default();
            Failure::usage(format!("--name: {problem}{offer}"))
        })?
        .to_string();
    let typed_description = args.description.as_deref().unwrap_or("");
    validate::description(typed_description)
        .map_err(|e| Failure::usage(format!("--description: {e}")))?;
    let project_id = settings.project_id.clone().ok_or_else(|| {
        Failure::usage("no project: pass --project ID or set INFISICAL_PROJECT_ID")
    })?;
    // Everything that can fail without the token is checked before reading it.
    let credentials = credentials(&settings).await?;
    let token = token_from_stdin()?;
    let client_id = match &credentials.credentials {
        Credentials::UniversalAuth { client_id, .. } => Some(client_id.clone()),
        _ => None,
    };
    let client = sign_in_with(global, &settings, credentials).await?;
    let expiry = ona_precheck(global, &token).await?;
    let recorded = expiry
        .as_ref()
        .and_then(|e| e.date.as_deref())
        .filter(|_| args.expiry_in_description);
    let description = description_to_send(typed_description, recorded)
        .map_err(|e| Failure::usage(format!("--description: {e}")))?;
    let request = CreateRequest {
        name,
        description,
        project_id,
        token,
    };
    if args.dry_run {
        // Validated and signed in; show exactly what would be sent, without the token.
        let out = serde_json::json!({
            "method": "POST",
            "url": settings.domain.api("/v1/app-connections/ona"),
            "body": request.body(false),
        });
        println!("{}", crate::sanitize::json(&out, true));
        return Ok(EXIT_OK);
    }
    let site = settings.domain.site();
    let token_expires = expiry.as_ref().and_then(|e| e.date.clone());
    let client = Arc::new(client);
    let record = Record {
        site: site.to_string(),
        project_id: Some(request.project_id.clone()),
        client_id: client_id.clone(),
        name: request.name.clone(),
        connection_id: String::new(),
        token_expires: token_expires.clone(),
    };
    let write = InFlight::create(&request, site, record);
    let signals = SignalWatch::start(config_path.clone(), args.json, "nothing was created");
    signals.unsettled(write.clone(), client.clone());
    let result = client.create_connection(&request, false).await;
    match &result {
        Ok(_) => signals.done(),
        Err(CreateError::OutcomeUnknown { .. }) => {}
        Err(_) => signals.nothing_created(),
    }
    let created = result.map_err(|e| {
        if let CreateError::OutcomeUnknown { .. } = e {
            return Failure::outcome_unknown(&e, &write);
        }
        let mut failure = Failure::from(&e);
        // A taken name: say how to replace that connection's token instead.
        let rotate = match &e {
            CreateError::NameTaken(holder) => Some(rotate_by_id(site, &holder.id)),
            CreateError::Rejected(Error::Api(api)) if api.is_duplicate_name() => {
                Some(rotate_by_name(site, &request.name, &request.project_id))
            }
            _ => None,
        };
        if let Some(command) = rotate {
            failure.line = format!("{}; to replace its token instead: {command}", failure.line);
            failure.json["rotate"] = serde_json::Value::String(command);
        }
        failure
    })?;
    remember_token(
        config_path.as_deref(),
        &settings,
        &created.connection,
        client_id,
        token_expires.clone(),
        "the connection was created",
    );
    if args.json {
        print_json_with_expiry(&created.connection, token_expires);
        return Ok(EXIT_OK);
    }
    if created.recovered {
        println!(
            "Created Ona connection {} (the answer was lost; found it by name)",
            one_line(&created.connection)
        );
    } else {
        println!("Created Ona connection {}", one_line(&created.connection));
    }
    if let Some(expiry) = &expiry {
        println!("The Ona token {}", expiry.text());
    }
    Ok(EXIT_OK)
}
