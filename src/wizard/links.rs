//! The links a screen shows (guide steps, the result) and what the keys do with them: open,
//! copy (OSC 52), a QR code, the whole link.

use super::msg::{Effect, Intent};
use super::state::{LinkView, Screen, State};
use crate::guide;
use crate::session::summary::connections_page;

impl State {
    /// The links the current screen shows, as (label, URL).
    pub fn links(&self) -> Vec<(String, String)> {
        match self.screen {
            Screen::Guide(i) => guide::steps()
                .get(i)
                .map(|s| {
                    s.links
                        .iter()
                        .map(|l| (l.label.clone(), l.url.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            Screen::SignIn => match &self.sign_in.browser {
                super::BrowserLogin::Waiting { url, .. } => {
                    vec![("Sign in to Infisical here".to_string(), url.clone())]
                }
                _ => vec![],
            },
            Screen::Done => self
                .created()
                .map(|c| vec![("App Connections page".to_string(), connections_page(c))])
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    pub fn selected_link(&self) -> Option<(String, String)> {
        let links = self.links();
        links
            .get(self.link.min(links.len().saturating_sub(1)))
            .cloned()
    }
}

/// Keys about the links of a screen; `None` when the key is not about links.
pub(super) fn intent(state: &mut State, intent: Intent) -> Option<Vec<Effect>> {
    let n = state.links().len();
    let (_, url) = state.selected_link()?;
    if state.link_view != LinkView::Inline {
        // A QR code or the full link is open: the usual keys close it first.
        return Some(match intent {
            Intent::ToggleQr => toggle(state, LinkView::Qr),
            Intent::FullLink => toggle(state, LinkView::Full),
            Intent::Back | Intent::Next => toggle(state, state.link_view),
            Intent::CopyLink | Intent::OpenLink => act(state, intent, url),
            _ => vec![],
        });
    }
    Some(match intent {
        Intent::Up | Intent::FocusPrev if n > 1 => {
            state.link = (state.link + n - 1) % n;
            state.notice = None;
            vec![]
        }
        Intent::Down | Intent::FocusNext if n > 1 => {
            state.link = (state.link + 1) % n;
            state.notice = None;
            vec![]
        }
        Intent::ToggleQr => toggle(state, LinkView::Qr),
        Intent::FullLink => toggle(state, LinkView::Full),
        Intent::OpenLink | Intent::CopyLink => act(state, intent, url),
        _ => return None,
    })
}

/// Shows the link as `view`, or back inline when it already is.
fn toggle(state: &mut State, view: LinkView) -> Vec<Effect> {
    state.link_view = if state.link_view == view {
        LinkView::Inline
    } else {
        view
    };
    vec![]
}

fn act(state: &mut State, intent: Intent, url: String) -> Vec<Effect> {
    if intent == Intent::CopyLink {
        state.notice = Some("copied the link (if your terminal allows clipboard access)".into());
        return vec![Effect::CopyToClipboard(url)];
    }
    match &state.browser_unavailable {
        Some(why) => {
            state.notice = Some(format!("cannot open a browser: {why}"));
            vec![]
        }
        None => {
            state.notice = Some("opening the link in your browser…".into());
            vec![Effect::OpenUrl(url)]
        }
    }
}

/// Every screen change starts with the first link, shown inline.
pub(super) fn reset(state: &mut State) {
    state.link = 0;
    state.link_view = LinkView::Inline;
    state.notice = None;
}
