//! Scrolling a screen's body that does not fit. The view reports how many rows are hidden
//! and how tall a page is ([`Viewport`], through `Msg::Viewport` after each frame); the offset
//! is state, changed here by an intent per key and kept within what the view reported.

use super::msg::Intent;
use super::state::State;

/// What the last frame showed of the body: rows hidden below the first page (the largest
/// useful offset) and how many rows one page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub hidden: usize,
    pub page: usize,
}

impl Viewport {
    /// A body that fits: nothing to scroll.
    pub const FITS: Viewport = Viewport { hidden: 0, page: 0 };
}

/// Before any frame reported its size, a page is the body of the smallest supported terminal.
const DEFAULT_PAGE: usize = 14;

impl State {
    /// How far the body is scrolled down, in rows.
    pub fn scroll(&self) -> usize {
        self.scroll
    }
    /// What the last frame reported about the body; `None` before the first report.
    pub fn viewport(&self) -> Option<Viewport> {
        self.viewport
    }
}

pub(super) fn intent(state: &mut State, intent: Intent) {
    let page = match state.viewport {
        None => DEFAULT_PAGE,
        // One row of the previous page stays in sight, so the reader keeps their place.
        Some(v) => v.page.saturating_sub(1).max(1),
    };
    state.scroll = match intent {
        Intent::ScrollUp => state.scroll.saturating_sub(1),
        Intent::ScrollDown => state.scroll + 1,
        Intent::PageUp => state.scroll.saturating_sub(page),
        Intent::PageDown => state.scroll + page,
        _ => state.scroll,
    };
    clamp(state);
}

/// A new frame's viewport: the offset never points past the end.
pub(super) fn on_viewport(state: &mut State, viewport: Viewport) {
    state.viewport = Some(viewport);
    clamp(state);
}

fn clamp(state: &mut State) {
    // Until a frame has reported, the view clamps what it shows.
    if let Some(v) = state.viewport {
        state.scroll = state.scroll.min(v.hidden);
    }
}

/// Another screen or view starts at its top.
pub(super) fn reset(state: &mut State) {
    state.scroll = 0;
    state.viewport = None;
}
