//! OSC 8 hyperlinks over the link rows a frame drew, for terminals that show them.

use crate::links::TerminalEnv;
use crate::wizard::{LinkView, Overlay, State};

/// OSC 8 sequences that turn the drawn links into hyperlinks: each link's text is found in
/// the frame and rewritten in place between the hyperlink's opening and closing sequences.
pub(super) fn hyperlink_pass(
    buffer: &ratatui::buffer::Buffer,
    state: &State,
    env: &TerminalEnv,
) -> String {
    use crossterm::cursor::{MoveTo, RestorePosition, SavePosition};
    if state.link_view() == LinkView::Qr || state.overlay() != Overlay::None {
        return String::new();
    }
    let mut out = String::new();
    let area = buffer.area;
    for (_, url) in state.links() {
        for y in area.top()..area.bottom() {
            let row: String = (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            // As the screens draw it: shortened to the body's width (the frame's, less the
            // border and margin: 4) less 4.
            let display = crate::links::shorten(&url, area.width.saturating_sub(8) as usize);
            if let Some(col) = row.find(&display) {
                let x = area.left() + row[..col].chars().count() as u16;
                out.push_str(&format!(
                    "{SavePosition}{}{}{RestorePosition}",
                    MoveTo(x, y),
                    env.osc8(&url, &display)
                ));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::{Init, Intent, Msg, update};

    /// A link too long for the screen is drawn shortened; the hyperlink still finds it and
    /// carries the whole URL.
    #[test]
    fn a_shortened_link_still_becomes_a_hyperlink() {
        let site = "https://infisical.a-rather-long-self-hosted-domain.example.com";
        let (mut state, _) = State::new(Init {
            site: site.into(),
            ..Init::default()
        });
        update(&mut state, Msg::Key(Intent::Next));
        update(
            &mut state,
            Msg::BrowserListening {
                generation: 1,
                result: Ok(41234),
            },
        );
        let url = format!("{site}/login?callback_port=41234");
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(60, 30)).unwrap();
        let theme = crate::tui::ui::Theme::PLAIN;
        terminal
            .draw(|f| crate::tui::ui::render(&state, theme, f))
            .unwrap();
        let env = TerminalEnv {
            tmux: false,
            screen: false,
            ssh: false,
            display: true,
            hyperlinks: true,
        };
        let out = hyperlink_pass(terminal.backend().buffer(), &state, &env);
        assert!(out.contains(&format!("\x1b]8;;{url}\x1b\\")), "{out:?}");
        assert!(out.contains('…'), "the drawn text was shortened: {out:?}");
    }
}
