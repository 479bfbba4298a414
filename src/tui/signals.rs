//! SIGTERM, SIGINT and SIGHUP end the wizard's loop like a quit, so the terminal is restored;
//! SIGTSTP stops the program with the terminal restored, and SIGCONT takes it back; SIGWINCH
//! redraws at the new size.

/// What a signal asks of the wizard's loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Signaled {
    /// End, with this signal's number in the exit status.
    End(i32),
    /// SIGTSTP: stop until continued.
    Stop,
    /// SIGCONT: continued (after our stop or anyone's SIGSTOP).
    Continue,
    /// SIGWINCH: the terminal's size changed (our key reader, unlike crossterm's, does not
    /// watch for it).
    Resize,
}

pub(super) struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signaled, tokio::signal::unix::Signal)>,
}

impl Signals {
    pub(super) fn new() -> Signals {
        #[cfg(unix)]
        {
            use rustix::process::Signal;
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (Signaled::End(15), SignalKind::terminate()),
                (Signaled::End(2), SignalKind::interrupt()),
                (Signaled::End(1), SignalKind::hangup()),
                (Signaled::Stop, SignalKind::from_raw(Signal::TSTP.as_raw())),
                (
                    Signaled::Continue,
                    SignalKind::from_raw(Signal::CONT.as_raw()),
                ),
                (Signaled::Resize, SignalKind::window_change()),
            ];
            Signals {
                streams: kinds
                    .into_iter()
                    .filter_map(|(n, k)| signal(k).ok().map(|s| (n, s)))
                    .collect(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    pub(super) async fn recv(&mut self) -> Signaled {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let futures = self.streams.iter_mut().map(|(n, s)| {
                let n = *n;
                Box::pin(async move {
                    s.recv().await;
                    n
                })
            });
            futures::future::select_all(futures).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}
