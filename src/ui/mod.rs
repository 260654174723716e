//! Drawing: a pure function of borrowed state. No locks, no I/O, no clock reads;
//! `app.now` is the only time used, and only visible rows are built.

pub mod header;
pub mod layout;
pub mod panes;
pub mod status;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::theme::{Role, Theme};
use crate::view::Overlay;
use crate::view::Screen;

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame, app: &Screen<'_>, theme: &Theme) {
    let area = frame.area();
    if layout::is_too_small(area) {
        let (w, h) = layout::MIN_SIZE;
        let msg = format!(
            "terminal too small ({}x{}; needs {w}x{h})",
            area.width, area.height
        );
        let y = area.height / 2;
        let line = ratatui::layout::Rect {
            y: area.y + y,
            height: 1.min(area.height),
            ..area
        };
        frame.render_widget(
            Paragraph::new(msg)
                .alignment(Alignment::Center)
                .style(theme.style(Role::Warning)),
            line,
        );
        return;
    }
    let bands = layout::bands(area);
    header::draw_tabs(frame, bands.tabs, app, theme);
    header::draw_sources(frame, bands.sources, app, theme);
    panes::draw(frame, bands.body, app, theme);
    header::draw_footer(frame, bands.footer, app, theme);
    for overlay in &app.view.overlays {
        match overlay {
            Overlay::Help => widgets::help::draw(frame, bands.body, app, theme),
            Overlay::Palette(p) => widgets::palette::draw(frame, bands.body, app, p, theme),
            Overlay::Confirm(c) => {
                let (action, target, host) = (c.action.label(), c.action.target(), c.action.host());
                let dialog = widgets::confirm::ConfirmDialog {
                    action: &action,
                    target,
                    host,
                    destructive: c.action.is_destructive(),
                    second: c.second,
                };
                dialog.draw(frame, bands.body, theme);
            }
            Overlay::Signal(s) => widgets::confirm::draw_signals(frame, bands.body, s, theme),
            Overlay::Form(form, _) => form.draw(frame, bands.body, theme),
            Overlay::Alias(a) => widgets::chooser::draw_aliases(frame, bands.body, a, theme),
            Overlay::Stage(s) => widgets::chooser::draw_stages(frame, bands.body, s, theme),
            Overlay::Dispatch(f) => f.form.draw(frame, bands.body, theme),
            Overlay::Quit(q) => widgets::confirm::draw_quit(frame, bands.body, q, theme),
        }
    }
}

/// A paragraph of muted, centred lines, for empty and not-configured panes.
pub fn notice<'a>(lines: Vec<Line<'a>>, theme: &Theme) -> Paragraph<'a> {
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .style(theme.style(Role::Muted))
}
