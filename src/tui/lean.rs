//! The backend that writes frames: crossterm's for everything but the cells, and
//! for the cells the fewest bytes that show them. Over SSH every byte of an idle
//! dashboard is sent again and again, so a frame here:
//! - moves the cursor relatively (`ESC [C`, `ESC [3C`) when that is shorter than
//!   an absolute move, and only from a position it knows for certain (after
//!   printable ASCII; any other symbol is followed by an absolute move);
//! - sends only the colours and attributes that change, named colours in their
//!   short form (`31`, not `38;5;1`), foreground and background in one sequence;
//! - ends with one `ESC [0m`, and only when a colour or attribute is set.

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// Crossterm's backend with a leaner `draw`.
pub struct LeanBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// Bytes of the frame being written, sent in one write.
    out: String,
}

impl<W: Write> LeanBackend<W> {
    /// A backend writing to `writer`.
    pub fn new(writer: W) -> Self {
        LeanBackend {
            inner: CrosstermBackend::new(writer),
            out: String::new(),
        }
    }
}

impl<W: Write> Write for LeanBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// Colours and attributes the terminal has on, as far as this frame set them.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

/// Appends the cells to `out`: moves, pen changes and symbols, and a reset at the end.
pub fn encode<'a>(out: &mut String, cells: impl Iterator<Item = (u16, u16, &'a Cell)>) {
    let mut pen = PLAIN;
    // Where the cursor is, when known for certain.
    let mut at: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        if at != Some((x, y)) {
            move_to(out, at, x, y);
        }
        let want = Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        };
        if want != pen {
            set_pen(out, pen, want);
            pen = want;
        }
        let symbol = cell.symbol();
        out.push_str(symbol);
        let plain_ascii =
            symbol.len() == 1 && symbol.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
        at = if plain_ascii {
            x.checked_add(1).map(|next| (next, y))
        } else {
            None
        };
    }
    if pen != PLAIN {
        out.push_str("\x1b[0m");
    }
}

/// The shortest of an absolute move and, from a known position, a relative one.
fn move_to(out: &mut String, from: Option<(u16, u16)>, x: u16, y: u16) {
    let absolute = format!("\x1b[{};{}H", u32::from(y) + 1, u32::from(x) + 1);
    let relative = from.and_then(|(fx, fy)| (fy == y).then(|| horizontal(fx, x)));
    match relative {
        Some(r) if r.len() < absolute.len() => out.push_str(&r),
        _ => out.push_str(&absolute),
    }
}

/// A move along one row from column `from` to `to`.
fn horizontal(from: u16, to: u16) -> String {
    let (n, dir) = if to > from {
        (to - from, 'C')
    } else {
        (from - to, 'D')
    };
    if n == 1 {
        format!("\x1b[{dir}")
    } else {
        format!("\x1b[{n}{dir}")
    }
}

/// SGR codes of each attribute, and the code that turns it off.
const ATTRIBUTES: [(Modifier, u8, u8); 9] = [
    (Modifier::BOLD, 1, 22),
    (Modifier::DIM, 2, 22),
    (Modifier::ITALIC, 3, 23),
    (Modifier::UNDERLINED, 4, 24),
    (Modifier::SLOW_BLINK, 5, 25),
    (Modifier::RAPID_BLINK, 6, 25),
    (Modifier::REVERSED, 7, 27),
    (Modifier::HIDDEN, 8, 28),
    (Modifier::CROSSED_OUT, 9, 29),
];

/// One SGR sequence taking the terminal from pen `from` to pen `to`.
fn set_pen(out: &mut String, from: Pen, to: Pen) {
    let mut codes: Vec<String> = Vec::new();
    let mut from = from;
    if !(from.modifier - to.modifier).is_empty() {
        // Some attribute goes off: start from plain (the off codes pair bold with dim).
        codes.push("0".to_owned());
        from = PLAIN;
    }
    for (m, on, _) in ATTRIBUTES {
        if to.modifier.contains(m) && !from.modifier.contains(m) {
            codes.push(on.to_string());
        }
    }
    if to.fg != from.fg {
        codes.push(color(to.fg, false));
    }
    if to.bg != from.bg {
        codes.push(color(to.bg, true));
    }
    if !codes.is_empty() {
        let _ = write!(out, "\x1b[{}m", codes.join(";"));
    }
}

