//! ANSI escapes in text from containers (logs, probe output): `parse` strips every
//! escape sequence and control character and keeps SGR attributes as styled byte
//! ranges of the plain text; `line` turns them into a ratatui line. Never panics.

use std::iter::Peekable;
use std::ops::Range;
use std::str::Chars;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Longest CSI parameter string kept; longer ones are cut (a hostile line stays cheap).
const MAX_PARAMS: usize = 256;

/// Strips escapes and control characters (a tab becomes 4 spaces), returning
/// the plain text and the SGR styles of its byte ranges, in order, not overlapping.
pub fn parse(line: &str) -> (String, Vec<(Range<usize>, Style)>) {
    let mut p = Parser {
        plain: String::with_capacity(line.len()),
        styles: Vec::new(),
        style: Style::default(),
    };
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => p.escape(&mut chars),
            '\u{9b}' => p.csi(&mut chars),
            // OSC, DCS, SOS, PM and APC carry strings up to a terminator.
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => p.push_str("    "),
            c if c.is_control() => {}
            c => p.push_str(c.encode_utf8(&mut [0; 4])),
        }
    }
    (p.plain, p.styles)
}

/// A line of `plain` with `styles` patched over `base`; out-of-range or
/// overlapping ranges are skipped rather than trusted.
pub fn line<'a>(plain: &'a str, styles: &[(Range<usize>, Style)], base: Style) -> Line<'a> {
    let mut spans = Vec::with_capacity(styles.len() * 2 + 1);
    let mut at = 0;
    for (range, style) in styles {
        let start = range.start.max(at);
        let end = range.end.min(plain.len());
        let (Some(gap), Some(text)) = (plain.get(at..start), plain.get(start..end)) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        if !gap.is_empty() {
            spans.push(Span::styled(gap, base));
        }
        spans.push(Span::styled(text, base.patch(*style)));
        at = end;
    }
    if let Some(rest) = plain.get(at..).filter(|r| !r.is_empty()) {
        spans.push(Span::styled(rest, base));
    }
    Line::from(spans)
}

struct Parser {
    plain: String,
    styles: Vec<(Range<usize>, Style)>,
    style: Style,
}

impl Parser {
    /// Appends text in the current style, extending the last range when it matches.
    fn push_str(&mut self, text: &str) {
        let start = self.plain.len();
        self.plain.push_str(text);
        let end = self.plain.len();
        if self.style == Style::default() {
            return;
        }
        match self.styles.last_mut() {
            Some((range, style)) if range.end == start && *style == self.style => range.end = end,
            _ => self.styles.push((start..end, self.style)),
        }
    }

    /// Handles what follows an ESC; an ESC before text or a control is dropped alone.
    fn escape(&mut self, chars: &mut Peekable<Chars<'_>>) {
        match chars.peek().copied() {
            Some('[') => {
                chars.next();
                self.csi(chars);
            }
            Some(']' | 'P' | 'X' | '^' | '_') => {
                chars.next();
                skip_string(chars);
            }
            Some('\x20'..='\x2f') => {
                // nF: intermediates, then one final byte.
                while chars.next_if(|c| ('\x20'..='\x2f').contains(c)).is_some() {}
                chars.next_if(|c| ('\x30'..='\x7e').contains(c));
            }
            Some('\x30'..='\x7e') => {
                chars.next();
            }
            _ => {}
        }
    }

    /// Reads a CSI sequence; a malformed or cut one is dropped up to the bad char,
    /// which is then read as text. Only `m` without intermediates changes the style.
    fn csi(&mut self, chars: &mut Peekable<Chars<'_>>) {
        let mut params = String::new();
        let mut intermediates = false;
        while let Some(&c) = chars.peek() {
            match c {
                '\x30'..='\x3f' => {
                    if params.len() < MAX_PARAMS {
                        params.push(c);
                    }
                }
                '\x20'..='\x2f' => intermediates = true,
                '\x40'..='\x7e' => {
                    chars.next();
                    let plain_params = params
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ';' || c == ':');
                    if c == 'm' && !intermediates && plain_params {
                        self.sgr(&params);
                    }
                    return;
                }
                _ => return,
            }
            chars.next();
        }
    }

    /// Applies SGR parameters (`1;31`, `38;5;208`, `38;2;r;g;b`, `38:2::r:g:b`).
    fn sgr(&mut self, params: &str) {
        let mut codes = params.split(';');
        while let Some(code) = codes.next() {
            if code.contains(':') {
                self.sgr_colon(code);
                continue;
            }
            let Some(n) = number(code) else { continue };
            match n {
                38 => self.style.fg = extended(&mut codes).or(self.style.fg),
                48 => self.style.bg = extended(&mut codes).or(self.style.bg),
                n => self.sgr_code(n),
            }
        }
    }

    /// Applies one colon-separated SGR group, e.g. `38:5:208` or `4:3`.
    fn sgr_colon(&mut self, group: &str) {
        let mut parts = group.split(':');
        match parts.next().and_then(number) {
            Some(38) => self.style.fg = extended_colon(parts).or(self.style.fg),
            Some(48) => self.style.bg = extended_colon(parts).or(self.style.bg),
            Some(4) if parts.next().and_then(number) == Some(0) => self.sgr_code(24),
            Some(4) => self.sgr_code(4),
            _ => {}
        }
    }

    /// Applies one plain SGR code.
    fn sgr_code(&mut self, n: u32) {
        let m = &mut self.style.add_modifier;
        match n {
            0 => self.style = Style::default(),
            1 => m.insert(Modifier::BOLD),
            2 => m.insert(Modifier::DIM),
            3 => m.insert(Modifier::ITALIC),
            4 => m.insert(Modifier::UNDERLINED),
            5 => m.insert(Modifier::SLOW_BLINK),
            6 => m.insert(Modifier::RAPID_BLINK),
            7 => m.insert(Modifier::REVERSED),
            8 => m.insert(Modifier::HIDDEN),
            9 => m.insert(Modifier::CROSSED_OUT),
            22 => m.remove(Modifier::BOLD | Modifier::DIM),
            23 => m.remove(Modifier::ITALIC),
            24 => m.remove(Modifier::UNDERLINED),
            25 => m.remove(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK),
            27 => m.remove(Modifier::REVERSED),
            28 => m.remove(Modifier::HIDDEN),
            29 => m.remove(Modifier::CROSSED_OUT),
            30..=37 => self.style.fg = Some(base_color(n - 30, false)),
            39 => self.style.fg = None,
            40..=47 => self.style.bg = Some(base_color(n - 40, false)),
            49 => self.style.bg = None,
            90..=97 => self.style.fg = Some(base_color(n - 90, true)),
            100..=107 => self.style.bg = Some(base_color(n - 100, true)),
            _ => {}
        }
    }
}

