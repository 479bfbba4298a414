//! Route table, Infisical authentication and the endpoint handlers. Handlers are synchronous:
//! they take the store lock once, so each request sees and leaves a consistent state.

use std::sync::Mutex;

use hyper::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::demo;
use super::ona;
use super::projects::{self, project_not_found};
use super::reply::{self, ApiError, Resp};
use super::schema;
use super::state::{
    ACCESS_TOKEN_TTL, LOCKOUT_AFTER, LOCKOUT_SECONDS, State, StoredConnection, TokenKind,
    credentials_hash, now_millis,
};
use super::users;

/// A known endpoint; path parameters are kept raw (still percent-encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    Login,
    Renew,
    ListProjects,
    GetProject(String),
    Options,
    Available,
    Create,
    List,
    GetById(String),
    GetByName(String),
    Update(String),
    Delete(String),
    OnaIdentity,
    OnaUser,
    OnaListPats,
    /// The session checks of a browser sign-in (`users`).
    CheckAuth,
    CurrentUser,
    Organizations,
}

/// How a route authenticates its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// No token needed, but a present `Authorization` header is still parsed (docs/infisical-api.md §2.1).
    Public,
    /// User session JWT or identity access token; no service tokens.
    Infisical,
    /// Ona PAT, checked by the emulated Ona handler itself.
    Ona,
}

impl Route {
    pub(crate) fn lookup(method: &str, path: &str) -> Option<Route> {
        let rest = path.strip_prefix("/api/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        let route = match (method, segments.as_slice()) {
            ("POST", ["v1", "auth", "universal-auth", "login"]) => Route::Login,
            ("POST", ["v1", "auth", "token", "renew"]) => Route::Renew,
            ("GET", ["v1", "projects"]) => Route::ListProjects,
            ("GET", ["v1", "projects", id]) => Route::GetProject((*id).to_owned()),
            ("GET", ["v1", "app-connections", "options"]) => Route::Options,
            ("GET", ["v1", "app-connections", "ona", "available"]) => Route::Available,
            ("GET", ["v1", "app-connections", "ona", "connection-name", name]) => {
                Route::GetByName((*name).to_owned())
            }
            ("GET", ["v1", "app-connections", "ona"]) => Route::List,
            ("POST", ["v1", "app-connections", "ona"]) => Route::Create,
            ("GET", ["v1", "app-connections", "ona", id]) => Route::GetById((*id).to_owned()),
            ("PATCH", ["v1", "app-connections", "ona", id]) => Route::Update((*id).to_owned()),
            ("DELETE", ["v1", "app-connections", "ona", id]) => Route::Delete((*id).to_owned()),
            ("POST", ["gitpod.v1.IdentityService", "GetAuthenticatedIdentity"]) => {
                Route::OnaIdentity
            }
            ("POST", ["gitpod.v1.UserService", "GetAuthenticatedUser"]) => Route::OnaUser,
            ("POST", ["gitpod.v1.UserService", "ListPersonalAccessTokens"]) => Route::OnaListPats,
            ("POST", ["v1", "auth", "checkAuth"]) => Route::CheckAuth,
            ("GET", ["v1", "user"]) => Route::CurrentUser,
            ("GET", ["v1", "organization"]) => Route::Organizations,
            _ => return None,
        };
        Some(route)
    }

    pub(crate) fn auth(&self) -> Auth {
        match self {
            Route::Login | Route::Renew => Auth::Public,
            Route::OnaIdentity | Route::OnaUser | Route::OnaListPats => Auth::Ona,
            _ => Auth::Infisical,
        }
    }
}

pub(crate) const MALFORMED: &str = "The provided access token is malformed. Please use a valid token or generate a new one and try again.";
pub(crate) const BAD_SIGNATURE: &str = "invalid signature";
pub(crate) const EXPIRED: &str = "Your token has expired. Please re-authenticate.";
pub(crate) const REVOKED: &str = "No identity access token found";

