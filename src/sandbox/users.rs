//! The demo user's session, as a browser sign-in checks it: `checkAuth`, the user, and the
//! organizations (docs/infisical-api.md §12). Only user sessions are answered; a machine
//! identity's token is refused as Infisical refuses it on these routes.

use serde_json::json;

use super::demo;
use super::reply::{self, ApiError, Resp};
use super::routes::Route;
use super::state::{State, TokenKind};

pub(crate) fn answer(state: &State, route: &Route, token: Option<&str>) -> Result<Resp, ApiError> {
    let is_user = token
        .and_then(|t| state.tokens.get(t))
        .is_some_and(|info| info.kind == TokenKind::User);
    // Every route here, checkAuth too, is for user sessions (JWT auth mode) only.
    if !is_user {
        return Err(reply::error(
            403,
            "Forbidden access to this route",
            "You are not allowed to access this resource",
        ));
    }
    if matches!(route, Route::CheckAuth) {
        return Ok(reply::ok(&json!({"message": "Authenticated"})));
    }
    Ok(reply::ok(&match route {
        Route::CurrentUser => json!({"user": {
            "id": demo::USER_ID, "email": demo::USER_EMAIL, "username": demo::USER_EMAIL,
            "firstName": "Dana", "lastName": "Developer"
        }}),
        _ => json!({"organizations": [{
            "id": demo::ORG_ID, "name": demo::ORG_NAME, "slug": "demo-organization", "userRole": "admin"
        }]}),
    }))
}

/// `GET /login`: a page that signs the demo user in the way Infisical's page does, by a
/// POST to the `callback_port` on 127.0.0.1, and shows the token to paste when that fails.
pub(crate) fn login_page() -> Resp {
    let page = include_str!("../../assets/sandbox-login.html")
        .replace("__TOKEN__", demo::USER_TOKEN)
        .replace("__EMAIL__", demo::USER_EMAIL)
        .replace("__ORG__", demo::ORG_NAME);
    reply::raw(200, page, Some("text/html; charset=utf-8"))
}
