//! Semantic colour roles: what a piece of text means, never which colour it is.
//! `Role::ALL` lists every role once, in declaration order, so it indexes a theme's style table.

/// A meaning that the UI asks the theme to style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    // Text and chrome
    /// Ordinary body text.
    Text,
    /// Secondary text: ages, hints, column headers.
    Muted,
    /// Emphasis that is not a status: links, counts, the focused pane.
    Accent,
    /// The selected row or item.
    Selection,
    /// Pane and popup borders.
    Border,
    /// Pane and popup titles.
    Title,
    /// The tab that is shown.
    TabActive,
    /// The tabs that are not shown.
    TabInactive,

    // Status
    /// Healthy, passed, running as intended.
    Ok,
    /// Degraded or close to a threshold.
    Warning,
    /// Failed, down, or over the critical threshold.
    Critical,
    /// Queued, starting, in progress.
    Pending,
    /// Data older than its source's interval allows.
    Stale,
    /// Status that the source did not report.
    Unknown,

    // Feedback
    /// A search or filter hit.
    Match,
    /// Error text, such as a source's failure message.
    Error,
    /// Key names in the help and the footer.
    Key,
    /// A transient notification.
    Toast,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 18] = [
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Selection,
        Role::Border,
        Role::Title,
        Role::TabActive,
        Role::TabInactive,
        Role::Ok,
        Role::Warning,
        Role::Critical,
        Role::Pending,
        Role::Stale,
        Role::Unknown,
        Role::Match,
        Role::Error,
        Role::Key,
        Role::Toast,
    ];

    /// Returns the `snake_case` name that theme files use for this role.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Selection => "selection",
            Role::Border => "border",
            Role::Title => "title",
            Role::TabActive => "tab_active",
            Role::TabInactive => "tab_inactive",
            Role::Ok => "ok",
            Role::Warning => "warning",
            Role::Critical => "critical",
            Role::Pending => "pending",
            Role::Stale => "stale",
            Role::Unknown => "unknown",
            Role::Match => "match",
            Role::Error => "error",
            Role::Key => "key",
            Role::Toast => "toast",
        }
    }

    /// Finds the role that a theme file names, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }

    /// Returns this role's position in `Role::ALL`.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn all_is_in_declaration_order() {
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role.index(), i, "{role:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.name()), Some(role));
        }
        assert_eq!(Role::from_name("Ok"), None);
    }
}