/// Three non-empty base64url parts, the shape a JWT library accepts before checking signatures.
fn jwt_shaped(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// JWT checks shared by protected and public routes: shape, signature (known to this sandbox),
/// expiry. Revocation is a later database lookup in Infisical, so it comes last.
fn verify_jwt(state: &State, token: &str) -> Result<TokenKind, ApiError> {
    if !jwt_shaped(token) {
        return Err(reply::token_error(MALFORMED));
    }
    let info = state
        .tokens
        .get(token)
        .ok_or_else(|| reply::token_error(BAD_SIGNATURE))?;
    if info.expires_at <= OffsetDateTime::now_utc() {
        return Err(reply::token_error(EXPIRED));
    }
    if info.revoked {
        return Err(reply::unauthorized(REVOKED));
    }
    Ok(info.kind)
}

/// Infisical drops the first 7 characters (`Bearer `) without checking the scheme.
fn header_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(hyper::header::AUTHORIZATION)?;
    let bytes = value.as_bytes();
    Some(String::from_utf8_lossy(bytes.get(7..).unwrap_or_default()).into_owned())
}

/// Authentication step of the pipeline; `url` is path + query for the service-token message.
pub(crate) fn authenticate(
    state: &Mutex<State>,
    route: &Route,
    headers: &HeaderMap,
    url: &str,
) -> Result<(), ApiError> {
    let state = lock(state);
    match route.auth() {
        Auth::Ona => Ok(()),
        Auth::Public => match header_token(headers) {
            Some(token) if !token.starts_with("st.") => verify_jwt(&state, &token).map(drop),
            _ => Ok(()),
        },
        Auth::Infisical => {
            if headers.contains_key("x-api-key")
                && !headers.contains_key(hyper::header::AUTHORIZATION)
            {
                return Err(reply::bad_request(
                    "API key authentication is not supported anymore. Please switch to identity authentication.",
                ));
            }
            let token =
                header_token(headers).ok_or_else(|| reply::unauthorized("Token missing"))?;
            if token.starts_with("st.") {
                return Err(reply::error(
                    403,
                    &format!("Forbidden access to {url}"),
                    "You are not allowed to access this resource",
                ));
            }
            verify_jwt(&state, &token).map(drop)
        }
    }
}

pub(crate) fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic elsewhere must not turn every later request into a panic too.
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Everything a handler may need besides the store.
pub(crate) struct Request<'a> {
    pub query: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
    /// Parsed body; `None` when the request had none.
    pub body: Option<Value>,
}

impl Request<'_> {
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `projectId` query parameter; empty counts as absent (falsy in Infisical).
    fn project_id(&self) -> Option<&str> {
        self.query("projectId").filter(|p| !p.is_empty())
    }

    fn body_or_undefined(&self) -> Result<&Value, ApiError> {
        self.body
            .as_ref()
            .ok_or_else(|| reply::validation(vec![schema::invalid_type(&[], "object", None)]))
    }
}

pub(crate) fn dispatch(state: &Mutex<State>, route: Route, req: &Request<'_>) -> Resp {
    let mut state = lock(state);
    let result = match route {
        Route::Login => login(&mut state, req),
        Route::Renew => renew(&mut state, req),
        Route::ListProjects => projects::list(&state, req),
        Route::GetProject(id) => projects::get(&state, &id),
        Route::Options => Ok(reply::ok(&json!({
            "appConnectionOptions": [{"name": "Ona", "app": "ona", "methods": ["personal-access-token"]}]
        }))),
        Route::Available => Ok(available(&state, req)),
        Route::Create => create(&mut state, req),
        Route::List => list(&state, req),
        Route::GetById(id) => get_by_id(&state, &id),
        Route::GetByName(name) => get_by_name(&state, &name, req),
        Route::Update(id) => update(&mut state, &id, req),
        Route::Delete(id) => delete(&mut state, &id),
        Route::OnaIdentity => Ok(ona_reply(ona::get_authenticated_identity(
            &mut state,
            &ona::bearer(req.headers),
        ))),
        Route::OnaUser => Ok(ona_reply(ona::get_authenticated_user(
            &mut state,
            &ona::bearer(req.headers),
        ))),
        Route::CheckAuth | Route::CurrentUser | Route::Organizations => {
            users::answer(&state, &route, header_token(req.headers).as_deref())
        }
        Route::OnaListPats => {
            let body = req.body.clone().unwrap_or_else(|| json!({}));
            Ok(ona_reply(ona::list_personal_access_tokens(
                &mut state,
                &ona::bearer(req.headers),
                &body,
            )))
        }
    };
    result.unwrap_or_else(Resp::from)
}