/// Skips an OSC/DCS-like string up to BEL, ST (`ESC \` or U+009C) or the end;
/// an ESC starting anything else ends it and is left to be read as an escape.
fn skip_string(chars: &mut Peekable<Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\x07' | '\u{9c}' => {
                chars.next();
                return;
            }
            '\x1b' => {
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'\\') {
                    chars.next();
                    chars.next();
                }
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

/// A decimal parameter; empty reads as 0, garbage or overflow as nothing.
fn number(code: &str) -> Option<u32> {
    if code.is_empty() {
        Some(0)
    } else {
        code.parse().ok()
    }
}

/// The colour after `38;` or `48;`: `5;n` or `2;r;g;b`.
fn extended<'a>(codes: &mut impl Iterator<Item = &'a str>) -> Option<Color> {
    match number(codes.next()?)? {
        5 => Some(Color::Indexed(byte(codes.next()?)?)),
        2 => {
            let r = byte(codes.next()?)?;
            let g = byte(codes.next()?)?;
            let b = byte(codes.next()?)?;
            Some(Color::Rgb(r, g, b))
        }
        _ => None,
    }
}

/// The colour after `38:` or `48:`: `5:n`, `2:r:g:b` or `2:colourspace:r:g:b`.
fn extended_colon<'a>(parts: impl Iterator<Item = &'a str>) -> Option<Color> {
    let rest: Vec<&str> = parts.take(6).collect();
    match (rest.first().copied().and_then(number), rest.len()) {
        (Some(5), 2) => Some(Color::Indexed(byte(rest[1])?)),
        (Some(2), 4 | 5) => {
            let rgb = &rest[rest.len() - 3..];
            Some(Color::Rgb(byte(rgb[0])?, byte(rgb[1])?, byte(rgb[2])?))
        }
        _ => None,
    }
}

fn byte(code: &str) -> Option<u8> {
    u8::try_from(number(code)?).ok()
}

