//! Colours and emphasis. A palette is chosen for the terminal's background (asked with
//! OSC 11, else `COLORFGBG`) only when every text colour in it reaches 4.5:1 contrast (WCAG AA)
//! against that background; otherwise, and with `NO_COLOR`, the terminal's own foreground
//! is used with bold, underline and reverse.

use std::time::Duration;

use ratatui::style::{Color, Modifier, Style};

/// Colours from the xterm 256-colour cube and grey ramp: unlike the 16 ANSI colours, terminal
/// themes do not redefine them, so their contrast can be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub accent: u8,
    pub ok: u8,
    pub error: u8,
    pub warn: u8,
    pub link: u8,
    pub dim: u8,
    /// Text on the accent colour (the selected choice) and on the warn colour (the badge).
    pub on_accent: u8,
    pub on_warn: u8,
}

impl Palette {
    pub const DARK: Palette = Palette {
        accent: 81, // #5fd7ff
        ok: 114,    // #87d787
        error: 210, // #ff8787
        warn: 221,  // #ffd75f
        link: 111,  // #87afff
        dim: 248,   // #a8a8a8
        on_accent: 16,
        on_warn: 16,
    };
    pub const LIGHT: Palette = Palette {
        accent: 24, // #005f87
        ok: 22,     // #005f00
        error: 124, // #af0000
        warn: 94,   // #875f00
        link: 25,   // #005faf
        dim: 241,   // #626262
        on_accent: 231,
        on_warn: 231,
    };

    /// Every (foreground, background) pair this palette draws text with, against the
    /// terminal's background `bg`.
    pub fn pairs(self, bg: Rgb) -> Vec<(&'static str, Rgb, Rgb)> {
        let c = xterm_rgb;
        vec![
            ("accent", c(self.accent), bg),
            ("ok", c(self.ok), bg),
            ("error", c(self.error), bg),
            ("warn", c(self.warn), bg),
            ("link", c(self.link), bg),
            ("dim", c(self.dim), bg),
            ("selected", c(self.on_accent), c(self.accent)),
            ("badge", c(self.on_warn), c(self.warn)),
        ]
    }

    /// The lowest contrast of any of its pairs against `bg`.
    pub fn worst_contrast(self, bg: Rgb) -> f64 {
        self.pairs(bg)
            .into_iter()
            .map(|(_, fg, bg)| contrast(fg, bg))
            .fold(f64::INFINITY, f64::min)
    }
}

pub type Rgb = (u8, u8, u8);

/// WCAG AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// `None`: the terminal's own colours, with emphasis only.
    pub palette: Option<Palette>,
}

impl Theme {
    pub const PLAIN: Theme = Theme { palette: None };
    pub const DARK: Theme = Theme {
        palette: Some(Palette::DARK),
    };
    pub const LIGHT: Theme = Theme {
        palette: Some(Palette::LIGHT),
    };

    /// The palette made for this background's side (dark or light), if all its colours read
    /// well on it; else the terminal's own colours.
    pub fn for_background(bg: Rgb) -> Theme {
        let palette = if luminance(bg) < 0.18 {
            Palette::DARK
        } else {
            Palette::LIGHT
        };
        if palette.worst_contrast(bg) >= MIN_CONTRAST {
            Theme {
                palette: Some(palette),
            }
        } else {
            Theme::PLAIN
        }
    }

    pub fn color(self) -> bool {
        self.palette.is_some()
    }

    fn fg(self, pick: fn(&Palette) -> u8) -> Style {
        match self.palette {
            Some(p) => Style::new().fg(Color::Indexed(pick(&p))),
            None => Style::new(),
        }
    }

