//! The terminal's input split into what a person typed or pasted and the terminal's answers
//! to our background query (OSC 11, then DA1), byte by byte and in order.
//!
//! crossterm's parser reads an OSC 11 answer (`ESC ] 11 ; rgb:… ESC \`) as Alt+], characters
//! and Alt+\, so an answer never reaches it: bytes that may start one (an ESC outside a paste)
//! wait here until they are an answer or cannot be one, and are then handed on exactly as they
//! came. An answer is recognised whenever it arrives, late ones included; DA1's answer is
//! crossterm's to parse, and comes out as [`Parsed::DeviceAttributes`].

use std::collections::VecDeque;

use crossterm::event::{Event, KeyCode};
use zeroize::Zeroize;

use super::parse::{InternalEvent, parse_event};
use crate::tui::ui::theme::Rgb;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const OSC_11: &[u8] = b"\x1b]11;";
/// Longer than any colour a terminal answers with (`rgba:ffff/ffff/ffff/ffff`).
const MAX_ANSWER: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Event(Event),
    /// An OSC 11 answer: the background, when it named a colour.
    Background(Option<Rgb>),
    /// The answer to DA1, which the terminal sends after any answer to what was asked before.
    DeviceAttributes,
}

#[derive(Default)]
pub struct Filter {
    /// Bytes from an ESC on that may be an answer; not yet handed to the key parser.
    candidate: Vec<u8>,
    /// The candidate ended a read and waits for the rest of an answer (see [`Filter::held`]).
    held: bool,
    /// crossterm's parser state: the bytes of one incomplete sequence (a paste's, too: wiped
    /// after use, as the secrets are).
    keys: Vec<u8>,
    out: VecDeque<Parsed>,
    /// An answer is on its way, so an ESC or `ESC ]` that ends a read may be its start.
    pub expecting: bool,
}

enum Answer {
    Complete(Option<Rgb>),
    Prefix,
    Not,
}

impl Filter {
    /// One read's bytes; `more` when the read filled its buffer (more are waiting).
    pub fn advance(&mut self, bytes: &[u8], more: bool) {
        // Held bytes were waiting for these: they continue one sequence, as if read together.
        self.held = false;
        for (i, &byte) in bytes.iter().enumerate() {
            self.push(byte, more || i + 1 < bytes.len());
        }
    }

    pub fn next(&mut self) -> Option<Parsed> {
        self.out.pop_front()
    }

    /// Whether bytes that ended a read are held for the rest of an answer. The reader gives
    /// them a short while ([`super::SPLIT_GRACE`]), then calls [`Filter::give_up`].
    pub fn held(&self) -> bool {
        self.held
    }

    /// The held bytes are no answer: they are handed on as keys, as they came.
    pub fn give_up(&mut self) {
        self.held = false;
        self.release(self.candidate.len(), false);
    }

    fn push(&mut self, byte: u8, more: bool) {
        if !self.candidate.is_empty() {
            self.candidate.push(byte);
            self.examine(more);
        } else if byte == ESC && !self.keys.starts_with(b"\x1b[200~") {
            // An ESC ends an incomplete sequence before it, which crossterm would drop together
            // with what follows (neither parses): only the broken one is dropped here.
            self.keys.zeroize();
            self.candidate.push(byte);
            self.examine(more);
        } else {
            self.key_byte(byte, more);
        }
    }

    /// Decides what the candidate is, as far as its bytes tell; `more`: another byte follows
    /// the last one in the same read.
    fn examine(&mut self, more: bool) {
        while !self.candidate.is_empty() {
            let c = &self.candidate;
            if c.len() >= 2 && c[1] == ESC {
                if c.len() == 2 {
                    self.wait_or_hold(more);
                } else if matches!(c[2], b'[' | b']' | b'O') {
                    // A person's Esc just before a sequence: crossterm would take both ESCs
                    // as one Esc and the sequence's rest as characters.
                    self.candidate.remove(0);
                    self.out
                        .push_back(Parsed::Event(Event::Key(KeyCode::Esc.into())));
                    continue;
                } else {
                    self.release(self.candidate.len(), more);
                }
                return;
            }
            match osc_11(c) {
                Answer::Complete(background) => {
                    self.candidate.clear();
                    self.out.push_back(Parsed::Background(background));
                }
                Answer::Prefix => self.wait_or_hold(more),
                Answer::Not => {
                    // Up to the next ESC, which may start an answer of its own.
                    let end = c[1..]
                        .iter()
                        .position(|&b| b == ESC)
                        .map_or(c.len(), |i| i + 1);
                    let last_more = end < c.len() || more;
                    self.release(end, last_more);
                    continue;
                }
            }
            return;
        }
    }

