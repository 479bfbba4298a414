//! Scripted misbehaviour, so client tests can exercise retries, timeouts and ambiguous outcomes
//! against the same server that otherwise follows the reference.

use std::time::Duration;

use super::routes::Route;

/// Which endpoint(s) a [`Fault`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultRoute {
    /// `POST /api/v1/app-connections/ona`
    Create,
    /// `PATCH /api/v1/app-connections/ona/{id}`
    Update,
    /// `DELETE /api/v1/app-connections/ona/{id}`
    Delete,
    /// `POST /api/v1/auth/universal-auth/login`
    Login,
    /// `GET /api/v1/projects`
    ListProjects,
    /// `GET /api/v1/app-connections/ona/connection-name/{name}`
    GetByName,
    /// `GET /api/v1/app-connections/ona/{id}`
    GetById,
    /// `GET /api/v1/app-connections/ona`
    ListConnections,
    /// `POST /api/gitpod.v1.IdentityService/GetAuthenticatedIdentity`
    OnaIdentity,
    /// `POST /api/gitpod.v1.UserService/GetAuthenticatedUser`
    OnaUser,
    /// `POST /api/gitpod.v1.UserService/ListPersonalAccessTokens`
    OnaListPats,
    /// Every known route.
    Any,
}

impl FaultRoute {
    pub(crate) fn matches(self, route: &Route) -> bool {
        match self {
            FaultRoute::Any => true,
            FaultRoute::Create => matches!(route, Route::Create),
            FaultRoute::Update => matches!(route, Route::Update(_)),
            FaultRoute::Delete => matches!(route, Route::Delete(_)),
            FaultRoute::Login => matches!(route, Route::Login),
            FaultRoute::ListProjects => matches!(route, Route::ListProjects),
            FaultRoute::GetByName => matches!(route, Route::GetByName(_)),
            FaultRoute::GetById => matches!(route, Route::GetById(_)),
            FaultRoute::ListConnections => matches!(route, Route::List),
            FaultRoute::OnaIdentity => matches!(route, Route::OnaIdentity),
            FaultRoute::OnaUser => matches!(route, Route::OnaUser),
            FaultRoute::OnaListPats => matches!(route, Route::OnaListPats),
        }
    }
}

/// What the sandbox does instead of (or before) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer normally: uses up one turn, so the rules after it apply from the next request.
    Pass,
    /// Wait, then answer normally.
    Delay(Duration),
    /// 500 `InternalServerError` / `Something went wrong`.
    Status500,
    /// 429 `RateLimitExceeded`; `retry_after` seconds also go into the message (60 when `None`).
    Status429 { retry_after: Option<u64> },
    /// Raw answer: status, body, optional content type.
    Status(u16, String, Option<String>),
    /// Perform the operation (e.g. store the connection), then close the socket unanswered:
    /// the client cannot know whether it worked.
    StoreThenDrop,
    /// Perform the operation (e.g. store the connection) at once, then hold the answer until
    /// [`super::Sandbox::release_held`]: a slow server whose write has already happened,
    /// answering exactly when a test says so.
    StoreThenHold,
    /// Answer normally, but send the body one byte per interval: a server that is there but
    /// never quite answers.
    Drip(Duration),
    /// Close the socket without handling the request at all.
    DropBeforeHandling,
    /// Never answer (until the sandbox shuts down), to exercise client timeouts.
    Hang,
    /// 307 Temporary Redirect to this location.
    Redirect(String),
}

/// One rule of the fault script: the first rule whose route matches and that has `times` left
/// is applied (after route lookup and authentication) and its count goes down by one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub route: FaultRoute,
    pub times: usize,
    pub action: FaultAction,
}

impl Fault {
    pub fn new(route: FaultRoute, times: usize, action: FaultAction) -> Self {
        Fault {
            route,
            times,
            action,
        }
    }
}

/// Takes the action of the first applicable rule, consuming one of its uses.
pub(crate) fn take(script: &mut Vec<Fault>, route: &Route) -> Option<FaultAction> {
    let pos = script
        .iter()
        .position(|f| f.times > 0 && f.route.matches(route))?;
    let fault = &mut script[pos];
    fault.times -= 1;
    let action = fault.action.clone();
    if fault.times == 0 {
        script.remove(pos);
    }
    Some(action)
}