    pub fn title(self) -> Style {
        self.fg(|p| p.accent).add_modifier(Modifier::BOLD)
    }
    pub fn label(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn focused_label(self) -> Style {
        self.fg(|p| p.accent).add_modifier(Modifier::BOLD)
    }
    pub fn dim(self) -> Style {
        self.fg(|p| p.dim)
    }
    pub fn error(self) -> Style {
        self.fg(|p| p.error)
    }
    pub fn ok(self) -> Style {
        self.fg(|p| p.ok)
    }
    pub fn warn(self) -> Style {
        self.fg(|p| p.warn)
    }
    pub fn link(self) -> Style {
        self.fg(|p| p.link).add_modifier(Modifier::UNDERLINED)
    }
    pub fn selected(self) -> Style {
        match self.palette {
            Some(p) => Style::new()
                .fg(Color::Indexed(p.on_accent))
                .bg(Color::Indexed(p.accent)),
            None => Style::new().add_modifier(Modifier::REVERSED),
        }
    }
    pub fn badge(self) -> Style {
        match self.palette {
            Some(p) => Style::new()
                .fg(Color::Indexed(p.on_warn))
                .bg(Color::Indexed(p.warn))
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }
}

/// What the theme is chosen from: `NO_COLOR`, the terminal's answer to OSC 11 when it may
/// be asked, else `COLORFGBG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detect {
    no_color: bool,
    colorfgbg: Option<Rgb>,
    /// The terminal may be asked for its background ([`QUERY`]).
    pub ask: bool,
    over_ssh: bool,
}

/// OSC 11 (BEL-terminated: urxvt answers an ST-terminated query with a bare ESC), then DA1,
/// which every terminal answers, and in order: DA1's answer first means no OSC 11 answer.
pub const QUERY: &str = "\x1b]11;?\x07\x1b[c";

impl Detect {
    /// From the environment; asks nothing yet.
    pub fn from_env() -> Detect {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // GNU Screen answers DA1 before it relays OSC 11 and Eterm answers neither, as
        // terminal-colorsaurus found: neither is asked.
        let known_silent = std::env::var("TERM").map_or(true, |t| {
            t == "dumb" || t == "Eterm" || t == "screen" || t.starts_with("screen.")
        });
        Detect {
            no_color,
            colorfgbg: std::env::var("COLORFGBG")
                .ok()
                .and_then(|v| colorfgbg_background(&v)),
            ask: !no_color && !known_silent && std::io::stdout().is_terminal(),
            over_ssh: ["SSH_CONNECTION", "SSH_TTY"]
                .iter()
                .any(|v| std::env::var_os(v).is_some()),
        }
    }

    /// The theme until the terminal answers: when it is asked, its own colours with emphasis,
    /// which read on any background; else the final one.
    pub fn initial(self) -> Theme {
        if self.ask {
            Theme::PLAIN
        } else {
            self.resolve(None)
        }
    }

    /// The theme once the terminal has answered with `background`, or shown it will not.
    pub fn resolve(self, background: Option<Rgb>) -> Theme {
        if self.no_color {
            return Theme::PLAIN;
        }
        background
            .or(self.colorfgbg)
            .map_or(Theme::PLAIN, Theme::for_background)
    }

    /// How long to wait for a terminal that answers neither query before falling back. An
    /// answer after it is still an answer (never keys), and still applied.
    pub fn timeout(self) -> Duration {
        Duration::from_millis(if self.over_ssh { 1000 } else { 150 })
    }
}

/// `COLORFGBG` ("15;0", or "15;default;0"): the last field is the background's ANSI index.
/// Only dark or light is known, so the side's extreme stands for it.
pub fn colorfgbg_background(value: &str) -> Option<Rgb> {
    let bg: u8 = value.rsplit(';').next()?.trim().parse().ok()?;
    match bg {
        0..=6 | 8 => Some((0, 0, 0)),
        7 | 9..=15 => Some((255, 255, 255)),
        _ => None,
    }
}

/// The sRGB value of an xterm colour index from 16 up.
pub fn xterm_rgb(index: u8) -> Rgb {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match index {
        16..=231 => {
            let i = index - 16;
            (
                LEVELS[(i / 36) as usize],
                LEVELS[(i / 6 % 6) as usize],
                LEVELS[(i % 6) as usize],
            )
        }
        232..=255 => {
            let v = 8 + 10 * (index - 232);
            (v, v, v)
        }
        // The 16 ANSI colours depend on the terminal's theme; the palettes never use them.
        _ => (128, 128, 128),
    }
}

/// WCAG relative luminance.
pub fn luminance((r, g, b): Rgb) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_palette_colour_reaches_aa_contrast_on_its_background() {
        let backgrounds: [(&str, Rgb); 6] = [
            ("black", (0, 0, 0)),
            ("xterm dark grey", (0x1e, 0x1e, 0x1e)),
            ("solarized dark", (0x00, 0x2b, 0x36)),
            ("white", (255, 255, 255)),
            ("solarized light", (0xfd, 0xf6, 0xe3)),
            ("github light grey", (0xf6, 0xf8, 0xfa)),
        ];
        for (name, bg) in backgrounds {
            let theme = Theme::for_background(bg);
            let palette = theme
                .palette
                .unwrap_or_else(|| panic!("{name}: no palette"));
            for (what, fg, against) in palette.pairs(bg) {
                let ratio = contrast(fg, against);
                assert!(
                    ratio >= MIN_CONTRAST,
                    "{name}: {what} {fg:?} on {against:?} is only {ratio:.2}:1"
                );
            }
        }
        assert_eq!(Theme::for_background((0, 0, 0)), Theme::DARK);
        assert_eq!(Theme::for_background((255, 255, 255)), Theme::LIGHT);
    }

