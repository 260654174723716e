//! A small form overlay of labelled single-line text fields: Tab/Shift-Tab (or
//! the arrows) move between fields, Enter submits, Esc cancels. Editing is pure
//! data (`FormView::on_key`), so `update` stays pure; the caller validates.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::theme::{Role, Theme};
use crate::ui::layout::centered;

/// One text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its label (`Duration`).
    pub label: &'static str,
    /// The text so far.
    pub value: String,
    /// A muted hint under it (`2h, 30m, 1h30m`).
    pub hint: &'static str,
}

/// A form's fields, focus and last validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormView {
    /// The heading.
    pub title: String,
    /// The fields, top to bottom.
    pub fields: Vec<Field>,
    /// Index of the focused field.
    pub focus: usize,
    /// Why the last submit was refused, if it was.
    pub error: Option<String>,
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Enter: the caller validates and acts.
    Submit,
    /// Esc: close without acting.
    Cancel,
    /// Text or focus changed.
    Edited,
}

impl Field {
    /// A field with a starting value.
    pub fn new(label: &'static str, value: impl Into<String>, hint: &'static str) -> Self {
        Field {
            label,
            value: value.into(),
            hint,
        }
    }
}

impl FormView {
    /// A form with focus on the first field.
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Self {
        FormView {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
        }
    }

    /// The value of the field labelled `label` (empty when there is none).
    pub fn value(&self, label: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map_or("", |f| f.value.as_str())
    }

    /// Applies one key.
    pub fn on_key(&mut self, key: KeyEvent) -> FormKey {
        let n = self.fields.len().max(1);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => return FormKey::Submit,
            KeyCode::Esc => return FormKey::Cancel,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Backspace => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.pop();
                }
            }
            KeyCode::Char('u') if ctrl => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.clear();
                }
            }
            KeyCode::Char(c) if !ctrl => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.value.push(c);
                }
            }
            _ => {}
        }
        self.error = None;
        FormKey::Edited
    }

    /// Inserts pasted text into the focused field.
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.extend(text.chars().filter(|c| !c.is_control()));
        }
    }

    /// Draws the form centred over `area`; the focused field shows a cursor.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(4).min(76);
        let inner = usize::from(width.saturating_sub(2));
        let mut lines = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let (mark, role) = if focused {
                ("▸ ", Role::Accent)
            } else {
                ("  ", Role::Text)
            };
            let label = format!("{mark}{:<11}", f.label);
            let room = inner.saturating_sub(label.chars().count() + 1);
            let chars: Vec<char> = f.value.chars().collect();
            let shown: String = chars[chars.len().saturating_sub(room)..].iter().collect();
            let mut spans = vec![
                Span::styled(label, theme.style(role)),
                Span::styled(shown, theme.style(Role::Text)),
            ];
            if focused {
                spans.push(Span::styled("█", theme.style(Role::Accent)));
            }
            lines.push(Line::from(spans));
            lines.push(Line::styled(
                format!("             {}", f.hint),
                theme.style(Role::Muted),
            ));
        }
        if let Some(e) = &self.error {
            lines.push(Line::styled(format!("✗ {e}"), theme.style(Role::Error)));
        }
        lines.push(Line::styled(
            "tab/shift-tab field · enter submit · esc cancel",
            theme.style(Role::Muted),
        ));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let rect = centered(area, width, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Role::Warning))
            .title(Span::styled(
                format!(" {} ", self.title),
                theme.style(Role::Warning),
            ));
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            rect,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn tab_moves_between_fields_and_typing_edits_the_focused_one() {
        let mut f = FormView::new("t", vec![Field::new("A", "x", ""), Field::new("B", "", "")]);
        f.on_key(press(KeyCode::Char('y')));
        assert_eq!(f.on_key(press(KeyCode::Tab)), FormKey::Edited);
        f.on_key(press(KeyCode::Char('z')));
        assert_eq!((f.value("A"), f.value("B")), ("xy", "z"));
        f.on_key(press(KeyCode::BackTab));
        f.on_key(press(KeyCode::Backspace));
        assert_eq!(f.value("A"), "x");
        f.on_key(press(KeyCode::BackTab));
        assert_eq!(f.focus, 1, "wraps around");
        assert_eq!(f.on_key(press(KeyCode::Enter)), FormKey::Submit);
        assert_eq!(f.on_key(press(KeyCode::Esc)), FormKey::Cancel);
    }
}
