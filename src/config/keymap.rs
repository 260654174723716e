//! Key bindings: parsing key specs (`ctrl-c`, `shift-tab`, `G`), the `[keys]` overrides on
//! top of each command's default keys, and lookup by context. A key is never bound to two
//! commands of the same context; an inner context may shadow a global key on purpose.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::diagnostics::{self, KeyPath, Problem};
use crate::command::{Command, Context};

const EXAMPLES: &str = "write keys like 'q', 'G', 'ctrl-c', 'shift-tab', 'pageup' or 'f5'";

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

/// One key with its modifiers; char keys carry their case in the char, never in SHIFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl, Alt and (for named keys only) Shift.
    pub mods: KeyModifiers,
}

impl Key {
    /// Parses a key spec such as `q`, `G`, `ctrl-c`, `alt-enter`, `shift-tab` or `f5`.
    pub fn parse(spec: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = spec;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") && rest.len() > 5 {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            mods |= flag;
            rest = &rest[len..];
        }
        let code = key_code(rest).ok_or_else(|| format!("invalid key '{spec}': {EXAMPLES}"))?;
        Key::normalise(code, mods).ok_or_else(|| {
            format!(
                "invalid key '{spec}': shift- goes only with letters and named keys; \
                 write the character it types instead, like '!' or '?'"
            )
        })
    }

    /// Applies the char rules: `shift-g` is `G`; shift with a non-letter char is not a key.
    fn normalise(code: KeyCode, mods: KeyModifiers) -> Option<Key> {
        match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                c.is_ascii_alphabetic().then(|| Key {
                    code: KeyCode::Char(c.to_ascii_uppercase()),
                    mods: mods - KeyModifiers::SHIFT,
                })
            }
            // BackTab already is shift-tab: a SHIFT written with it goes, as events drop it.
            KeyCode::Tab | KeyCode::BackTab if mods.contains(KeyModifiers::SHIFT) => Some(Key {
                code: KeyCode::BackTab,
                mods: mods - KeyModifiers::SHIFT,
            }),
            _ => Some(Key { code, mods }),
        }
    }

    /// The key a terminal event stands for, or `None` for key releases.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        match ev.code {
            // Terminals send 'G' with SHIFT (or, some, 'g' with SHIFT); both mean `G`.
            KeyCode::Char(c) => Some(Key {
                code: KeyCode::Char(if mods.contains(KeyModifiers::SHIFT) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }),
                mods: mods - KeyModifiers::SHIFT,
            }),
            // crossterm reports shift-tab as BackTab with SHIFT set.
            KeyCode::BackTab => Some(Key {
                code: KeyCode::BackTab,
                mods: mods - KeyModifiers::SHIFT,
            }),
            code => Some(Key { code, mods }),
        }
    }
}

fn key_code(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Some(*code);
    }
    let number: u8 = lower.strip_prefix('f')?.parse().ok()?;
    (1..=12).contains(&number).then_some(KeyCode::F(number))
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.mods.contains(flag) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

