//! Writes whose outcome the program does not know: a create or rotation in flight, or one
//! whose answer was lost. What may be said about them, when a later answer settles them, and
//! the quick lookup on the way out that can tell the truth instead of "unknown". The one
//! exception to this layer's "nothing here prints": the line that says so ([`report`]) must be
//! the same from every front end, and a signal ([`SignalWatch`]) leaves no front end to print it.

use std::path::Path;
use std::time::Duration;

use super::remember;
use super::summary::{InFlight, SentBefore};
use crate::infisical::{Client, CreateError, CreateRequest, Error};

/// How long leaving may wait for the lookup that settles an unknown outcome.
pub const QUICK_LOOKUP: Duration = Duration::from_secs(3);

/// The last create or rotation whose answer never came (no answer after sending, a broken
/// connection, a 5xx): it may have been carried out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LostAnswer(Option<InFlight>);

impl LostAnswer {
    pub fn write(&self) -> Option<&InFlight> {
        self.0.as_ref()
    }

    /// Whether `request` repeats the create whose answer was lost: only then does finding its
    /// name mean that earlier create worked (another name found is someone else's).
    pub fn repeated_by(&self, request: &CreateRequest) -> bool {
        self.0.as_ref().is_some_and(|lost| {
            !lost.rotation
                && lost.name == request.name
                && lost.project_id.as_deref().unwrap_or_default() == request.project_id
        })
    }

    /// Takes in the outcome of the create `sent`. Its answer lost: it is now the unknown one.
    /// Answered (created, or refused after the lookup by its name): it is settled. A lookup
    /// that failed sent nothing and settles nothing.
    pub fn after_create<T>(&mut self, sent: &InFlight, result: &Result<T, CreateError>) {
        match result {
            Err(CreateError::OutcomeUnknown { .. }) => self.0 = Some(sent.clone()),
            Err(CreateError::LookupFailed(_)) => {}
            _ if self.0.as_ref().is_some_and(|lost| same_write(lost, sent)) => self.0 = None,
            _ => {}
        }
    }

    /// Takes in the outcome of the rotation `sent`. Only a success settles an earlier lost
    /// answer: a refusal of the resend says nothing about whether the first one was applied.
    pub fn after_rotation<T>(&mut self, sent: &InFlight, result: &Result<T, Error>) {
        match result {
            Err(e) if e.outcome_unknown() => self.0 = Some(sent.clone()),
            Ok(_) if self.0.as_ref().is_some_and(|lost| same_write(lost, sent)) => self.0 = None,
            _ => {}
        }
    }

    /// What Review may say about earlier creates, once `sent_any` says whether one went out.
    pub fn sent_before(&self, sent_any: bool) -> SentBefore {
        match (sent_any, &self.0) {
            (false, _) => SentBefore::Never,
            (true, Some(lost)) if !lost.rotation => SentBefore::OutcomeUnknown,
            (true, _) => SentBefore::NotCreated,
        }
    }
}

fn same_write(a: &InFlight, b: &InFlight) -> bool {
    a.rotation == b.rotation && a.name == b.name && a.project_id == b.project_id
}

/// On the way out with a create whose outcome is unknown: a lookup by name (at most
/// [`QUICK_LOOKUP`]) that, when it finds the connection, records it in the config as an
/// answered create would be and marks it found. A rotation cannot be told apart this way.
pub async fn look_up(mut write: InFlight, client: &Client, config: Option<&Path>) -> InFlight {
    if write.rotation || write.found.is_some() {
        return write;
    }
    let lookup = client.find_connection_by_name(&write.name, write.project_id.as_deref());
    if let Ok(Ok(Some(found))) = tokio::time::timeout(QUICK_LOOKUP, lookup).await {
        if let (Some(mut record), Some(path)) = (write.remember.take(), config) {
            record.connection_id = found.id.clone();
            record.project_id = found.project_id.clone();
            if let Err(e) = remember::remember(path, &record) {
                tracing::warn!("the config could not be written: {e}");
            }
        }
        write.found = Some(found.id);
    }
    write
}

/// Says the truth about `write` on stderr and in the log (after a hang-up stderr may be
/// gone); with `json`, also as one JSON object, like the commands' other errors.
pub fn report(write: &InFlight, json: bool) {
    use std::io::Write;
    let line = super::summary::in_flight_line(write);
    tracing::warn!("{line}");
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "ona-connect: {line}");
    if json {
        let error = if write.found.is_some() {
            "CreatedAfterAll"
        } else {
            "OutcomeUnknown"
        };
        let object =
            serde_json::json!({ "error": error, "message": line, "connectionId": write.found });
        let _ = writeln!(stderr, "{}", crate::sanitize::json(&object, false));
    }
}

/// What a signal would interrupt, for the front ends without an event loop (the plain mode
/// and the commands).
enum Watched {
    /// No create was sent, or every one sent was answered without a connection.
    NothingCreated,
    /// A write in flight, or one whose answer was lost, with the client to look it up.
    Unsettled(InFlight, std::sync::Arc<Client>),
    /// A connection was created or a token replaced: nothing is left to say.
    Done,
}

/// Watches SIGINT, SIGTERM and SIGHUP for the rest of the run, so that a signal during or
/// after an unanswered write says what became of it (after the quick lookup) instead of
/// ending silently. The terminal is given back first: a prompt may have it in raw mode.
#[derive(Clone)]
pub struct SignalWatch {
    watched: std::sync::Arc<std::sync::Mutex<Watched>>,
}

impl SignalWatch {
    /// `json`: the commands' `--json`; `nothing_changed`: what to say when a signal comes before
    /// anything was changed ("nothing was created"). Must run inside the tokio runtime.
    pub fn start(
        config: Option<std::path::PathBuf>,
        json: bool,
        nothing_changed: &'static str,
    ) -> SignalWatch {
        let watch = SignalWatch {
            watched: std::sync::Arc::new(std::sync::Mutex::new(Watched::NothingCreated)),
        };
        #[cfg(unix)]
        {
            let watched = watch.watched.clone();
            let mut signals = crate::signals::Signals::ending();
            tokio::spawn(async move {
                let n = loop {
                    if let crate::signals::Signaled::End(n) = signals.recv().await {
                        break n;
                    }
                };
                let _ = crossterm::terminal::disable_raw_mode();
                let now = std::mem::replace(&mut *lock(&watched), Watched::Done);
                match now {
                    Watched::Unsettled(write, client) => {
                        report(&look_up(write, &client, config.as_deref()).await, json);
                    }
                    Watched::NothingCreated => {
                        eprintln!("\nona-connect: cancelled; {nothing_changed}.");
                    }
                    Watched::Done => {}
                }
                std::process::exit(128 + n);
            });
        }
        #[cfg(not(unix))]
        let _ = (config, json, nothing_changed);
        watch
    }

    /// `write` went out (or its answer was lost): a signal now looks it up and reports it.
    pub fn unsettled(&self, write: InFlight, client: std::sync::Arc<Client>) {
        *lock(&self.watched) = Watched::Unsettled(write, client);
    }

    /// Every create sent so far was answered without a connection.
    pub fn nothing_created(&self) {
        *lock(&self.watched) = Watched::NothingCreated;
    }

    /// The connection exists or the token was replaced.
    pub fn done(&self) {
        *lock(&self.watched) = Watched::Done;
    }
}

fn lock(watched: &std::sync::Mutex<Watched>) -> std::sync::MutexGuard<'_, Watched> {
    watched
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
