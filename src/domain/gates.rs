//! Who may join a room. A member comes back in freely; a newcomer (or a
//! guest back after a kick) passes the gates in order: not banned, the room
//! open, present at the party when the host asks for it (the TV's code: a
//! PIN can be passed on to anyone, anywhere), room left in the party, then
//! the PIN. The store gathers the facts; wrong PINs are counted by
//! `domain::lockout`.

use std::time::Duration;

use super::refusal::{Code, Refusal, Verdict};

/// The user's standing in the room before this join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// In the room now: joining again changes nothing but where from.
    Member,
    /// Banned in the room (their account).
    Banned,
    /// Never joined, left, or kicked.
    Newcomer,
}

/// What the gates look at for a newcomer.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// A ban binds their account, their device or their network.
    pub banned: bool,
    pub open: bool,
    /// The host lets in only guests who scanned the TV's code.
    pub must_be_here: bool,
    /// They brought a current code from the TV.
    pub screen_code_ok: bool,
    /// A party screen (not a person): a full party still takes it.
    pub screen: bool,
    /// As many people as the host allows are in.
    pub full: bool,
}

/// `Ok(true)` when the user walks in as a member already; `Ok(false)` when
/// a newcomer passed every gate but the PIN.
pub fn check(standing: Standing, f: &Facts) -> Verdict<bool> {
    match standing {
        Standing::Member => return Ok(true),
        Standing::Banned => return Err(banned()),
        Standing::Newcomer => {}
    }
    if f.banned {
        return Err(banned());
    }
    if !f.open {
        return Err(Refusal::new(
            Code::RoomClosed,
            "This party is closed to new guests. Ask the host to open it.",
        ));
    }
    if f.must_be_here && !f.screen_code_ok {
        return Err(Refusal::new(
            Code::NeedsScreenCode,
            "This party only lets in guests who are there: scan the QR code on the party's screen (links expire after a few minutes).",
        ));
    }
    if !f.screen && f.full {
        return Err(Refusal::new(
            Code::RoomFull,
            "This party is full: it has as many guests as the host allows. Ask the host to make room.",
        ));
    }
    Ok(false)
}

fn banned() -> Refusal {
    Refusal::new(
        Code::Banned,
        "The host has removed you from this party for good.",
    )
}

/// Whether a newcomer is asked for the room's PIN: when it has one, unless
/// they scanned the party screen's current code. That code proves they are
/// at the party, which is all a PIN stands for (the converse does not hold:
/// a PIN can be passed on to anyone), so the QR code on the TV lets guests
/// in with one scan, even while wrong PINs have PIN joins locked out.
pub fn asks_for_pin(has_pin: bool, screen_code_ok: bool) -> bool {
    has_pin && !screen_code_ok
}

/// What was typed for the room's PIN, against the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// The room has no PIN, or it is the right one.
    Passes,
    /// Nothing typed: asked for, not a wrong try.
    Missing,
    /// A wrong try (it counts towards a lock-out).
    Wrong,
}

pub fn pin(want: Option<&str>, given: Option<&str>) -> Pin {
    let Some(want) = want else {
        return Pin::Passes;
    };
    let given = given.map(str::trim).unwrap_or_default();
    if given.is_empty() {
        Pin::Missing
    } else if super::lockout::same_secret(given, want) {
        Pin::Passes
    } else {
        Pin::Wrong
    }
}

pub fn needs_pin() -> Refusal {
    Refusal::new(
        Code::NeedsPin,
        "This party needs its PIN to join: ask the host.",
    )
}

pub fn wrong_pin(tries_left: u32) -> Refusal {
    Refusal::new(
        Code::WrongPin,
        format!(
            "That PIN is not right: check it with the host ({tries_left} {} left).",
            if tries_left == 1 { "try" } else { "tries" }
        ),
    )
    .with("tries_left", tries_left)
}

