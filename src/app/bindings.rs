//! The keymap in force: the defaults of `keymap::KEYMAP`, grouped by scope and action and
//! patched by the config's `[keys]` table. Key lookups, the help screen and the footer
//! hints all read this one value, so a remapped key shows where it works.

use crossterm::event::{KeyEvent, KeyModifiers};

use super::keymap::{Action, KEYMAP, Scope};
use super::keyname::{self, Key};

/// An action's keys in one scope, with what help and the footer say of it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub scope: Scope,
    pub action: Action,
    pub keys: Vec<Key>,
    /// The keys as shown ("↑/k").
    pub label: String,
    pub help: &'static str,
    /// Shown in the footer.
    pub hint: bool,
}

/// A footer hint, e.g. ("?", "help", Help).
pub struct Hint<'a> {
    pub keys: &'a str,
    pub label: &'static str,
    pub action: Action,
}

/// Every binding in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    entries: Vec<Entry>,
}

/// The config's names of the actions.
const NAMES: &[(Action, &str)] = &[
    (Action::Quit, "quit"),
    (Action::Help, "help"),
    (Action::Filter, "filter"),
    (Action::Command, "command"),
    (Action::Up, "up"),
    (Action::Down, "down"),
    (Action::Top, "top"),
    (Action::Bottom, "bottom"),
    (Action::CycleTheme, "theme"),
    (Action::Back, "back"),
    (Action::Scale, "scale"),
    (Action::Restart, "restart"),
    (Action::RotateKey, "rotate_key"),
    (Action::RaiseMemory, "memory"),
    (Action::Restore, "restore"),
    (Action::Open, "open"),
    (Action::Logs, "logs"),
    (Action::Delete, "delete"),
    (Action::Timeline, "timeline"),
    (Action::Agents, "agents"),
    (Action::Problems, "problems"),
    (Action::Alerts, "alerts"),
    (Action::Silence, "silence"),
    (Action::Expire, "expire"),
    (Action::PageUp, "page_up"),
    (Action::PageDown, "page_down"),
    (Action::Follow, "follow"),
    (Action::Wrap, "wrap"),
    (Action::Timestamps, "timestamps"),
    (Action::Previous, "previous"),
    (Action::Container, "container"),
    (Action::Search, "search"),
    (Action::NextMatch, "next_match"),
    (Action::PrevMatch, "prev_match"),
    (Action::Submit, "submit"),
    (Action::Cancel, "cancel"),
    (Action::Erase, "erase"),
    (Action::Yes, "yes"),
    (Action::No, "no"),
];

/// The config's name of `a`.
pub fn action_name(a: Action) -> &'static str {
    NAMES
        .iter()
        .find(|(x, _)| *x == a)
        .map(|(_, n)| *n)
        .unwrap_or("?")
}

/// The `[keys.NAME]` sub-tables (the dashboard's own keys are at the top of `[keys]`).
const SCOPES: &[(Scope, &str)] = &[
    (Scope::Pods, "pods"),
    (Scope::Logs, "logs"),
    (Scope::Timeline, "timeline"),
    (Scope::Dialog, "dialog"),
];

/// `keys.NAME` or `keys.SCOPE.NAME`: where an action is set in the config.
fn path(scope: Scope, a: Action) -> String {
    match SCOPES.iter().find(|(s, _)| *s == scope) {
        Some((_, sc)) => format!("keys.{sc}.{}", action_name(a)),
        None => format!("keys.{}", action_name(a)),
    }
}

impl Default for Keymap {
    /// The built-in keys.
    fn default() -> Keymap {
        let mut entries: Vec<Entry> = Vec::new();
        for b in KEYMAP {
            let key = Key {
                code: b.code,
                ctrl: b.ctrl,
            };
            match entries
                .iter_mut()
                .find(|e| e.scope == b.scope && e.action == b.action)
            {
                Some(e) => e.keys.push(key),
                None => entries.push(Entry {
                    scope: b.scope,
                    action: b.action,
                    keys: vec![key],
                    label: b.keys.to_string(),
                    help: b.help,
                    hint: b.hint,
                }),
            }
        }
        Keymap { entries }
    }
}

impl Keymap {
    /// The defaults patched by the config's `[keys]` table; errors name the bad entry.
    pub fn from_config(table: &toml::Table) -> Result<Keymap, String> {
        let mut km = Keymap::default();
        for (name, value) in table {
            match value {
                toml::Value::Table(sub) => {
                    let Some((scope, _)) = SCOPES.iter().find(|(_, n)| n == name) else {
                        return Err(format!(
                            "[keys.{name}]: no such group of keys (there are: pods, logs, \
                             timeline, dialog; the dashboard's own keys go in [keys] itself)"
                        ));
                    };
                    for (action, v) in sub {
                        km.set(*scope, &format!("keys.{name}.{action}"), action, v)?;
                    }
                }
                v => km.set(Scope::Normal, &format!("keys.{name}"), name, v)?,
            }
        }
        km.check_conflicts()?;
        Ok(km)
    }

