//! The terminal guard: raw mode and the alternate screen on entry, restored on
//! drop, on panic (chained hook) and before suspending. Every restore step runs
//! separately and ignores its own failure, so one broken step cannot skip the rest.
//! Over SSH it speaks plain escape codes: frames in synchronized output (mode 2026),
//! copies through OSC 52 and names the window with OSC 2 (the old title pushed and popped).

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
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
pub struct Tui {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    /// The window title last written, so an unchanged one is not written again.
    title: Option<String>,
}

impl Tui {
    /// Switches to raw mode and the alternate screen.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        setup()?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Tui {
            terminal,
            title: None,
        })
    }

    /// Draws one frame inside a synchronized update, so terminals that support it
    /// (and SSH links) show it at once instead of line by line.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> io::Result<()> {
        draw_synchronized(&mut self.terminal, render)
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
        self.terminal.clear()
    }

    /// Rings the terminal bell once.
    pub fn bell(&mut self) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(b"\x07")?;
        out.flush()
    }
}

/// Draws one frame between `ESC [?2026h` and `ESC [?2026l` (synchronized output).
pub fn draw_synchronized<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    render: impl FnOnce(&mut ratatui::Frame),
) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(render)?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)
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

    fn terminal() -> (Terminal<CrosstermBackend<Captured>>, Captured) {
        let out = Captured::default();
        let viewport = Viewport::Fixed(Rect::new(0, 0, 20, 2));
        let backend = CrosstermBackend::new(out.clone());
        let t = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
        (t, out)
    }

    #[test]
    fn every_frame_is_wrapped_in_synchronized_output() {
        let (mut t, out) = terminal();
        for word in ["first", "second"] {
            draw_synchronized(&mut t, |f| f.render_widget(Paragraph::new(word), f.area())).unwrap();
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
    fn an_unchanged_frame_writes_no_cells_again() {
        let (mut t, out) = terminal();
        draw_synchronized(&mut t, |f| {
            f.render_widget(Paragraph::new("2.0M"), f.area());
        })
        .unwrap();
        out.take();
        draw_synchronized(&mut t, |f| {
            f.render_widget(Paragraph::new("2.0M"), f.area());
        })
        .unwrap();
        let again = out.take();
        assert!(
            !again.contains("2.0M"),
            "unchanged cells were written again: {again:?}"
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
