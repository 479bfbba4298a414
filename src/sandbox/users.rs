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
    if matches!(route, Route::CheckAuth) {
        return Ok(reply::ok(&json!({"message": "Authenticated"})));
    }
    if !is_user {
        return Err(reply::error(
            403,
            "Forbidden access to this route",
            "You are not allowed to access this resource",
        ));
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