fn ona_reply(result: Result<Value, ona::OnaError>) -> Resp {
    match result {
        Ok(body) => reply::ok(&body),
        Err(e) => reply::json(e.status(), &e),
    }
}

fn token_body(token: &str) -> Value {
    json!({"accessToken": token, "expiresIn": ACCESS_TOKEN_TTL, "accessTokenMaxTTL": ACCESS_TOKEN_TTL, "tokenType": "Bearer"})
}

fn login(state: &mut State, req: &Request<'_>) -> Result<Resp, ApiError> {
    let (client_id, secret) = schema::login(req.body_or_undefined()?).map_err(reply::validation)?;
    if client_id != demo::CLIENT_ID {
        return Err(reply::unauthorized("Invalid credentials"));
    }
    let now = OffsetDateTime::now_utc();
    let (failures, last) = state.ua_failures.entry(client_id).or_insert((0, now));
    if *failures >= LOCKOUT_AFTER {
        if now - *last < Duration::seconds(LOCKOUT_SECONDS) {
            return Err(reply::unauthorized(
                "This identity auth method is temporarily locked, please try again later",
            ));
        }
        *failures = 0;
    }
    if secret != demo::CLIENT_SECRET {
        *failures += 1;
        *last = now;
        return Err(reply::unauthorized("Invalid credentials"));
    }
    *failures = 0;
    let token = state.issue_identity_token();
    Ok(reply::ok(&token_body(&token)))
}

fn renew(state: &mut State, req: &Request<'_>) -> Result<Resp, ApiError> {
    let token = schema::renew(req.body_or_undefined()?).map_err(reply::validation)?;
    if verify_jwt(state, &token)? == TokenKind::User {
        return Err(reply::bad_request(
            "Only identity access tokens can be renewed",
        ));
    }
    if let Some(info) = state.tokens.get_mut(&token) {
        info.expires_at = OffsetDateTime::now_utc() + Duration::seconds(ACCESS_TOKEN_TTL);
    }
    Ok(reply::ok(&token_body(&token)))
}

fn available(state: &State, req: &Request<'_>) -> Resp {
    let project = req.project_id();
    let mut items: Vec<&StoredConnection> = state
        .connections
        .iter()
        .filter(|c| c.project_id.as_deref() == project)
        .collect();
    items.sort_by_key(|c| (c.name.to_lowercase(), c.name.clone()));
    let items: Vec<Value> = items
        .iter()
        .map(|c| json!({"app": "ona", "name": c.name, "id": c.id.to_string(), "projectId": c.project_id, "orgId": c.org_id}))
        .collect();
    reply::ok(&json!({ "appConnections": items }))
}

fn duplicate(name: &str) -> ApiError {
    reply::bad_request(format!(
        "An App Connection with the name \"{name}\" already exists"
    ))
}

/// Infisical's Ona check: any rejection becomes 400 with Ona's body, compact.
fn check_pat(state: &mut State, pat: &str) -> Result<(), ApiError> {
    ona::authenticate(state, pat)
        .map(drop)
        .map_err(|e| reply::bad_request(format!("Failed to validate credentials: {}", e.compact())))
}

