//! The terminal guard: raw mode and the alternate screen on entry, restored on
//! drop, on panic (chained hook) and before suspending. Every restore step runs
//! separately and ignores its own failure, so one broken step cannot skip the rest.
//! Over SSH it speaks plain escape codes: frames in synchronized output (mode 2026),
//! copies through OSC 52 and names the window with OSC 2 (the old title pushed and popped).

mod lean;

use std::io::{self, Stdout, Write};

use base64::Engine as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, ThreadId};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use lean::LeanBackend;
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
pub struct Tui {
    terminal: Terminal<LeanBackend<Stdout>>,
    /// The window title last written, so an unchanged one is not written again.
    title: Option<String>,
    /// The frame last written, so an unchanged one is not written at all.
    last: Buffer,
}

impl Tui {
    /// Switches to raw mode and the alternate screen.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        setup()?;
        let terminal = Terminal::new(LeanBackend::new(io::stdout()))?;
        Ok(Tui {
            terminal,
            title: None,
            last: Buffer::empty(Rect::ZERO),
        })
    }

    /// Draws one frame inside a synchronized update, so terminals that support it
    /// (and SSH links) show it at once instead of line by line; a frame equal to
    /// the last one writes nothing.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        draw_synchronized(&mut self.terminal, &mut self.last, render).map(|_| ())
    }

    /// Puts `text` on the user's clipboard (on their machine, also over SSH) with OSC 52.
    pub fn copy(&mut self, text: &str) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(osc52(text).as_bytes())?;
        out.flush()
    }

    /// Names the window (OSC 2), so a tmux window list shows trouble; unchanged titles are skipped.
    pub fn set_title(&mut self, title: &str) -> io::Result<()> {
        if self.title.as_deref() == Some(title) {
            return Ok(());
        }
        let out = self.terminal.backend_mut();
        out.write_all(osc2(title).as_bytes())?;
        out.flush()?;
        self.title = Some(title.to_owned());
        Ok(())
    }

    /// The terminal's size in cells (width, height).
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.terminal.size()?;
        Ok((s.width, s.height))
    }

    /// Restores the terminal, stops the process (as Ctrl-Z would) and re-enters on `fg`.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        setup()?;
        // The shell may have renamed the window meanwhile; name it again on the next frame.
        self.title = None;
        self.last = Buffer::empty(Rect::ZERO);
        self.terminal.clear()
    }

    /// Rings the terminal bell once.
    pub fn bell(&mut self) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(b"\x07")?;
        out.flush()
    }
}

/// Draws one frame between `ESC [?2026h` and `ESC [?2026l` (synchronized output),
/// writing only the cells that changed; when none did, writes nothing at all (no
/// synchronized-output pair, no cursor or colour reset) and returns false.
/// `last` is the frame last written; the cursor stays hidden as `setup` left it.
pub fn draw_synchronized<W: Write>(
    terminal: &mut Terminal<LeanBackend<W>>,
    last: &mut Buffer,
    render: impl FnOnce(&mut ratatui::Frame),
) -> io::Result<bool> {
    terminal.autoresize()?;
    render(&mut terminal.get_frame());
    if terminal.current_buffer_mut() == last {
        // Not swapped in: start the next frame from a blank buffer, as `draw` would.
        terminal.current_buffer_mut().reset();
        return Ok(false);
    }
    last.clone_from(terminal.current_buffer_mut());
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.flush()?;
    terminal.swap_buffers();
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(true)
}

/// The OSC 52 sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// The OSC 2 sequence that sets the window title; control characters are left out,
/// so a name from a server cannot end the sequence early or inject another.
pub fn osc2(title: &str) -> String {
    let clean: String = title.chars().filter(|c| !c.is_control()).collect();
    format!("\x1b]2;{clean}\x07")
}

/// Saves the window title on the terminal's title stack (xterm `CSI 22;0 t`).
const PUSH_TITLE: &str = "\x1b[22;0t";
/// Restores the title saved by `PUSH_TITLE` (xterm `CSI 23;0 t`).
const POP_TITLE: &str = "\x1b[23;0t";

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