/// The 8 base colours (`bright` for the 90–97 and 100–107 codes).
fn base_color(n: u32, bright: bool) -> Color {
    match (n, bright) {
        (0, false) => Color::Black,
        (1, false) => Color::Red,
        (2, false) => Color::Green,
        (3, false) => Color::Yellow,
        (4, false) => Color::Blue,
        (5, false) => Color::Magenta,
        (6, false) => Color::Cyan,
        (7, false) => Color::Gray,
        (0, true) => Color::DarkGray,
        (1, true) => Color::LightRed,
        (2, true) => Color::LightGreen,
        (3, true) => Color::LightYellow,
        (4, true) => Color::LightBlue,
        (5, true) => Color::LightMagenta,
        (6, true) => Color::LightCyan,
        _ => Color::White,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fg(c: Color) -> Style {
        Style::default().fg(c)
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(parse("hello wörld"), ("hello wörld".to_owned(), vec![]));
    }

    #[test]
    fn sgr_colours_become_ranges() {
        let (plain, styles) = parse("a\x1b[31mred\x1b[0m b \x1b[1;92mok\x1b[m");
        assert_eq!(plain, "ared b ok");
        let bold_green = Style::default()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD);
        assert_eq!(styles, vec![(1..4, fg(Color::Red)), (7..9, bold_green)]);
    }

    #[test]
    fn extended_colours_both_syntaxes() {
        let (_, s) = parse("\x1b[38;5;208mx\x1b[48;2;1;2;3my\x1b[38:2::9:8:7mz\x1b[38:5:9mw");
        assert_eq!(s[0].1, fg(Color::Indexed(208)));
        assert_eq!(s[1].1, fg(Color::Indexed(208)).bg(Color::Rgb(1, 2, 3)));
        assert_eq!(s[2].1, fg(Color::Rgb(9, 8, 7)).bg(Color::Rgb(1, 2, 3)));
        assert_eq!(s[3].1, fg(Color::Indexed(9)).bg(Color::Rgb(1, 2, 3)));
    }

    #[test]
    fn resets_and_defaults() {
        let (_, s) = parse("\x1b[1;3;4;7;41mA\x1b[22;23mB\x1b[24;27;49mC\x1b[39mD");
        let all = Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED | Modifier::REVERSED;
        assert_eq!(s[0].1, Style::default().bg(Color::Red).add_modifier(all));
        let rest = Modifier::UNDERLINED | Modifier::REVERSED;
        assert_eq!(s[1].1, Style::default().bg(Color::Red).add_modifier(rest));
        assert_eq!(s.len(), 2, "C and D are unstyled: {s:?}");
        let (_, s) = parse("\x1b[2mdim\x1b[107mX\x1b[90mY");
        assert_eq!(s[0].1.add_modifier, Modifier::DIM);
        assert_eq!(s[2].1.fg, Some(Color::DarkGray));
        assert_eq!(s[2].1.bg, Some(Color::White));
    }

    #[test]
    fn other_escapes_and_controls_are_stripped() {
        let input = "\x1b]0;title\x07A\x1b]8;;http://x\x1b\\B\x1b(BC\x1b7D\x1b[?25hE\x1b[2KF\r\u{7}G\tH\u{9b}31mI";
        let (plain, styles) = parse(input);
        assert_eq!(plain, "ABCDEFG    HI");
        assert_eq!(styles, vec![(12..13, fg(Color::Red))]);
    }

    #[test]
    fn malformed_and_truncated_escapes_degrade_to_text() {
        assert_eq!(parse("\x1b").0, "");
        assert_eq!(parse("x\x1b[").0, "x");
        assert_eq!(parse("x\x1b[31").0, "x");
        assert_eq!(parse("x\x1b]0;never ends").0, "x");
        assert_eq!(parse("\x1b[31;é").0, "é");
        assert_eq!(parse("\x1b[38;5m\x1b[38;2;1mx").1, vec![]);
        assert_eq!(parse("\x1b[38;5;999mx").1, vec![]);
        assert_eq!(parse("\x1b[99999999999999999999mx").1, vec![]);
        assert_eq!(
            parse("\x1b\x1b[1mB").1,
            vec![(0..1, Style::default().add_modifier(Modifier::BOLD))]
        );
        assert_eq!(parse("\x1b]0;t\x1b[31mR").1, vec![(0..1, fg(Color::Red))]);
    }

    #[test]
    fn line_patches_over_base_and_skips_bad_ranges() {
        let base = Style::default().fg(Color::White);
        let (plain, styles) = parse("a\x1b[1mb\x1b[0mc");
        let l = line(&plain, &styles, base);
        let texts: Vec<&str> = l.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
        assert_eq!(l.spans[1].style, base.add_modifier(Modifier::BOLD));
        let bad = [
            (5..9, Style::default()),
            (1..2, Style::default()),
            (0..3, Style::default()),
        ];
        let l = line("é", &bad, base);
        assert_eq!(l.to_string(), "é");
    }

    /// Invariants every parse must keep: no escapes or controls left, ranges in
    /// bounds, on char boundaries, ordered and non-empty.
    fn check(input: &str) {
        let (plain, styles) = parse(input);
        assert!(
            !plain.chars().any(char::is_control),
            "{input:?} -> {plain:?}"
        );
        let mut at = 0;
        for (r, _) in &styles {
            assert!(
                at <= r.start && r.start < r.end && r.end <= plain.len(),
                "{input:?}"
            );
            assert!(plain.is_char_boundary(r.start) && plain.is_char_boundary(r.end));
            at = r.end;
        }
        assert_eq!(line(&plain, &styles, Style::default()).to_string(), plain);
    }

    #[test]
    fn fuzzed_inputs_never_panic() {
        const ALPHABET: [char; 22] = [
            '\x1b', '[', ']', ';', ':', '0', '1', '2', '3', '5', '8', '9', 'm', '\\', '\x07',
            '\u{9b}', '\u{9d}', 'é', '\t', 'a', '(', '?',
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let pick = usize::try_from(seed >> 59).unwrap_or(0) % ALPHABET.len();
                s.push(ALPHABET[pick]);
            }
            check(&s);
        }
        let weird = "\x1b[1;38;2;255;0;0;48;5;17mX\x1b]8;;u\x1b\\Y\x1b[38:2:1:2:3:4mZ\u{9b}4:3m";
        for end in (0..=weird.len()).filter(|&i| weird.is_char_boundary(i)) {
            check(&weird[..end]);
            check(&weird[end..]);
        }
        check(&"\x1b[".repeat(10_000));
        check(&format!("\x1b[{}m", "1;".repeat(10_000)));
    }
}
