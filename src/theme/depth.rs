//! Terminal colour depth and the degradation of colours to it.
//! Nearest-colour search is plain squared RGB distance against xterm's reference palette.

use ratatui::style::Color;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColorDepth {
    /// 24-bit RGB.
    TrueColor,
    /// The xterm 256-colour palette.
    Ansi256,
    /// The 16 base ANSI colours.
    Ansi16,
    /// No colour at all (`NO_COLOR`, or a dumb terminal).
    None,
}

impl ColorDepth {
    /// Reads the depth from `NO_COLOR`, `COLORTERM` and `TERM`, looked up through `env`.
    ///
    /// `env` is a parameter so tests need not touch the process environment.
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> ColorDepth {
        if env("NO_COLOR").is_some_and(|value| !value.is_empty()) {
            return ColorDepth::None;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        let term = env("TERM").unwrap_or_default();
        if term == "dumb" {
            ColorDepth::None
        } else if term.contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    /// Converts `color` to one this depth can show; `None` when the depth shows no colour.
    pub fn degrade(self, color: Color) -> Option<Color> {
        match (self, color) {
            (ColorDepth::None, _) => None,
            (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => {
                Some(Color::Indexed(nearest_256(r, g, b)))
            }
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => Some(nearest_16(r, g, b)),
            (ColorDepth::Ansi16, Color::Indexed(index)) => {
                let (r, g, b) = indexed_rgb(index);
                Some(nearest_16(r, g, b))
            }
            _ => Some(color),
        }
    }
}

/// The six channel levels of the xterm 6x6x6 colour cube (indices 16–231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The 16 named colours, in ANSI order, with xterm's default RGB values.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// Returns the xterm-256 index (16–255) nearest to an RGB colour.
///
/// Indices 0–15 are skipped because terminals redefine them; the cube and the grey ramp are fixed.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let (ri, gi, bi) = (cube_step(r), cube_step(g), cube_step(b));
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let level = |step: u8| CUBE_LEVELS[usize::from(step)];
    let cube_rgb = (level(ri), level(gi), level(bi));
    // Grey ramp 232–255 is 8, 18, …, 238; pick the step nearest the channel mean.
    let mean = (u16::from(r) + u16::from(g) + u16::from(b)) / 3;
    let grey_step = u8::try_from(mean.saturating_sub(3) / 10)
        .unwrap_or(23)
        .min(23);
    let grey = 8 + 10 * grey_step;
    if distance((r, g, b), (grey, grey, grey)) < distance((r, g, b), cube_rgb) {
        232 + grey_step
    } else {
        cube_index
    }
}

/// Returns the named ANSI colour nearest to an RGB colour.
pub fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    ANSI16
        .into_iter()
        .min_by_key(|&(_, rgb)| distance((r, g, b), rgb))
        .map_or(Color::Reset, |(color, _)| color)
}

/// Returns the step (0–5) of the cube level nearest to one channel value.
fn cube_step(value: u8) -> u8 {
    (0u8..6)
        .min_by_key(|&step| value.abs_diff(CUBE_LEVELS[usize::from(step)]))
        .unwrap_or(0)
}

/// Returns the RGB value that xterm gives a palette index.
fn indexed_rgb(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => ANSI16[usize::from(index)].1,
        16..=231 => {
            let i = index - 16;
            let level = |step: u8| CUBE_LEVELS[usize::from(step)];
            (level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        232..=255 => {
            let grey = 8 + 10 * (index - 232);
            (grey, grey, grey)
        }
    }
}

/// Returns the squared Euclidean distance between two RGB colours.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| u32::from(x.abs_diff(y)).pow(2);
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

#[cfg(test)]
mod tests {
    use super::{ColorDepth, indexed_rgb, nearest_16, nearest_256};
    use ratatui::style::Color;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn detect_follows_no_color_colorterm_and_term() {
        let cases: &[(&[(&str, &str)], ColorDepth)] = &[
            (&[], ColorDepth::Ansi16),
            (
                &[("NO_COLOR", "1"), ("COLORTERM", "truecolor")],
                ColorDepth::None,
            ),
            (
                &[("NO_COLOR", ""), ("COLORTERM", "truecolor")],
                ColorDepth::TrueColor,
            ),
            (
                &[("COLORTERM", "24bit"), ("TERM", "dumb")],
                ColorDepth::TrueColor,
            ),
            (&[("TERM", "xterm-256color")], ColorDepth::Ansi256),
            (&[("TERM", "dumb")], ColorDepth::None),
            (
                &[("TERM", "xterm"), ("COLORTERM", "yes")],
                ColorDepth::Ansi16,
            ),
        ];
        for (vars, expected) in cases {
            assert_eq!(ColorDepth::detect(&env(vars)), *expected, "{vars:?}");
        }
    }

    #[test]
    fn exact_palette_colours_map_to_themselves() {
        for index in 16..=255u8 {
            let (r, g, b) = indexed_rgb(index);
            assert_eq!(nearest_256(r, g, b), index);
        }
        for index in 0..16u8 {
            let (r, g, b) = indexed_rgb(index);
            let named = nearest_16(r, g, b);
            assert_eq!(
                ColorDepth::Ansi16.degrade(Color::Indexed(index)),
                Some(named)
            );
        }
    }

    #[test]
    fn red_degrades_to_cube_red_and_bright_red() {
        assert_eq!(nearest_256(0xff, 0, 0), 196);
        assert_eq!(nearest_16(0xff, 0, 0), Color::LightRed);
        assert_eq!(nearest_16(0xcc, 0x10, 0x10), Color::Red);
    }

    #[test]
    fn greys_prefer_the_ramp() {
        assert_eq!(nearest_256(0x80, 0x80, 0x80), 244);
        assert_eq!(nearest_256(0x12, 0x12, 0x12), 233);
        assert_eq!(nearest_256(0xff, 0xff, 0xff), 231);
        assert_eq!(nearest_256(0, 0, 0), 16);
    }

    #[test]
    fn none_drops_and_truecolor_keeps() {
        let rgb = Color::Rgb(1, 2, 3);
        assert_eq!(ColorDepth::None.degrade(Color::Red), None);
        assert_eq!(ColorDepth::TrueColor.degrade(rgb), Some(rgb));
        assert_eq!(ColorDepth::Ansi256.degrade(Color::Red), Some(Color::Red));
    }
}
