//! A terminal's answers to the background query, for the PTY harness ([`super::Wizard`]).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How the PTY answers the background query the wizard sends with its first frame
/// (`ESC ] 11 ; ?`, then DA1's `ESC [ c`), as a terminal does: in order, after `delay`.
#[derive(Debug, Clone, Copy)]
pub struct Answers {
    /// The colour in the OSC 11 answer (`rgb:ffff/ffff/ffff`); `None`: a terminal that does
    /// not know OSC 11 and answers only DA1.
    pub background: Option<&'static str>,
    /// The round trip: a slow SSH link's, or longer than the wizard waits.
    pub delay: Duration,
}

impl Answers {
    pub const DARK: &'static str = "rgb:0000/0000/0000";
    pub const LIGHT: &'static str = "rgb:ffff/ffff/ffff";

    /// At once, with `background`.
    pub fn at_once(background: &'static str) -> Answers {
        Answers {
            background: Some(background),
            delay: Duration::ZERO,
        }
    }

    /// The bytes a terminal sends back for one query.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(colour) = self.background {
            out.extend_from_slice(format!("\x1b]11;{colour}\x1b\\").as_bytes());
        }
        out.extend_from_slice(b"\x1b[?62;22c");
        out
    }

    /// Answers each query in `raw` that starts at or after `from` (a thread per answer, so
    /// the transcript keeps being read); returns where to look next time.
    pub(super) fn answer_queries(
        self,
        raw: &[u8],
        from: usize,
        writer: &Arc<Mutex<Box<dyn Write + Send>>>,
    ) -> usize {
        const QUERY: &[u8] = b"\x1b]11;?";
        let mut at = from;
        while let Some(i) = raw[at..].windows(QUERY.len()).position(|w| w == QUERY) {
            at += i + QUERY.len();
            let writer = writer.clone();
            std::thread::spawn(move || {
                std::thread::sleep(self.delay);
                let mut w = writer.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = w.write_all(&self.bytes()).and_then(|()| w.flush());
            });
        }
        // A query cut by the end of this read is found next time.
        at.max(raw.len().saturating_sub(QUERY.len() - 1))
    }
}