/// Too many wrong PINs: from one network, or at the whole room.
pub fn locked_out(wait: Duration, whole_room: bool) -> Refusal {
    let detail = if whole_room {
        format!(
            "Too many wrong PINs at this party: PIN joins reopen in {}. Scan the QR code on the party's screen.",
            minutes(wait)
        )
    } else {
        format!(
            "Too many wrong PINs from here: try again in {}, or scan the QR code on the party's screen.",
            minutes(wait)
        )
    };
    Refusal::new(Code::LockedOut, detail).with("minutes", wait.as_secs().div_ceil(60))
}

/// "1 min", "16 min", "1 h".
pub fn minutes(wait: Duration) -> String {
    let m = wait.as_secs().div_ceil(60).max(1);
    if m.is_multiple_of(60) {
        format!("{} h", m / 60)
    } else {
        format!("{m} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OPEN: Facts = Facts {
        banned: false,
        open: true,
        must_be_here: false,
        screen_code_ok: false,
        screen: false,
        full: false,
    };

    fn code(v: Verdict<bool>) -> Option<Code> {
        v.err().map(|r| r.code)
    }

    #[test]
    fn members_walk_in_and_banned_accounts_never() {
        let shut = Facts {
            open: false,
            full: true,
            must_be_here: true,
            ..OPEN
        };
        assert_eq!(check(Standing::Member, &shut), Ok(true));
        assert_eq!(code(check(Standing::Banned, &OPEN)), Some(Code::Banned));
        assert_eq!(check(Standing::Newcomer, &OPEN), Ok(false));
    }

    #[test]
    fn the_gates_refuse_in_order() {
        let all = Facts {
            banned: true,
            open: false,
            must_be_here: true,
            full: true,
            ..OPEN
        };
        assert_eq!(code(check(Standing::Newcomer, &all)), Some(Code::Banned));
        let f = Facts {
            banned: false,
            ..all
        };
        assert_eq!(code(check(Standing::Newcomer, &f)), Some(Code::RoomClosed));
        let f = Facts { open: true, ..f };
        assert_eq!(
            code(check(Standing::Newcomer, &f)),
            Some(Code::NeedsScreenCode)
        );
        let f = Facts {
            screen_code_ok: true,
            ..f
        };
        assert_eq!(code(check(Standing::Newcomer, &f)), Some(Code::RoomFull));
        let screen = Facts { screen: true, ..f };
        assert_eq!(check(Standing::Newcomer, &screen), Ok(false));
    }

    #[test]
    fn the_screens_code_stands_in_for_the_pin() {
        assert!(asks_for_pin(true, false));
        assert!(!asks_for_pin(true, true));
        assert!(!asks_for_pin(false, false));
    }

    #[test]
    fn a_missing_pin_is_not_a_wrong_one() {
        assert_eq!(pin(None, None), Pin::Passes);
        assert_eq!(pin(Some("1234"), None), Pin::Missing);
        assert_eq!(pin(Some("1234"), Some("  ")), Pin::Missing);
        assert_eq!(pin(Some("1234"), Some(" 1234 ")), Pin::Passes);
        assert_eq!(pin(Some("1234"), Some("4321")), Pin::Wrong);
        assert_eq!(
            wrong_pin(1).detail,
            "That PIN is not right: check it with the host (1 try left)."
        );
    }

    #[test]
    fn waits_read_in_minutes_or_hours() {
        assert_eq!(minutes(Duration::from_secs(1)), "1 min");
        assert_eq!(minutes(Duration::from_secs(15 * 60 + 1)), "16 min");
        assert_eq!(minutes(Duration::from_secs(3600)), "1 h");
        assert_eq!(
            locked_out(Duration::from_secs(90), true).params["minutes"],
            2
        );
    }

    proptest! {
        /// A newcomer who passes is never banned, and the room is open.
        #[test]
        fn whoever_passes_passed_every_gate(
            banned in any::<bool>(), open in any::<bool>(), must in any::<bool>(),
            ok in any::<bool>(), screen in any::<bool>(), full in any::<bool>(),
        ) {
            let f = Facts { banned, open, must_be_here: must, screen_code_ok: ok, screen, full };
            if check(Standing::Newcomer, &f).is_ok() {
                prop_assert!(!banned && open && (!must || ok) && (screen || !full));
            }
        }
    }
}