/// The keys of every command; built from the defaults plus `[keys]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<Command, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        let bindings = Command::ALL
            .iter()
            .map(|&cmd| {
                (
                    cmd,
                    cmd.default_keys()
                        .iter()
                        .filter_map(|k| Key::parse(k).ok())
                        .collect(),
                )
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The command bound to this key event, searching `contexts` in order (innermost first).
    pub fn lookup(&self, ev: &KeyEvent, contexts: &[Context]) -> Option<Command> {
        let key = Key::from_event(ev)?;
        contexts.iter().find_map(|&ctx| {
            self.bindings
                .iter()
                .find(|(cmd, keys)| cmd.context() == ctx && keys.contains(&key))
                .map(|(cmd, _)| *cmd)
        })
    }

    /// The keys bound to `cmd`, in the order written (empty when unbound).
    pub fn keys(&self, cmd: Command) -> &[Key] {
        self.bindings.get(&cmd).map_or(&[], Vec::as_slice)
    }

    /// Applies `[keys]` entries, given in file order, on top of the defaults; every problem
    /// of every entry is returned, not just the first.
    pub(crate) fn with_overrides(entries: &[(String, KeySpecs)]) -> Result<Keymap, Vec<Problem>> {
        let base = KeyPath::default().key("keys");
        let mut map = Keymap::default();
        let mut named = Vec::with_capacity(entries.len());
        let mut problems = Vec::new();
        for (name, specs) in entries {
            let path = base.key(name);
            let Some(cmd) = Command::from_name(name) else {
                problems.push(unknown_command(&path, name));
                continue;
            };
            let mut keys: Vec<Key> = Vec::new();
            for (i, spec) in specs.0.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
                let at = if specs.1 { path.index(i) } else { path.clone() };
                match Key::parse(spec) {
                    Ok(key) if !keys.contains(&key) => keys.push(key),
                    Ok(_) => {}
                    Err(e) => problems.push(Problem::value(at, e)),
                }
            }
            map.bindings.insert(cmd, keys);
            named.push((cmd, specs.1, path));
        }
        problems.extend(map.check_conflicts(&named).err().into_iter().flatten());
        if problems.is_empty() {
            Ok(map)
        } else {
            Err(problems)
        }
    }

    /// Reports each key shared by two commands of one context, at the later `[keys]` entry.
    fn check_conflicts(&self, named: &[(Command, bool, KeyPath)]) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        for (pos, (cmd, is_list, path)) in named.iter().enumerate() {
            for (i, key) in self.keys(*cmd).iter().enumerate() {
                let other = self.bindings.iter().find(|(other, keys)| {
                    *other != cmd
                        && other.context() == cmd.context()
                        && keys.contains(key)
                        && !named[pos + 1..].iter().any(|(later, _, _)| later == *other)
                });
                if let Some((other, _)) = other {
                    let at = if *is_list {
                        path.index(i)
                    } else {
                        path.clone()
                    };
                    let (name, other) = (cmd.name(), other.name());
                    let detail = format!(
                        "key '{key}' for '{name}' is already bound to '{other}'; choose another key, \
                         or rebind '{other}' in [keys] ({other} = \"\" unbinds it)"
                    );
                    problems.push(Problem::value(at, detail));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

fn unknown_command(path: &KeyPath, name: &str) -> Problem {
    let hint = match diagnostics::suggest(name, Command::ALL.iter().map(|c| c.name())) {
        Some(best) => format!("did you mean '{best}'?"),
        None => "the [keys] section of the example config lists every command".to_owned(),
    };
    Problem::key(
        path.clone(),
        format!("unknown command '{name}' in [keys]; {hint}"),
    )
}

/// A `[keys]` value: one key spec or a list; the flag is true when written as a list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KeySpecs(pub Vec<String>, pub bool);

impl<'de> Deserialize<'de> for KeySpecs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<KeySpecs, D::Error> {
        struct SpecsVisitor;
        impl<'de> Visitor<'de> for SpecsVisitor {
            type Value = KeySpecs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key or a list of keys")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeySpecs, E> {
                Ok(KeySpecs(vec![v.to_owned()], false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeySpecs, A::Error> {
                let mut specs = Vec::new();
                while let Some(spec) = seq.next_element::<String>()? {
                    specs.push(spec);
                }
                Ok(KeySpecs(specs, true))
            }
        }
        deserializer.deserialize_any(SpecsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn key(spec: &str) -> Key {
        Key::parse(spec).unwrap()
    }

    fn event(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    /// Found by the `keymap` fuzz target: `shift-backtab` kept SHIFT, so it showed in
    /// help as `shift-shift-tab` and never matched the key (events drop SHIFT from BackTab).
    #[test]
    fn shift_backtab_is_shift_tab_and_shows_as_it_reads() {
        assert_eq!(key("shift-backtab"), key("shift-tab"));
        assert_eq!(key("ctrl-shift-backtab"), key("ctrl-shift-tab"));
        for spec in ["shift-backtab", "ctrl-shift-backtab", "alt-backtab"] {
            let shown = key(spec).to_string();
            assert_eq!(key(&shown), key(spec), "'{spec}' shows as '{shown}'");
        }
        let ev = event(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Some(key("shift-backtab")));
    }

    #[test]
    fn parses_modifiers_names_and_chars() {
        assert_eq!(
            key("ctrl-c"),
            Key {
                code: KeyCode::Char('c'),
                mods: KeyModifiers::CONTROL
            }
        );
        assert_eq!(
            key("Ctrl-Alt-x").mods,
            KeyModifiers::CONTROL | KeyModifiers::ALT
        );
        assert_eq!(key("shift-tab"), key("backtab"));
        assert_eq!(key("shift-g"), key("G"));
        assert_eq!(key("PageUp").code, KeyCode::PageUp);
        assert_eq!(key("f12").code, KeyCode::F(12));
        assert_eq!(key("space").code, KeyCode::Char(' '));
        assert_eq!(key("-").code, KeyCode::Char('-'));
        assert_eq!(
            key("ctrl--"),
            Key {
                code: KeyCode::Char('-'),
                mods: KeyModifiers::CONTROL
            }
        );
        assert_eq!(key("shift-up").mods, KeyModifiers::SHIFT);
    }

    #[test]
    fn rejects_bad_specs_with_advice() {
        for bad in ["ctrl+q", "f13", "hyper-x", "ctrl-", "escape", "\t"] {
            assert!(
                Key::parse(bad)
                    .unwrap_err()
                    .starts_with(&format!("invalid key '{bad}': write"))
            );
        }
        let err = Key::parse("shift-1").unwrap_err();
        assert!(
            err.contains("write the character it types instead"),
            "{err}"
        );
    }

    #[test]
    fn display_gives_the_spec_back() {
        for spec in [
            "q",
            "G",
            "ctrl-c",
            "alt-enter",
            "shift-tab",
            "pageup",
            "f5",
            "space",
            "shift-up",
        ] {
            assert_eq!(key(spec).to_string(), spec);
        }
    }

    #[test]
    fn every_default_key_parses_and_none_conflict() {
        for cmd in Command::ALL {
            for spec in cmd.default_keys() {
                assert!(Key::parse(spec).is_ok(), "{spec}");
            }
        }
        let map = Keymap::default();
        assert!(map.check_conflicts(&[]).is_ok());
        let all: Vec<_> = Command::ALL
            .iter()
            .map(|c| (*c, false, KeyPath::default()))
            .collect();
        assert!(map.check_conflicts(&all).is_ok());
    }

    #[test]
    fn lookup_matches_shifted_chars_and_backtab() {
        let map = Keymap::default();
        let list = [Context::List, Context::Global];
        let g = event(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.lookup(&g, &list), Some(Command::Bottom));
        let g_lower = event(KeyCode::Char('g'), KeyModifiers::SHIFT);
        assert_eq!(map.lookup(&g_lower, &list), Some(Command::Bottom));
        let backtab = event(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(map.lookup(&backtab, &list), Some(Command::PrevTab));
        let ctrl_c = event(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(&ctrl_c, &list), Some(Command::Quit));
        assert_eq!(
            map.lookup(&event(KeyCode::Char('c'), KeyModifiers::NONE), &list),
            None
        );
    }

    #[test]
    fn first_context_wins_and_releases_are_ignored() {
        let entries = [("sort_next".to_owned(), KeySpecs(vec!["r".into()], false))];
        let map = Keymap::with_overrides(&entries).unwrap();
        let r = event(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(
            map.lookup(&r, &[Context::List, Context::Global]),
            Some(Command::SortNext)
        );
        assert_eq!(map.lookup(&r, &[Context::Global]), Some(Command::Refresh));
        assert_eq!(map.lookup(&r, &[Context::Text]), None);
        let release = KeyEvent {
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
            ..r
        };
        assert_eq!(map.lookup(&release, &[Context::Global]), None);
    }

    #[test]
    fn empty_string_or_list_unbinds() {
        let entries = [
            ("quit".to_owned(), KeySpecs(vec![String::new()], false)),
            ("help".to_owned(), KeySpecs(vec![], true)),
        ];
        let map = Keymap::with_overrides(&entries).unwrap();
        assert!(map.keys(Command::Quit).is_empty() && map.keys(Command::Help).is_empty());
        assert_eq!(map.keys(Command::Back), &[key("esc")]);
    }
}