    /// The candidate may go on: within this read, wait for its next byte; at the end of a
    /// read, hold it if an answer is expected or it is already more than a key sends (a
    /// person's Esc or Alt+] is two bytes at most), else hand it on as the keys it is.
    fn wait_or_hold(&mut self, more: bool) {
        if more {
            return;
        }
        if self.expecting || self.candidate.len() >= 3 {
            self.held = true;
        } else {
            self.release(self.candidate.len(), false);
        }
    }

    /// Hands the candidate's first `n` bytes to the key parser; the last of them ended its
    /// read unless `last_more`.
    fn release(&mut self, n: usize, last_more: bool) {
        let bytes: Vec<u8> = self.candidate.drain(..n).collect();
        for (i, &byte) in bytes.iter().enumerate() {
            self.key_byte(byte, last_more || i + 1 < bytes.len());
        }
    }

    /// crossterm's reader loop: one byte more of the current sequence.
    fn key_byte(&mut self, byte: u8, more: bool) {
        if self.keys.len() == self.keys.capacity() {
            // A paste may be a token: a reallocation would leave a copy behind, unwiped.
            let mut grown = Vec::with_capacity((self.keys.capacity() * 2).max(256));
            grown.extend_from_slice(&self.keys);
            self.keys.zeroize();
            self.keys = grown;
        }
        self.keys.push(byte);
        match parse_event(&self.keys, more) {
            Ok(None) => return,
            Ok(Some(InternalEvent::Event(event))) => self.out.push_back(Parsed::Event(event)),
            Ok(Some(InternalEvent::PrimaryDeviceAttributes)) => {
                self.out.push_back(Parsed::DeviceAttributes)
            }
            // Answers to queries we never send, and sequences that do not parse: dropped.
            Ok(Some(_)) | Err(_) => {}
        }
        self.keys.zeroize();
    }
}

/// `ESC ] 11 ; <colour> (BEL | ESC \)`, or how much of it `c` is.
fn osc_11(c: &[u8]) -> Answer {
    let n = c.len().min(OSC_11.len());
    if c[..n] != OSC_11[..n] || c.len() > MAX_ANSWER {
        return Answer::Not;
    }
    let Some(body) = c.get(OSC_11.len()..).filter(|b| !b.is_empty()) else {
        return Answer::Prefix;
    };
    let (last, before) = body.split_last().expect("not empty");
    let colour = match last {
        b'\\' if before.last() == Some(&ESC) => &before[..before.len() - 1],
        &BEL => before,
        &ESC => return Answer::Prefix,
        0x20..=0x7e if !before.contains(&ESC) => return Answer::Prefix,
        _ => return Answer::Not,
    };
    if colour.contains(&ESC) {
        return Answer::Not;
    }
    Answer::Complete(parse_colour(colour))
}