    /// Bind `action` in `scope` to the keys of `value` (a name or a list of names).
    fn set(
        &mut self,
        scope: Scope,
        at: &str,
        action: &str,
        value: &toml::Value,
    ) -> Result<(), String> {
        let names: Vec<&str> = match value {
            toml::Value::String(s) => vec![s.as_str()],
            toml::Value::Array(a) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| format!("{at}: {v} is not a key name"))
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(format!(
                    "{at} = {other}: give a key (\"S\") or a list of keys"
                ));
            }
        };
        if names.is_empty() {
            return Err(format!("{at} = []: give at least one key"));
        }
        let here = |e: &&mut Entry| e.scope == scope && action_name(e.action) == action;
        let Some(entry) = self.entries.iter_mut().find(here) else {
            let known: Vec<&str> = (self.entries.iter())
                .filter(|e| e.scope == scope)
                .map(|e| action_name(e.action))
                .collect();
            return Err(format!(
                "{at}: no action {action:?} here (these are: {})",
                known.join(", ")
            ));
        };
        let keys = names
            .iter()
            .map(|n| keyname::parse(n).map_err(|e| format!("{at}: {e}")))
            .collect::<Result<Vec<Key>, String>>()?;
        entry.label = keys
            .iter()
            .map(|k| keyname::display(*k))
            .collect::<Vec<_>>()
            .join("/");
        entry.keys = keys;
        Ok(())
    }

    /// Two actions on one key where both would apply (one scope, or a scope and the
    /// global keys) is an error naming both and the key.
    fn check_conflicts(&self) -> Result<(), String> {
        let global = self.entries.iter().filter(|e| e.scope == Scope::Global);
        for (i, a) in self.entries.iter().enumerate() {
            let rivals = self.entries[i + 1..]
                .iter()
                .filter(|b| b.scope == a.scope)
                .chain(global.clone().filter(|_| a.scope != Scope::Global));
            for b in rivals.filter(|b| b.action != a.action) {
                if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                    return Err(format!(
                        "{} and {} are both bound to {:?}; give one of them another key",
                        path(b.scope, b.action),
                        path(a.scope, a.action),
                        keyname::display(*k)
                    ));
                }
            }
        }
        Ok(())
    }

    /// The action bound to a key in `scope` (the global bindings first, in every scope).
    pub fn action_for(&self, key: &KeyEvent, scope: Scope) -> Option<Action> {
        let k = Key {
            code: key.code,
            ctrl: key.modifiers.contains(KeyModifiers::CONTROL),
        };
        let find = |sc: Scope| {
            (self.entries.iter())
                .find(|e| e.scope == sc && e.keys.contains(&k))
                .map(|e| e.action)
        };
        find(Scope::Global).or_else(|| find(scope))
    }

    /// The keys of `action` in `scope` as shown ("↑/k"), if it has any there.
    pub fn label(&self, scope: Scope, action: Action) -> Option<&str> {
        (self.entries.iter())
            .find(|e| e.scope == scope && e.action == action)
            .map(|e| e.label.as_str())
    }

    /// The help screen's rows where `scope`'s keys apply: that scope's first, then the
    /// dashboard's, the global and the dialogs' (a view's keys fall through to the
    /// dashboard's).
    pub fn help_rows_for(&self, scope: Scope) -> Vec<(&str, &'static str)> {
        let mut order = vec![scope];
        for s in [Scope::Normal, Scope::Global, Scope::Dialog] {
            if !order.contains(&s) {
                order.push(s);
            }
        }
        order
            .into_iter()
            .flat_map(|sc| self.entries.iter().filter(move |e| e.scope == sc))
            .filter(|e| !e.help.is_empty())
            .map(|e| (e.label.as_str(), e.help))
            .collect()
    }

    /// Short footer hints of one scope.
    pub fn hints_in(&self, scope: Scope) -> Vec<Hint<'_>> {
        (self.entries.iter())
            .filter(|e| e.hint && e.scope == scope)
            .map(|e| Hint {
                keys: &e.label,
                label: e.help.split([':', ',']).next().unwrap_or(e.help).trim(),
                action: e.action,
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "bindings_tests.rs"]
mod tests;
