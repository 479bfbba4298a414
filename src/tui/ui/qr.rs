//! QR codes drawn with Unicode half blocks: one terminal row holds two rows of modules.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin around the code, as the QR specification asks.
pub const QUIET: usize = 4;

/// The module matrix with its quiet zone, `true` for dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub size: usize,
    pub dark: Vec<bool>,
}

impl Matrix {
    /// The smallest code (version) that holds `text` at error-correction level L.
    pub fn encode(text: &str) -> Option<Matrix> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
        let inner = code.width();
        let size = inner + 2 * QUIET;
        let colors = code.to_colors();
        let mut dark = vec![false; size * size];
        for y in 0..inner {
            for x in 0..inner {
                dark[(y + QUIET) * size + x + QUIET] = colors[y * inner + x] == Color::Dark;
            }
        }
        Some(Matrix { size, dark })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// Terminal cells needed: (columns, rows).
    pub fn cells(&self) -> (u16, u16) {
        (self.size as u16, self.size.div_ceil(2) as u16)
    }

    /// Rows of half-block glyphs. `ink_is_dark`: the glyphs draw dark modules (used with an
    /// explicit black-on-white style); otherwise they draw light ones, which reads right on a
    /// light-on-dark terminal without colours.
    pub fn rows(&self, ink_is_dark: bool) -> Vec<String> {
        let ink = |x, y| self.is_dark(x, y) == ink_is_dark && y < self.size;
        (0..self.size)
            .step_by(2)
            .map(|y| {
                (0..self.size)
                    .map(|x| match (ink(x, y), ink(x, y + 1)) {
                        (true, true) => '█',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (false, false) => ' ',
                    })
                    .collect()
            })
            .collect()
    }
}

/// Reads modules back from rendered rows (the inverse of [`Matrix::rows`]).
pub fn decode_rows(rows: &[String], size: usize, ink_is_dark: bool) -> Vec<bool> {
    let mut dark = vec![false; size * size];
    for (r, row) in rows.iter().enumerate() {
        for (x, glyph) in row.chars().enumerate().take(size) {
            let (top, bottom) = match glyph {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            for (dy, ink) in [(0, top), (1, bottom)] {
                let y = r * 2 + dy;
                if y < size {
                    dark[y * size + x] = ink == ink_is_dark;
                }
            }
        }
    }
    dark
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::Version;

    #[test]
    fn the_code_is_the_smallest_at_level_l_with_a_four_module_quiet_zone() {
        let url = "https://app.infisical.com/organizations/00000000-0000-4000-8000-00000000000a/\
                   projects/secret-management/11111111-1111-4111-8111-111111111111/app-connections";
        let m = Matrix::encode(url).unwrap();
        let inner = m.size - 2 * QUIET;
        let version = ((inner - 21) / 4 + 1) as i16;
        // One version smaller cannot hold it at level L.
        assert!(
            QrCode::with_version(url.as_bytes(), Version::Normal(version - 1), EcLevel::L).is_err()
        );
        for i in 0..m.size {
            for q in 0..QUIET {
                for (x, y) in [(i, q), (q, i), (i, m.size - 1 - q), (m.size - 1 - q, i)] {
                    assert!(!m.is_dark(x, y), "quiet zone dark at {x},{y}");
                }
            }
        }
        // The finder pattern starts right inside the quiet zone.
        assert!(m.is_dark(QUIET, QUIET));
    }
}