/// An X11 colour (`rgb:RRRR/GGGG/BBBB` and the other forms of XParseColor), 8 bits a channel.
fn parse_colour(spec: &[u8]) -> Option<Rgb> {
    let c = xterm_color::Color::parse(spec).ok()?;
    let scale = |v: u16| (u32::from(v) * 255 / 65535) as u8;
    Some((scale(c.red), scale(c.green), scale(c.blue)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEvent, KeyModifiers};

    /// Everything parsed from these reads, each read a separate call, the held bytes given up
    /// on after the last one.
    fn parse(reads: &[&[u8]], expecting: bool) -> Vec<Parsed> {
        let mut f = Filter {
            expecting,
            ..Filter::default()
        };
        let mut all = Vec::new();
        for read in reads {
            f.advance(read, false);
            all.extend(std::iter::from_fn(|| f.next()));
        }
        if f.held() {
            f.give_up();
        }
        all.extend(std::iter::from_fn(|| f.next()));
        all
    }

    fn key(code: KeyCode) -> Parsed {
        Parsed::Event(Event::Key(code.into()))
    }
    fn ch(c: char) -> Parsed {
        key(KeyCode::Char(c))
    }
    fn alt(c: char) -> Parsed {
        Parsed::Event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::ALT,
        )))
    }
    const DARK: Parsed = Parsed::Background(Some((0, 0, 0)));
    const DARK_ST: &[u8] = b"\x1b]11;rgb:0000/0000/0000\x1b\\";

    #[test]
    fn answers_are_taken_out_wherever_they_fall_among_keys() {
        let mut input = b"ab".to_vec();
        input.extend_from_slice(DARK_ST);
        input.extend_from_slice(b"\x1b[?62;22c\rc");
        assert_eq!(
            parse(&[&input], true),
            [
                ch('a'),
                ch('b'),
                DARK,
                Parsed::DeviceAttributes,
                key(KeyCode::Enter),
                ch('c')
            ]
        );
        // BEL as the terminator (urxvt), and the light side in another form.
        assert_eq!(
            parse(&[b"\x1b]11;rgb:ff/ff/ff\x07x"], false),
            [Parsed::Background(Some((255, 255, 255))), ch('x')]
        );
        assert_eq!(
            parse(&[b"\x1b]11;no colour\x07"], false),
            [Parsed::Background(None)]
        );
    }

    #[test]
    fn an_answer_split_across_reads_is_still_an_answer() {
        let (a, b) = DARK_ST.split_at(1);
        assert_eq!(parse(&[a, b], true), [DARK]);
        let (a, b) = DARK_ST.split_at(9);
        assert_eq!(parse(&[b"k", a, b, b"x"], false), [ch('k'), DARK, ch('x')]);
        // DA1's answer split after its ESC is not an Esc key.
        assert_eq!(
            parse(&[b"\x1b", b"[?62;22c"], true),
            [Parsed::DeviceAttributes]
        );
    }

    #[test]
    fn an_esc_just_before_an_answer_stays_an_esc() {
        let mut input = b"\x1b".to_vec();
        input.extend_from_slice(DARK_ST);
        assert_eq!(parse(&[&input], true), [key(KeyCode::Esc), DARK]);
        assert_eq!(
            parse(&[b"\x1b\x1b[?62;22c"], true),
            [key(KeyCode::Esc), Parsed::DeviceAttributes]
        );
        assert_eq!(
            parse(&[b"\x1b\x1b[A"], false),
            [key(KeyCode::Esc), key(KeyCode::Up)]
        );
    }

    #[test]
    fn keys_that_look_like_the_start_of_an_answer_are_the_keys_they_were() {
        // Read by read, as typed: Esc; Alt+]; Alt+] then 1; a lone ESC while an answer is due.
        assert_eq!(parse(&[b"\x1b"], false), [key(KeyCode::Esc)]);
        assert_eq!(parse(&[b"\x1b]"], false), [alt(']')]);
        assert_eq!(parse(&[b"\x1b]", b"1"], false), [alt(']'), ch('1')]);
        assert_eq!(parse(&[b"\x1b"], true), [key(KeyCode::Esc)]);
        assert_eq!(parse(&[b"\x1b]"], true), [alt(']')]);
        // Not an answer after all: handed on as crossterm reads the same bytes.
        assert_eq!(
            parse(&[b"\x1b]12;x\x1b[B"], false),
            [
                alt(']'),
                ch('1'),
                ch('2'),
                ch(';'),
                ch('x'),
                key(KeyCode::Down)
            ]
        );
        assert_eq!(
            parse(&[b"\x1b]11;ab", b"q"], false),
            [
                alt(']'),
                ch('1'),
                ch('1'),
                ch(';'),
                ch('a'),
                ch('b'),
                ch('q')
            ]
        );
        assert_eq!(
            parse(&[b"\x1bx\x1b\x1bq"], false),
            [alt('x'), key(KeyCode::Esc), ch('q')]
        );
    }

    #[test]
    fn a_paste_is_text_even_where_it_holds_an_answer() {
        let mut input = b"\x1b[200~a".to_vec();
        input.extend_from_slice(DARK_ST);
        input.extend_from_slice(b"\x1b[201~");
        let text = format!("a{}", String::from_utf8_lossy(DARK_ST));
        assert_eq!(parse(&[&input], true), [Parsed::Event(Event::Paste(text))]);
    }
}
