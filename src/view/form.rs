//! A small modal form: text, choice and yes/no fields, Tab/Shift-Tab (or arrows)
//! between fields, Enter submits once required fields are filled, Esc cancels.
//! Self-contained (state, keys and drawing) so other panes can reuse it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text(String),
    /// One of `options`, the `selected`th.
    Choice {
        /// The options.
        options: Vec<String>,
        /// Index of the chosen one.
        selected: usize,
    },
    /// Yes or no.
    Bool(bool),
}

/// One labelled field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key its value is reported under.
    pub name: String,
    /// A one-line help text (may be empty).
    pub help: String,
    /// Whether it must not be empty on submit.
    pub required: bool,
    /// Its value.
    pub kind: FieldKind,
}

impl Field {
    /// A text field named `name` holding `value`, with a help line.
    pub fn text(name: &str, value: impl Into<String>, help: &str, required: bool) -> Field {
        Field {
            name: name.to_owned(),
            help: help.to_owned(),
            required,
            kind: FieldKind::Text(value.into()),
        }
    }

    /// The value as text (`true`/`false` for yes/no).
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text(t) => t.clone(),
            FieldKind::Choice { options, selected } => {
                options.get(*selected).cloned().unwrap_or_default()
            }
            FieldKind::Bool(b) => b.to_string(),
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormEvent {
    /// Nothing the owner must act on.
    Edited,
    /// Enter with every required field filled.
    Submit,
    /// Esc.
    Cancel,
}

/// A form's fields, focus and last complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The title on the border.
    pub title: String,
    /// The fields, in order.
    pub fields: Vec<Field>,
    /// The focused field's index.
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl Form {
    /// A form with the first field focused.
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
        }
    }

    /// The value of the field named `name` (empty when there is none).
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(Field::value)
            .unwrap_or_default()
    }

    /// The values by field name, in order.
    pub fn values(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|f| (f.name.clone(), f.value()))
            .collect()
    }

    /// Applies one key press.
    pub fn on_key(&mut self, key: KeyEvent) -> FormEvent {
        let n = self.fields.len().max(1);
        match key.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Enter => return self.submit(),
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            _ => self.edit(key),
        }
        FormEvent::Edited
    }

    /// Inserts pasted text into a focused text field.
    pub fn paste(&mut self, text: &str) {
        if let Some(FieldKind::Text(t)) = self.fields.get_mut(self.focus).map(|f| &mut f.kind) {
            t.extend(text.chars().filter(|c| !c.is_control()));
            self.error = None;
        }
    }

    /// Whether the focused field takes typed text.
    pub fn text_focused(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.kind),
            Some(FieldKind::Text(_))
        )
    }

    fn submit(&mut self) -> FormEvent {
        let missing = self
            .fields
            .iter()
            .position(|f| f.required && f.value().trim().is_empty());
        match missing {
            Some(i) => {
                self.error = Some(format!("'{}' is required", self.fields[i].name));
                self.focus = i;
                FormEvent::Edited
            }
            None => FormEvent::Submit,
        }
    }

    fn edit(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        self.error = None;
        match (&mut field.kind, key.code) {
            (FieldKind::Text(t), KeyCode::Backspace) => {
                t.pop();
            }
            (FieldKind::Text(t), KeyCode::Char('u')) if ctrl => t.clear(),
            (FieldKind::Text(t), KeyCode::Char(c)) if !ctrl => t.push(c),
            (FieldKind::Choice { options, selected }, KeyCode::Right | KeyCode::Char(' ')) => {
                *selected = (*selected + 1) % options.len().max(1);
            }
            (FieldKind::Choice { options, selected }, KeyCode::Left) => {
                let n = options.len().max(1);
                *selected = (*selected + n - 1) % n;
            }
            (FieldKind::Bool(b), KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right) => *b = !*b,
            (FieldKind::Bool(b), KeyCode::Char('y')) => *b = true,
            (FieldKind::Bool(b), KeyCode::Char('n')) => *b = false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn tabbing_editing_and_required_fields() {
        let mut form = Form::new(
            "f",
            vec![
                Field {
                    name: "ref".into(),
                    help: String::new(),
                    required: true,
                    kind: FieldKind::Text(String::new()),
                },
                Field {
                    name: "env".into(),
                    help: String::new(),
                    required: false,
                    kind: FieldKind::Choice {
                        options: vec!["a".into(), "b".into()],
                        selected: 0,
                    },
                },
                Field {
                    name: "dry".into(),
                    help: String::new(),
                    required: false,
                    kind: FieldKind::Bool(false),
                },
            ],
        );
        assert_eq!(form.on_key(key(KeyCode::Enter)), FormEvent::Edited);
        assert!(form.error.is_some());
        form.on_key(key(KeyCode::Char('m')));
        form.on_key(key(KeyCode::Tab));
        form.on_key(key(KeyCode::Right));
        form.on_key(key(KeyCode::Tab));
        form.on_key(key(KeyCode::Char(' ')));
        form.on_key(key(KeyCode::BackTab));
        assert_eq!(form.focus, 1);
        assert_eq!(form.on_key(key(KeyCode::Enter)), FormEvent::Submit);
        let values = form.values();
        assert_eq!(
            values,
            vec![
                ("ref".into(), "m".into()),
                ("env".into(), "b".into()),
                ("dry".into(), "true".into())
            ]
        );
        assert_eq!(form.on_key(key(KeyCode::Esc)), FormEvent::Cancel);
    }
}
