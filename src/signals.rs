//! The signals the program handles, as one stream. In the wizard SIGTERM, SIGINT and SIGHUP
//! end its loop like a quit, so the terminal is restored; SIGTSTP stops the program with the
//! terminal restored, and SIGCONT takes it back; SIGWINCH redraws at the new size. The plain
//! mode and the commands watch only the three that end the program.

/// What a signal asks of the wizard's loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signaled {
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

pub(crate) struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signaled, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Every signal the wizard's loop handles.
    pub(crate) fn wizard() -> Signals {
        Signals::for_kinds(true)
    }

    /// SIGTERM, SIGINT and SIGHUP only: job control and resizes keep their defaults.
    pub(crate) fn ending() -> Signals {
        Signals::for_kinds(false)
    }

    fn for_kinds(wizard: bool) -> Signals {
        #[cfg(unix)]
        {
            use rustix::process::Signal;
            use tokio::signal::unix::{SignalKind, signal};
            let mut kinds = vec![
                (Signaled::End(15), SignalKind::terminate()),
                (Signaled::End(2), SignalKind::interrupt()),
                (Signaled::End(1), SignalKind::hangup()),
            ];
            if wizard {
                kinds.extend([
                    (Signaled::Stop, SignalKind::from_raw(Signal::TSTP.as_raw())),
                    (
                        Signaled::Continue,
                        SignalKind::from_raw(Signal::CONT.as_raw()),
                    ),
                    (Signaled::Resize, SignalKind::window_change()),
                ]);
            }
            Signals {
                streams: kinds
                    .into_iter()
                    .filter_map(|(n, k)| signal(k).ok().map(|s| (n, s)))
                    .collect(),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = wizard;
            Signals {}
        }
    }

    pub(crate) async fn recv(&mut self) -> Signaled {
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