fn setup() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    out.write_all(PUSH_TITLE.as_bytes())?;
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Puts the terminal back as it was; safe to call more than once.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, cursor::Show);
    let _ = out.write_all(POP_TITLE.as_bytes());
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Chains a panic hook that restores the terminal before the message is printed.
///
/// A panic on another thread (a poller task) must not tear the screen down: the
/// loop reports that task as crashed in its pane, so those are only logged.
fn install_panic_hook() {
    if UI_THREAD.set(thread::current().id()).is_err() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_ui_thread = UI_THREAD.get() == Some(&thread::current().id());
        if on_ui_thread || !ACTIVE.load(Ordering::SeqCst) {
            restore();
            previous(info);
        } else {
            tracing::error!("task panicked: {info}");
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::Paragraph;
    use ratatui::{TerminalOptions, Viewport};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A writer whose bytes the test reads back (the backend owns its writer).
    #[derive(Clone, Default)]
    struct Captured(Rc<RefCell<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn take(&self) -> String {
            String::from_utf8_lossy(&std::mem::take(&mut *self.0.borrow_mut())).into_owned()
        }
    }

    struct Screen {
        t: Terminal<LeanBackend<Captured>>,
        last: Buffer,
    }

    impl Screen {
        fn draw(&mut self, text: &str) -> bool {
            draw_synchronized(&mut self.t, &mut self.last, |f| {
                f.render_widget(Paragraph::new(text.to_owned()), f.area());
            })
            .unwrap()
        }
    }

    fn terminal() -> (Screen, Captured) {
        let out = Captured::default();
        let viewport = Viewport::Fixed(Rect::new(0, 0, 20, 2));
        let backend = LeanBackend::new(out.clone());
        let t = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
        let last = Buffer::empty(Rect::ZERO);
        (Screen { t, last }, out)
    }

    #[test]
    fn every_frame_is_wrapped_in_synchronized_output() {
        let (mut t, out) = terminal();
        for word in ["first", "second"] {
            assert!(t.draw(word));
            let out = out.take();
            let begin = out
                .find("\x1b[?2026h")
                .expect("frame starts a synchronized update");
            let end = out
                .rfind("\x1b[?2026l")
                .expect("frame ends the synchronized update");
            let drawn = out.find(word).expect("the frame's text is written");
            assert!(begin < drawn && drawn < end, "{out:?}");
            assert!(
                out.ends_with("\x1b[?2026l"),
                "nothing after the end: {out:?}"
            );
        }
    }

    #[test]
    fn an_unchanged_frame_writes_nothing_at_all() {
        let (mut t, out) = terminal();
        assert!(t.draw("2.0M"));
        assert!(out.take().contains("2.0M"));
        assert!(!t.draw("2.0M"), "an equal frame is not written");
        assert_eq!(
            out.take(),
            "",
            "nothing at all is written for an unchanged frame"
        );
        // A later change writes only the changed cells, against what is on screen.
        assert!(t.draw("2.1M"));
        let changed = out.take();
        assert!(
            changed.contains('1') && !changed.contains("2.1M"),
            "{changed:?}"
        );
        assert!(!t.draw("2.1M"));
        assert!(t.draw("2.0M"));
        assert!(out.take().contains('0'));
    }

    #[test]
    fn a_skipped_frame_leaves_no_stale_cells_for_the_next() {
        let (mut t, out) = terminal();
        assert!(t.draw("abcdef"));
        assert!(!t.draw("abcdef"));
        // Shorter text next: the cells after it must be cleared on screen.
        assert!(t.draw("ab"));
        let written = out.take();
        assert!(!written.is_empty());
        let shown: String = t
            .last
            .content()
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        assert!(
            shown.starts_with("ab ") && !shown.contains('c'),
            "{shown:?}"
        );
    }

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(osc52("4f66ad9a0b2e"), "\x1b]52;c;NGY2NmFkOWEwYjJl\x07");
        assert_eq!(osc52(""), "\x1b]52;c;\x07");
    }

    #[test]
    fn the_title_drops_control_characters() {
        assert_eq!(
            osc2("✗ 3 critical · flightdeck"),
            "\x1b]2;✗ 3 critical · flightdeck\x07"
        );
        assert_eq!(osc2("a\x07b\x1b]52;c;eA==\x07"), "\x1b]2;ab]52;c;eA==\x07");
    }
}
