//! Screen geometry: the header, body and footer rows, the minimum size, and
//! centred boxes for overlays. Pure functions of the terminal size.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the layout fits (width, height).
pub const MIN_SIZE: (u16, u16) = (60, 12);

use crate::view::screen::FOOTER_ROWS;
pub use crate::view::screen::body_height;

/// The three horizontal bands of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    /// Tab bar.
    pub tabs: Rect,
    /// Source health line.
    pub sources: Rect,
    /// The pane.
    pub body: Rect,
    /// Input line, toast or key hints.
    pub footer: Rect,
}

/// Whether an area is too small for the layout.
pub fn is_too_small(area: Rect) -> bool {
    area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1
}

/// Splits the screen into bands.
pub fn bands(area: Rect) -> Bands {
    let [tabs, sources, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area);
    Bands {
        tabs,
        sources,
        body,
        footer,
    }
}

/// A box of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