    #[test]
    fn a_background_no_palette_reads_on_falls_back_to_the_terminals_colours() {
        // Mid grey: neither palette reaches 4.5:1 with all of its colours.
        assert_eq!(Theme::for_background((128, 128, 128)), Theme::PLAIN);
        // The old choice the issue measured: ANSI-like cyan on white is about 2:1.
        assert!(contrast((0, 205, 205), (255, 255, 255)) < 2.5);
    }

    #[test]
    fn contrast_and_colour_numbers_match_the_references() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast((10, 20, 30), (10, 20, 30)) - 1.0).abs() < 1e-9);
        assert_eq!(xterm_rgb(16), (0, 0, 0));
        assert_eq!(xterm_rgb(231), (255, 255, 255));
        assert_eq!(xterm_rgb(81), (0x5f, 0xd7, 0xff));
        assert_eq!(xterm_rgb(24), (0x00, 0x5f, 0x87));
        assert_eq!(xterm_rgb(241), (0x62, 0x62, 0x62));
    }

    #[test]
    fn the_answer_wins_over_colorfgbg_and_no_color_over_both() {
        let light = Some((255, 255, 255));
        let detect = Detect {
            no_color: false,
            colorfgbg: light,
            ask: true,
            over_ssh: false,
        };
        // Asked: the terminal's own colours until it answers, whatever COLORFGBG says.
        assert_eq!(detect.initial(), Theme::PLAIN);
        assert_eq!(detect.resolve(Some((0, 0, 0))), Theme::DARK);
        assert_eq!(detect.resolve(None), Theme::LIGHT);
        let not_asked = Detect {
            ask: false,
            ..detect
        };
        assert_eq!(not_asked.initial(), Theme::LIGHT);
        let no_color = Detect {
            no_color: true,
            ask: false,
            ..detect
        };
        assert_eq!(no_color.initial(), Theme::PLAIN);
        assert_eq!(no_color.resolve(Some((0, 0, 0))), Theme::PLAIN);
        assert!(
            Detect {
                over_ssh: true,
                ..detect
            }
            .timeout()
                > detect.timeout()
        );
    }

    #[test]
    fn colorfgbg_names_the_side() {
        assert_eq!(colorfgbg_background("15;0"), Some((0, 0, 0)));
        assert_eq!(colorfgbg_background("0;default;15"), Some((255, 255, 255)));
        assert_eq!(colorfgbg_background("0;7"), Some((255, 255, 255)));
        assert_eq!(colorfgbg_background("15;default"), None);
        assert_eq!(colorfgbg_background(""), None);
    }

    #[test]
    fn without_a_palette_focus_and_selection_stay_visible() {
        let plain = Theme::PLAIN;
        assert!(plain.focused_label().add_modifier.contains(Modifier::BOLD));
        assert!(plain.selected().add_modifier.contains(Modifier::REVERSED));
        assert!(plain.link().add_modifier.contains(Modifier::UNDERLINED));
        for style in [plain.title(), plain.dim(), plain.error(), plain.selected()] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
    }
}
