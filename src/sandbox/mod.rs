//! An in-process, in-memory Infisical-compatible HTTP/1.1 server on 127.0.0.1 (with an
//! emulated Ona API under the same `/api`), for tests, end-to-end runs and `ona-connect demo`.
//! It follows `infisical-api.md`: error envelopes, validation order, scopes, the Ona PAT check.
//!
//! The server runs on its own thread and runtime, so it works the same from sync code, from a
//! `#[tokio::test]` and from the CLI, and shutting it down cancels every hanging connection.

pub mod demo;
mod faults;
mod ona;
mod projects;
mod reply;
mod routes;
mod schema;
mod server;
mod state;
mod users;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;
use uuid::Uuid;

pub use faults::{Fault, FaultAction, FaultRoute};
pub use state::{OnaPat, StoredConnection};

use state::{PatRecord, State};

/// Called once per request with its outcome; meant for one log line per request (no bodies).
pub type RequestLogger = Arc<dyn Fn(&LogLine) + Send + Sync>;

/// How to start a [`Sandbox`].
#[derive(Clone, Default)]
pub struct SandboxOptions {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Added before every answer, to make the UI's waiting states visible.
    pub delay: Duration,
    /// Receives one [`LogLine`] per request once it is answered (or dropped).
    pub on_request: Option<RequestLogger>,
}

impl fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("port", &self.port)
            .field("delay", &self.delay)
            .field("on_request", &self.on_request.is_some())
            .finish()
    }
}

/// One request as it arrived, with the status it was answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path as sent (still percent-encoded, trailing slash kept).
    pub path: String,
    pub query: Option<String>,
    /// Header names are lowercase; values lossily decoded.
    pub headers: Vec<(String, String)>,
    /// Empty when the body was absent or over the size limit.
    pub body: Vec<u8>,
    /// `None` while unanswered, or when the connection was dropped / left hanging.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// First value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// `(method, path, status)` of one request: what a foreground sandbox prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub method: String,
    pub path: String,
    /// `None`: the connection was dropped or left hanging on purpose (a fault).
    pub status: Option<u16>,
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "{} {} -> {status}", self.method, self.path),
            None => write!(f, "{} {} -> (no response)", self.method, self.path),
        }
    }
}

/// State shared between the control handle and the server thread.
pub(crate) struct Shared {
    state: Mutex<State>,
    requests: Mutex<Vec<RecordedRequest>>,
    delay: Duration,
    on_request: Option<RequestLogger>,
    /// Answers held by [`FaultAction::StoreThenHold`] wait for a permit from here.
    held: tokio::sync::Semaphore,
}

impl Shared {
    fn requests(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, request: RecordedRequest) -> usize {
        let mut requests = self.requests();
        requests.push(request);
        requests.len() - 1
    }

    fn finish(&self, index: usize, status: Option<u16>) {
        let line = {
            let mut requests = self.requests();
            let Some(request) = requests.get_mut(index) else {
                return;
            };
            request.status = status;
            LogLine {
                method: request.method.clone(),
                path: request.path.clone(),
                status,
            }
        };
        if let Some(log) = &self.on_request {
            log(&line);
        }
    }
}

/// A running sandbox. Dropping it (or [`Sandbox::shutdown`]) stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn site_url(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

fn api_url(addr: SocketAddr) -> String {
    format!("{}/api", site_url(addr))
}

/// A sandbox whose port is bound but which serves nothing yet: its address is known at
/// once, and the thread and runtime that serve it can start later (the demo starts them after
/// its first frame). Connections made meanwhile wait in the listen queue.
pub struct BoundSandbox {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    options: SandboxOptions,
}

impl BoundSandbox {
    /// Binds 127.0.0.1:`options.port`.
    pub fn bind(options: SandboxOptions) -> io::Result<BoundSandbox> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(BoundSandbox {
            listener,
            addr,
            options,
        })
    }

    /// Site URL, as [`Sandbox::url`].
    pub fn url(&self) -> String {
        site_url(self.addr)
    }

    /// Ona API base, as [`Sandbox::ona_api_url`].
    pub fn ona_api_url(&self) -> String {
        api_url(self.addr)
    }

    /// Starts serving the seeded state (see [`demo`]) on a thread of its own.
    pub fn serve(self) -> io::Result<Sandbox> {
        let BoundSandbox {
            listener,
            addr,
            options,
        } = self;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            requests: Mutex::new(Vec::new()),
            delay: options.delay,
            on_request: options.on_request,
            held: tokio::sync::Semaphore::new(0),
        });
        let (tx, rx) = oneshot::channel();
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("sandbox-{}", addr.port()))
            .spawn(move || runtime.block_on(server::run(listener, server_shared, rx)))?;
        Ok(Sandbox {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }
}