/// The SGR parameters of one colour, foreground or background.
fn color(c: Color, background: bool) -> String {
    let base: u8 = if background { 10 } else { 0 };
    let named = |n: u8| (n + base).to_string();
    match c {
        Color::Reset => named(39),
        Color::Black => named(30),
        Color::Red => named(31),
        Color::Green => named(32),
        Color::Yellow => named(33),
        Color::Blue => named(34),
        Color::Magenta => named(35),
        Color::Cyan => named(36),
        Color::Gray => named(37),
        Color::DarkGray => named(90),
        Color::LightRed => named(91),
        Color::LightGreen => named(92),
        Color::LightYellow => named(93),
        Color::LightBlue => named(94),
        Color::LightMagenta => named(95),
        Color::LightCyan => named(96),
        Color::White => named(97),
        Color::Indexed(i) => format!("{};5;{i}", 38 + base),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", 38 + base),
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.out.clear();
        encode(&mut self.out, content);
        self.inner.write_all(self.out.as_bytes())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    const COLORS: [Color; 8] = [
        Color::Reset,
        Color::Red,
        Color::DarkGray,
        Color::White,
        Color::Indexed(60),
        Color::Indexed(153),
        Color::Rgb(122, 162, 247),
        Color::Rgb(0, 0, 0),
    ];
    const MODIFIERS: [Modifier; 5] = [
        Modifier::empty(),
        Modifier::BOLD,
        Modifier::DIM,
        Modifier::REVERSED,
        Modifier::BOLD.union(Modifier::UNDERLINED),
    ];
    const SYMBOLS: [&str; 8] = [" ", "a", "7", "%", "▃", "█", "●", "─"];

    /// A buffer of random cells, with runs so some rows stay unchanged.
    fn random(area: Rect, rng: &mut fastrand::Rng, base: Option<&Buffer>) -> Buffer {
        let mut b = base.cloned().unwrap_or_else(|| Buffer::empty(area));
        for y in 0..area.height {
            for x in 0..area.width {
                if base.is_some() && rng.u8(..) < 200 {
                    continue;
                }
                let style = Style::default()
                    .fg(COLORS[rng.usize(..COLORS.len())])
                    .bg(COLORS[rng.usize(..COLORS.len())])
                    .add_modifier(MODIFIERS[rng.usize(..MODIFIERS.len())]);
                let cell = &mut b[(x, y)];
                // Fresh, not patched: vt100 cannot show bold and dim at once.
                cell.reset();
                cell.set_symbol(SYMBOLS[rng.usize(..SYMBOLS.len())])
                    .set_style(style);
            }
        }
        b
    }

    fn vt_color(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Red => vt100::Color::Idx(1),
            Color::DarkGray => vt100::Color::Idx(8),
            Color::White => vt100::Color::Idx(15),
            Color::Indexed(i) => vt100::Color::Idx(i),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            other => panic!("not used here: {other:?}"),
        }
    }

    /// Every cell the terminal shows equals the buffer's: symbol, colours, attributes.
    fn assert_shows(screen: &vt100::Screen, b: &Buffer, round: usize) {
        for y in 0..b.area.height {
            for x in 0..b.area.width {
                let want = &b[(x, y)];
                let got = screen.cell(y, x).expect("cell on screen");
                let m = want.modifier;
                let at = format!("round {round}, cell ({x}, {y})");
                assert_eq!(got.contents(), want.symbol(), "{at}");
                assert_eq!(got.fgcolor(), vt_color(want.fg), "{at} fg");
                assert_eq!(got.bgcolor(), vt_color(want.bg), "{at} bg");
                assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at} bold");
                assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at} dim");
                assert_eq!(
                    got.inverse(),
                    m.contains(Modifier::REVERSED),
                    "{at} inverse"
                );
                assert_eq!(
                    got.underline(),
                    m.contains(Modifier::UNDERLINED),
                    "{at} underline"
                );
            }
        }
    }

    #[test]
    fn the_terminal_shows_exactly_the_buffer_after_each_diff() {
        let area = Rect::new(0, 0, 30, 6);
        let mut rng = fastrand::Rng::with_seed(26);
        let mut parser = vt100::Parser::new(area.height, area.width, 0);
        let mut shown = Buffer::empty(area);
        for round in 0..300 {
            let next = random(area, &mut rng, (round % 10 != 0).then_some(&shown));
            let mut out = String::new();
            encode(&mut out, shown.diff(&next).into_iter());
            parser.process(out.as_bytes());
            assert_shows(parser.screen(), &next, round);
            shown = next;
        }
    }

    #[test]
    fn an_idle_column_of_bars_costs_fewer_bytes_than_crossterm_writes() {
        let area = Rect::new(0, 0, 120, 40);
        let before = Buffer::empty(area);
        let mut after = before.clone();
        let accent = Style::default().fg(Color::Indexed(111));
        for (y, bar) in [(37, "▃"), (38, "█"), (39, "█")] {
            after[(95, y)].set_symbol(bar).set_style(accent);
        }
        let mut lean = String::new();
        encode(&mut lean, before.diff(&after).into_iter());
        let mut crossterm = Vec::new();
        CrosstermBackend::new(&mut crossterm)
            .draw(before.diff(&after).into_iter())
            .expect("draw to memory");
        assert_eq!(
            lean,
            "\x1b[38;96H\x1b[38;5;111m▃\x1b[39;96H█\x1b[40;96H█\x1b[0m"
        );
        assert!(
            lean.len() + 16 <= crossterm.len(),
            "{} vs {}",
            lean.len(),
            crossterm.len()
        );
    }

    #[test]
    fn relative_moves_along_a_row_only_after_ascii() {
        let mut out = String::new();
        move_to(&mut out, Some((10, 3)), 11, 3);
        move_to(&mut out, Some((10, 3)), 14, 3);
        move_to(&mut out, Some((10, 3)), 8, 3);
        move_to(&mut out, Some((10, 3)), 10, 4);
        move_to(&mut out, None, 11, 3);
        assert_eq!(out, "\x1b[C\x1b[4C\x1b[2D\x1b[5;11H\x1b[4;12H");
    }
}
