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
            let display = crate::links::shorten(&url, area.width.saturating_sub(4) as usize);
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