impl Sandbox {
    /// Binds 127.0.0.1:`options.port` and starts serving the seeded state (see [`demo`]).
    pub fn start(options: SandboxOptions) -> io::Result<Sandbox> {
        BoundSandbox::bind(options)?.serve()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Site URL, e.g. `http://127.0.0.1:8080` (the Infisical API is under `/api`).
    pub fn url(&self) -> String {
        site_url(self.addr)
    }

    /// Infisical API base, `<url>/api`.
    pub fn api_url(&self) -> String {
        api_url(self.addr)
    }

    /// Ona API base (the emulated Ona lives on the same server): `<url>/api`.
    pub fn ona_api_url(&self) -> String {
        self.api_url()
    }

    /// Lets one answer held by [`FaultAction::StoreThenHold`] go (now or when it comes).
    pub fn release_held(&self) {
        self.shared.held.add_permits(1);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().clone()
    }

    /// `(method, path, status)` of every request so far.
    pub fn request_log(&self) -> Vec<LogLine> {
        self.shared
            .requests()
            .iter()
            .map(|r| LogLine {
                method: r.method.clone(),
                path: r.path.clone(),
                status: r.status,
            })
            .collect()
    }

    pub fn clear_requests(&self) {
        self.shared.requests().clear();
    }

    /// Stored connections in creation order.
    pub fn connections(&self) -> Vec<StoredConnection> {
        routes::lock(&self.shared.state).connections.clone()
    }

    /// Registers an Ona PAT for the demo Ona user; returns its record id.
    pub fn add_ona_pat(&self, token: &str, pat: OnaPat) -> Uuid {
        let id = Uuid::new_v4();
        let record = PatRecord {
            id,
            user_id: demo::ONA_USER_ID.to_owned(),
            pat,
            revoked: false,
            last_used: None,
            read_only: false,
        };
        routes::lock(&self.shared.state)
            .ona_pats
            .insert(token.to_owned(), record);
        id
    }

    /// Marks a PAT as created with Read access only (`readOnly` in its record).
    pub fn make_ona_pat_read_only(&self, token: &str) -> bool {
        routes::lock(&self.shared.state)
            .ona_pats
            .get_mut(token)
            .map(|r| r.read_only = true)
            .is_some()
    }

    /// Ona then answers `unauthenticated` for this PAT. Returns whether it existed.
    pub fn revoke_ona_pat(&self, token: &str) -> bool {
        let mut state = routes::lock(&self.shared.state);
        state
            .ona_pats
            .get_mut(token)
            .map(|r| r.revoked = true)
            .is_some()
    }

    /// A new valid identity access token (as if the demo identity had logged in).
    pub fn issue_access_token(&self) -> String {
        routes::lock(&self.shared.state).issue_identity_token()
    }

    /// Every token issued so far (the demo user token included) now fails as expired.
    pub fn expire_access_tokens(&self) {
        let past = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
        for info in routes::lock(&self.shared.state).tokens.values_mut() {
            info.expires_at = past;
        }
    }

    /// The token then fails with 401 `No identity access token found`. Returns whether it existed.
    pub fn revoke_access_token(&self, token: &str) -> bool {
        let mut state = routes::lock(&self.shared.state);
        state
            .tokens
            .get_mut(token)
            .map(|t| t.revoked = true)
            .is_some()
    }

    /// Appends a rule to the fault script.
    pub fn add_fault(&self, fault: Fault) {
        routes::lock(&self.shared.state).faults.push(fault);
    }

    /// Drops the rest of the fault script: from now on every request is answered normally.
    pub fn clear_faults(&self) {
        routes::lock(&self.shared.state).faults.clear();
    }

    /// Stops the server and closes every connection, hanging ones included.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
