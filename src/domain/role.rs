//! Who may do what in a room.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A member's role. The host made the room; co-hosts help run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Guest,
    Cohost,
    Host,
}

impl Role {
    pub fn parse(stored: &str) -> Role {
        match stored {
            "host" => Role::Host,
            "cohost" => Role::Cohost,
            _ => Role::Guest,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Cohost => "cohost",
            Role::Guest => "guest",
        }
    }

    /// Skip the playing track, remove anyone's song, see the moderation log.
    pub fn moderates(self) -> bool {
        self >= Role::Cohost
    }

    /// Change settings and roles, close the room.
    pub fn runs_the_room(self) -> bool {
        self == Role::Host
    }

    /// Kick or ban `target`: moderators may remove those below them.
    pub fn may_remove(self, target: Role) -> bool {
        self.moderates() && target < self
    }

    /// Guests' limits (songs queued) do not bind those who run the party.
    pub fn bound_by_guest_limits(self) -> bool {
        self == Role::Guest
    }

    /// What the role may do, as pages are told (`/rooms/{code}/me`).
    pub fn powers(self) -> Powers {
        Powers {
            moderate: self.moderates(),
            run_the_room: self.runs_the_room(),
        }
    }
}

/// What a member may do beyond adding and voting, so pages show the
/// controls the box would accept and derive nothing from role names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Powers {
    /// Remove anyone's song, kick and ban, run the player, read the log.
    pub moderate: bool,
    /// Change settings and roles, decide how networks count: the host.
    pub run_the_room: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_by_role() {
        assert!(Role::Host.moderates() && Role::Cohost.moderates() && !Role::Guest.moderates());
        assert!(Role::Host.runs_the_room() && !Role::Cohost.runs_the_room());
        assert!(Role::Cohost.may_remove(Role::Guest));
        assert!(!Role::Cohost.may_remove(Role::Cohost));
        assert!(!Role::Cohost.may_remove(Role::Host));
        assert!(Role::Host.may_remove(Role::Cohost));
        assert!(!Role::Host.may_remove(Role::Host));
        assert!(!Role::Guest.may_remove(Role::Guest));
    }

    #[test]
    fn stored_names_round_trip() {
        for role in [Role::Host, Role::Cohost, Role::Guest] {
            assert_eq!(Role::parse(role.as_str()), role);
        }
    }
}