fn create(state: &mut State, req: &Request<'_>) -> Result<Resp, ApiError> {
    let input = schema::create(req.body_or_undefined()?).map_err(reply::validation)?;
    if let Some(id) = &input.project_id
        && state.project(id).is_none()
    {
        return Err(reply::bad_request(format!(
            "Could not find project with ID {id}"
        )));
    }
    check_pat(state, &input.pat)?;
    if state.name_taken(&input.name, input.project_id.as_deref(), None) {
        return Err(duplicate(&input.name));
    }
    let now = now_millis();
    let connection = StoredConnection {
        id: Uuid::new_v4(),
        name: input.name,
        description: input.description,
        org_id: demo::ORG_ID.to_owned(),
        project_id: input.project_id,
        credentials_hash: credentials_hash(&input.pat),
        personal_access_token: input.pat,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let resp = reply::ok(&json!({ "appConnection": connection.to_json() }));
    state.connections.push(connection);
    Ok(resp)
}

fn list(state: &State, req: &Request<'_>) -> Result<Resp, ApiError> {
    let project = req.project_id();
    if let Some(id) = project
        && state.project(id).is_none()
    {
        return Err(project_not_found(id));
    }
    let mut items: Vec<&StoredConnection> = state
        .connections
        .iter()
        .filter(|c| project.is_none() || c.project_id.as_deref() == project)
        .collect();
    items.sort_by_key(|c| (c.name.to_lowercase(), c.name.clone()));
    let items: Vec<_> = items.iter().map(|c| c.to_list_json(state)).collect();
    Ok(reply::ok(&json!({ "appConnections": items })))
}

fn find(state: &State, raw_id: &str) -> Result<usize, ApiError> {
    let id = schema::connection_id(raw_id).map_err(reply::validation)?;
    state
        .connections
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| reply::not_found(format!("Could not find App Connection with ID {raw_id}")))
}

fn get_by_id(state: &State, raw_id: &str) -> Result<Resp, ApiError> {
    let index = find(state, raw_id)?;
    Ok(reply::ok(
        &json!({ "appConnection": state.connections[index].to_json() }),
    ))
}

pub(crate) fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

fn get_by_name(state: &State, raw_name: &str, req: &Request<'_>) -> Result<Resp, ApiError> {
    let decoded = decode(raw_name);
    let name = decoded.trim();
    if name.is_empty() {
        return Err(reply::validation(vec![json!({
            "origin": "string", "code": "too_small", "minimum": 1, "inclusive": true,
            "path": ["connectionName"], "message": schema::CONNECTION_NAME_REQUIRED,
        })]));
    }
    let project = req.project_id();
    let found = state
        .connections
        .iter()
        .find(|c| c.name == name && c.project_id.as_deref() == project);
    let scope = if project.is_some() {
        "project"
    } else {
        "organization"
    };
    let connection = found.ok_or_else(|| {
        reply::not_found(format!(
            "Could not find App Connection with name {name} in {scope} scope."
        ))
    })?;
    Ok(reply::ok(&json!({ "appConnection": connection.to_json() })))
}

fn update(state: &mut State, raw_id: &str, req: &Request<'_>) -> Result<Resp, ApiError> {
    // Fastify validates params before the body: a bad id is reported alone.
    schema::connection_id(raw_id).map_err(reply::validation)?;
    let input = schema::update(req.body_or_undefined()?).map_err(reply::validation)?;
    let index = find(state, raw_id)?;
    if let Some(pat) = &input.pat {
        check_pat(state, pat)?;
    }
    let (id, project) = (
        state.connections[index].id,
        state.connections[index].project_id.clone(),
    );
    if let Some(name) = &input.name
        && state.name_taken(name, project.as_deref(), Some(id))
    {
        return Err(duplicate(name));
    }
    let connection = &mut state.connections[index];
    if let Some(name) = input.name {
        connection.name = name;
    }
    if let Some(description) = input.description {
        connection.description = description;
    }
    if let Some(pat) = input.pat {
        connection.credentials_hash = credentials_hash(&pat);
        connection.personal_access_token = pat;
    }
    connection.updated_at = State::next_timestamp(connection.updated_at);
    Ok(reply::ok(&json!({ "appConnection": connection.to_json() })))
}

fn delete(state: &mut State, raw_id: &str) -> Result<Resp, ApiError> {
    let index = find(state, raw_id)?;
    let connection = state.connections.remove(index);
    Ok(reply::ok(&json!({ "appConnection": connection.to_json() })))
}
