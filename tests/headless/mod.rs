//! Runs the real driver (`app::run`) in-process against the sandbox, with keys fed through a
//! channel and the screen drawn into a `TestBackend` the test can read at any moment.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ona_connect::infisical::Timeouts;
use ona_connect::session::sign_in::Network;
use ona_connect::tui::ui::Theme;
use ona_connect::tui::{self, Context, Input, Interrupted};
use ona_connect::wizard::{Init, Outcome, State};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc;

/// A `TestBackend` behind a lock, so the test reads the screen while the driver draws.
#[derive(Clone)]
pub struct SharedBackend(pub Arc<Mutex<TestBackend>>);

impl Backend for SharedBackend {
    type Error = std::convert::Infallible;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        content: I,
    ) -> Result<(), Self::Error> {
        self.0.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.lock().unwrap().set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

pub struct Harness {
    screen: Arc<Mutex<TestBackend>>,
    keys: mpsc::UnboundedSender<std::io::Result<Event>>,
    pub run: tokio::task::JoinHandle<Result<Outcome, Interrupted>>,
}

pub fn timeouts(write: Duration) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_secs(5),
        write,
    }
}

impl Harness {
    /// Starts the wizard; `init` and `context` as the binary would build them.
    pub fn start(
        init: Init,
        timeouts: Timeouts,
        ona_api: Option<ona_connect::ona::OnaApi>,
    ) -> Harness {
        Harness::start_with_config(init, timeouts, ona_api, None)
    }

    /// Like `start`, remembering choices in `config_path`.
    pub fn start_with_config(
        init: Init,
        timeouts: Timeouts,
        ona_api: Option<ona_connect::ona::OnaApi>,
        config_path: Option<std::path::PathBuf>,
    ) -> Harness {
        let screen = Arc::new(Mutex::new(TestBackend::new(100, 30)));
        let (tx, rx) = mpsc::unbounded_channel::<std::io::Result<Event>>();
        let events = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|e| (e.map(Input::Event), rx))
        });
        let backend = SharedBackend(screen.clone());
        let (state, effects) = State::new(init);
        let context = Context {
            env_credentials: None,
            network: Network {
                ca_file: None,
                timeouts,
                retry: ona_connect::infisical::RetryPolicy {
                    base_delay: Duration::from_millis(20),
                    reconcile_delays: vec![Duration::ZERO, Duration::from_millis(100)],
                    ..Default::default()
                },
            },
            config_path,
            theme: Theme::PLAIN,
            terminal_env: None,
            ona_api,
        };
        let run = tokio::spawn(async move {
            let mut terminal = Terminal::new(backend).unwrap();
            tui::draw(&mut terminal, &state, &context);
            tui::run(&mut terminal, Box::pin(events), state, effects, context).await
        });
        Harness {
            screen,
            keys: tx,
            run,
        }
    }

    pub fn screen(&self) -> String {
        let backend = self.screen.lock().unwrap();
        let buffer = backend.buffer();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits until the screen contains `text`; fails with the screen when it does not.
    pub async fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
            .await
    }

    /// Waits until `ready` holds for the screen, which it returns; fails with `what` and the
    /// screen after [`crate::common::timeout`].
    pub async fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + crate::common::timeout();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn key(&self, code: KeyCode) {
        let _ = self
            .keys
            .send(Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    }

    pub fn ctrl(&self, c: char) {
        let _ = self.keys.send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        ))));
    }

    pub fn text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn paste(&self, text: &str) {
        let _ = self.keys.send(Ok(Event::Paste(text.into())));
    }

    pub fn enter(&self) {
        self.key(KeyCode::Enter);
    }
}

/// Waits (without blocking the runtime the driver shares) until `ready` holds; fails with
/// `what` after [`crate::common::timeout`].
pub async fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + crate::common::timeout();
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
