//! The driver: the one impure loop. It turns terminal events into intents, runs the effects
//! `update` asks for (in [`super::effects`]), feeds results back as messages and draws only
//! when something changed.

use std::io::Write;
use std::time::Duration;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

pub use super::context::Context;
use super::effects::{Driver, Report};
use super::hyperlinks::hyperlink_pass;
pub use super::input::Input;
use super::ui::{self};
use crate::session::summary::InFlight;
use crate::signals::{Signaled, Signals};
use crate::wizard::{self, Effect, Msg, Outcome, State, Viewport};

/// Why the loop ended other than through the wizard, with the create or rotation whose
/// outcome was unknown then (in flight, or its answer lost), after the lookup on the way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupted {
    /// A signal such as SIGTERM or SIGHUP (the number).
    Signal(i32, Option<InFlight>),
    /// The terminal went away.
    TerminalClosed(Option<InFlight>),
}

/// The wizard's event loop. The caller draws the first frame with [`draw`] beforehand, so
/// the binary can show it before the async runtime exists.
pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    mut events: E,
    mut state: State,
    initial: Vec<Effect>,
    context: Context,
) -> Result<Outcome, Interrupted>
where
    B: Backend,
    E: Stream<Item = std::io::Result<Input>> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Report>();
    let mut driver = Driver::new(context, tx);
    let mut tick = tokio::time::interval(Duration::from_millis(
        1000 / u64::from(wizard::TICKS_PER_SECOND),
    ));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // Signal handlers are installed after the first frame: nothing delays it.
    let mut signals = Signals::wizard();
    let panic_on_key = test_panics();
    for effect in initial {
        driver.run(effect);
    }
    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Input::Event(Event::Key(key)))) => {
                    if panic_on_key.fires(&state) {
                        panic!("test panic in the UI thread");
                    }
                    wizard::intent_for(&state, key).map(Msg::Key)
                }
                Some(Ok(Input::Event(Event::Paste(text)))) => Some(Msg::Paste(text)),
                Some(Ok(Input::Event(Event::Resize(..)))) => {
                    let _ = terminal.autoresize();
                    redraw(terminal, &mut state, &driver.context);
                    None
                }
                // The terminal answered the background query: the same screen in the palette
                // for its background. Only the cells whose colours change are written.
                Some(Ok(Input::Theme(theme))) => {
                    if theme != driver.context.theme {
                        driver.context.theme = theme;
                        redraw(terminal, &mut state, &driver.context);
                    }
                    None
                }
                Some(Ok(_)) => None,
                // EOF or EIO: the terminal is gone (SSH dropped); leave instead of spinning.
                Some(Err(_)) | None => {
                    let write = looked_up(&driver, state.unsettled()).await;
                    return Err(Interrupted::TerminalClosed(write));
                }
            },
            report = rx.recv() => report.map(|r| driver.receive(r)),
            _ = tick.tick(), if state.busy() => Some(Msg::Tick),
            signal = signals.recv() => match signal {
                Signaled::End(n) => {
                    let write = looked_up(&driver, state.unsettled()).await;
                    return Err(Interrupted::Signal(n, write));
                }
                Signaled::Stop => {
                    super::terminal::suspend();
                    None
                }
                Signaled::Continue => {
                    resume(terminal, &state, &driver.context);
                    None
                }
                Signaled::Resize => {
                    let _ = terminal.autoresize();
                    redraw(terminal, &mut state, &driver.context);
                    None
                }
            },
        };
        let Some(msg) = msg else { continue };
        let mut exit = false;
        for effect in wizard::update(&mut state, msg) {
            match effect {
                Effect::Exit => exit = true,
                // Continued by SIGCONT, which redraws.
                Effect::Suspend if super::terminal::a_shell_can_continue_us() => {
                    super::terminal::suspend()
                }
                Effect::Suspend => {}
                effect => driver.run(effect),
            }
        }
        if exit {
            return Ok(match state.take_exit().unwrap_or(Outcome::Cancelled) {
                Outcome::Abandoned(write) => Outcome::Abandoned(driver.look_up(write).await),
                outcome => outcome,
            });
        }
        redraw(terminal, &mut state, &driver.context);
    }
}

async fn looked_up(driver: &Driver, write: Option<InFlight>) -> Option<InFlight> {
    match write {
        Some(write) => Some(driver.look_up(write).await),
        None => None,
    }
}

/// Draws, then tells the state what the frame showed of the body, so scrolling stays within it.
fn redraw<B: Backend>(terminal: &mut Terminal<B>, state: &mut State, context: &Context) {
    if let Some(viewport) = draw(terminal, state, context)
        && state.viewport() != Some(viewport)
    {
        wizard::update(state, Msg::Viewport(viewport));
    }
}

/// Continued after a stop: the terminal is taken back and the whole screen drawn again, every
/// value as it was (the shell drew over the screen meanwhile).
fn resume<B: Backend>(terminal: &mut Terminal<B>, state: &State, context: &Context) {
    let _ = super::terminal::resume();
    let _ = terminal.clear();
    draw(terminal, state, context);
}

/// Renders `state` and, where the terminal shows them, puts OSC 8 links over its link rows.
/// Returns what the frame showed of the scrollable body.
pub fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &State,
    context: &Context,
) -> Option<Viewport> {
    let mut viewport = None;
    let Ok(frame) = terminal.draw(|frame| {
        viewport = Some(ui::render_reporting(state, context.theme, frame));
    }) else {
        return None;
    };
    if let Some(env) = context.terminal_env.as_ref().filter(|e| e.hyperlinks) {
        let sequences = hyperlink_pass(frame.buffer, state, env);
        if !sequences.is_empty() {
            let mut out = std::io::stdout();
            let _ = out
                .write_all(sequences.as_bytes())
                .and_then(|()| out.flush());
        }
    }
    viewport
}

/// When a key makes the UI thread panic (debug builds, for tests).
#[derive(Clone, Copy, PartialEq)]
enum PanicOnKey {
    Never,
    Any,
    /// Only on the connection form, so a test can panic with the token in its field.
    OnForm,
}

impl PanicOnKey {
    fn fires(self, state: &State) -> bool {
        match self {
            PanicOnKey::Never => false,
            PanicOnKey::Any => true,
            PanicOnKey::OnForm => state.screen() == wizard::Screen::Form,
        }
    }
}

/// Debug builds only: `ONA_CONNECT_TEST_PANIC=ui|form|task` injects a panic, so tests can
/// check that the terminal is restored and the program ends.
fn test_panics() -> PanicOnKey {
    if !cfg!(debug_assertions) {
        return PanicOnKey::Never;
    }
    match std::env::var("ONA_CONNECT_TEST_PANIC").as_deref() {
        Ok("task") => {
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                panic!("test panic in a task");
            });
            PanicOnKey::Never
        }
        Ok("ui") => PanicOnKey::Any,
        Ok("form") => PanicOnKey::OnForm,
        _ => PanicOnKey::Never,
    }
}
