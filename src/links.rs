//! Links that work over SSH: OSC 8 hyperlinks, OSC 52 clipboard copies (wrapped for tmux and
//! screen), and knowing whether a local browser can be opened at all.

use base64::Engine;

/// What the environment says about the terminal and the session, read once at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminalEnv {
    pub tmux: bool,
    pub screen: bool,
    pub ssh: bool,
    /// A graphical session exists (X11, Wayland, or macOS / Windows).
    pub display: bool,
    /// Emit OSC 8 hyperlinks.
    pub hyperlinks: bool,
}

impl TerminalEnv {
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> TerminalEnv {
        let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
        let term = env("TERM").unwrap_or_default();
        let term_program = env("TERM_PROGRAM").unwrap_or_default();
        let desktop_os = cfg!(target_os = "macos") || cfg!(windows);
        let hyperlinks = match env("ONA_CONNECT_HYPERLINKS").as_deref() {
            Some("1") | Some("yes") | Some("true") => true,
            Some("0") | Some("no") | Some("false") => false,
            // Terminals known to support OSC 8; others get plain text (some print garbage).
            _ => {
                matches!(
                    term_program.as_str(),
                    "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper" | "rio"
                ) || env("VTE_VERSION")
                    .and_then(|v| v.parse::<u32>().ok())
                    .is_some_and(|v| v >= 5000)
                    || set("KITTY_WINDOW_ID")
                    || set("WT_SESSION")
                    || set("KONSOLE_VERSION")
                    || ["kitty", "alacritty", "foot", "wezterm", "ghostty"]
                        .iter()
                        .any(|t| term.contains(t))
            }
        };
        TerminalEnv {
            tmux: set("TMUX"),
            screen: !set("TMUX") && term.starts_with("screen") && set("STY"),
            ssh: set("SSH_CONNECTION") || set("SSH_TTY") || set("SSH_CLIENT"),
            display: desktop_os || set("DISPLAY") || set("WAYLAND_DISPLAY"),
            hyperlinks,
        }
    }

    /// Whether `o` may open a browser here, and if not, why.
    pub fn local_browser(&self) -> Result<(), String> {
        if self.ssh {
            Err("this is an SSH session: open the link on the machine where your browser runs (c copies it there)".into())
        } else if !self.display {
            Err("no graphical session here: open the link on a machine with a browser (c copies it, v shows a QR code)".into())
        } else {
            Ok(())
        }
    }

    /// Wraps an escape sequence so tmux or screen pass it to the outer terminal.
    pub fn passthrough(&self, sequence: &str) -> String {
        if self.tmux {
            format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
        } else if self.screen {
            format!("\x1bP{sequence}\x1b\\")
        } else {
            sequence.to_string()
        }
    }

    /// OSC 52: put `text` on the clipboard of the terminal the user sits at (works over SSH).
    pub fn osc52(&self, text: &str) -> String {
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        self.passthrough(&format!("\x1b]52;c;{encoded}\x07"))
    }

    /// OSC 8 around `text`; the text itself is written normally (so tmux keeps its screen
    /// model), only the opening and closing sequences are passed through.
    pub fn osc8(&self, url: &str, text: &str) -> String {
        let clean: String = url.chars().filter(|c| !c.is_control()).collect();
        format!(
            "{}{text}{}",
            self.passthrough(&format!("\x1b]8;;{clean}\x1b\\")),
            self.passthrough("\x1b]8;;\x1b\\")
        )
    }
}

/// The command that opens a URL in the local browser (run directly, never through a shell).
pub fn open_command(url: &str) -> std::process::Command {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("rundll32", vec!["url.dll,FileProtocolHandler", url])
    } else {
        ("xdg-open", vec![url])
    };
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

/// A URL that fits `width` columns: whole when it fits, else its start and end around `…`.
pub fn shorten(url: &str, width: usize) -> String {
    let n = url.chars().count();
    if n <= width || width < 5 {
        return url.to_string();
    }
    let keep = width - 1;
    let head = keep * 2 / 3;
    let tail = keep - head;
    let start: String = url.chars().take(head).collect();
    let end: String = url.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> TerminalEnv {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TerminalEnv::detect(&move |k| map.get(k).cloned())
    }

    #[test]
    fn osc52_plain_and_wrapped() {
        let plain = env(&[]);
        assert_eq!(
            plain.osc52("https://app.ona.com"),
            "\x1b]52;c;aHR0cHM6Ly9hcHAub25hLmNvbQ==\x07"
        );
        let tmux = env(&[("TMUX", "/tmp/tmux-0/default,1,0")]);
        assert_eq!(tmux.osc52("hi"), "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
        let screen = env(&[("TERM", "screen-256color"), ("STY", "1.pts")]);
        assert_eq!(screen.osc52("hi"), "\x1bP\x1b]52;c;aGk=\x07\x1b\\");
    }

    #[test]
    fn osc8_plain_and_wrapped() {
        let plain = env(&[]);
        assert_eq!(
            plain.osc8("https://a.b/c", "a.b"),
            "\x1b]8;;https://a.b/c\x1b\\a.b\x1b]8;;\x1b\\"
        );
        let tmux = env(&[("TMUX", "x")]);
        assert_eq!(
            tmux.osc8("https://a.b", "t"),
            "\x1bPtmux;\x1b\x1b]8;;https://a.b\x1b\x1b\\\x1b\\t\x1bPtmux;\x1b\x1b]8;;\x1b\x1b\\\x1b\\"
        );
        assert!(
            !plain
                .osc8("https://a.b/\x1b]0;x\x07", "t")
                .contains("\x1b]0;")
        );
    }

    #[test]
    fn ssh_and_display_detection() {
        assert!(
            env(&[
                ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"),
                ("DISPLAY", ":0")
            ])
            .local_browser()
            .is_err()
        );
        assert!(env(&[("SSH_TTY", "/dev/pts/1")]).ssh);
        if !cfg!(target_os = "macos") && !cfg!(windows) {
            assert!(
                env(&[])
                    .local_browser()
                    .unwrap_err()
                    .contains("no graphical session")
            );
            assert!(
                env(&[("WAYLAND_DISPLAY", "wayland-0")])
                    .local_browser()
                    .is_ok()
            );
        }
        assert!(env(&[("DISPLAY", ":0")]).local_browser().is_ok());
    }

    #[test]
    fn hyperlink_support_is_detected_and_overridable() {
        assert!(!env(&[("TERM", "xterm-256color")]).hyperlinks);
        assert!(env(&[("TERM_PROGRAM", "WezTerm")]).hyperlinks);
        assert!(env(&[("VTE_VERSION", "7600")]).hyperlinks);
        assert!(!env(&[("VTE_VERSION", "4000")]).hyperlinks);
        assert!(env(&[("ONA_CONNECT_HYPERLINKS", "1")]).hyperlinks);
        assert!(!env(&[("KITTY_WINDOW_ID", "1"), ("ONA_CONNECT_HYPERLINKS", "0")]).hyperlinks);
    }

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("https://app.ona.com", 40), "https://app.ona.com");
        let s = shorten(
            "https://app.infisical.com/organizations/abc/projects/secret-management/xyz/app-connections",
            40,
        );
        assert_eq!(s.chars().count(), 40);
        assert!(
            s.starts_with("https://app.infisical.com/")
                && s.ends_with("-connections")
                && s.contains('…'),
            "{s}"
        );
    }
}
