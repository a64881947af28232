//! What may be added to a room's queue. The store gathers the facts (one
//! query each) inside the add's transaction, asks `check`, then writes.

use super::player::{self, Audio};
use super::refusal::{Code, Refusal, Verdict};
use super::settings::{GuestAdds, Settings};
use crate::limits::MAX_QUEUE_PER_ROOM;

/// Everything the rules need to know about one add.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub title: &'a str,
    /// The box has the song's audio (a file), not only its catalog entry.
    pub playable: bool,
    pub explicit: Option<bool>,
    /// Whether the box plays sound, or runs songs on the clock (demo).
    pub audio: Audio,
    pub settings: &'a Settings,
    /// The song (any version of it) is already waiting or playing.
    pub already_live: bool,
    /// Whole minutes since the song last started here, if it ever did.
    pub minutes_since_played: Option<i64>,
    /// Songs waiting in the room.
    pub queued_in_room: i64,
    /// Songs of the adder's waiting; `None` when guests' limits do not
    /// bind them (host, co-hosts).
    pub yours_waiting: Option<i64>,
}

/// What an add does when it is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A new item in the queue.
    Add,
    /// Another version is waiting or playing: the queue stays as it is
    /// (the seed answers the queue either way).
    AlreadyThere,
}

/// What the host lets guests add (`listed`: the song is in one of the
/// party's playlists). The host and co-hosts are not asked.
pub fn guest_may_add(adds: GuestAdds, listed: bool) -> Verdict {
    match adds {
        GuestAdds::Anything => Ok(()),
        GuestAdds::Playlists if listed => Ok(()),
        GuestAdds::Playlists => Err(Refusal::new(
            Code::NotInPlaylists,
            "Tonight's songs come from the host's playlists: pick one from them.",
        )),
        GuestAdds::Nothing => Err(Refusal::new(
            Code::GuestAddsOff,
            "The host picks the music tonight: vote for what plays next.",
        )),
    }
}

/// The rules, in the order a guest meets them: a song the box cannot play
/// (never silent), explicit songs in a clean party, a song already there
/// (a no-op), the re-add cooldown, the room's queue cap, the guest's own
/// limit.
pub fn check(f: &Facts) -> Verdict<Admission> {
    if !f.audio.offers(f.playable) {
        return Err(Refusal::new(
            Code::Unplayable,
            player::unplayable_detail(f.title),
        ));
    }
    if f.settings.hide_explicit && f.explicit == Some(true) {
        return Err(Refusal::new(
            Code::ExplicitOff,
            "The host keeps this party clean: explicit tracks are off.",
        ));
    }
    if f.already_live {
        return Ok(Admission::AlreadyThere);
    }
    let cooldown = i64::from(f.settings.readd_cooldown_minutes);
    if let Some(ago) = f.minutes_since_played.filter(|&ago| ago < cooldown) {
        return Err(Refusal::new(
            Code::PlayedRecently,
            format!(
                "“{}” played {} ago; it can come back in {}.",
                f.title,
                minutes(ago),
                minutes(cooldown - ago)
            ),
        )
        .with("title", f.title)
        .with("ago_minutes", ago)
        .with("back_in_minutes", cooldown - ago));
    }
    if f.queued_in_room >= MAX_QUEUE_PER_ROOM {
        return Err(Refusal::new(
            Code::QueueFull,
            format!("The queue is full ({MAX_QUEUE_PER_ROOM} songs): vote for what is there."),
        )
        .with("max", MAX_QUEUE_PER_ROOM));
    }
    if let Some(waiting) = f.yours_waiting
        && waiting >= i64::from(f.settings.max_queued_per_guest)
    {
        return Err(Refusal::new(
            Code::GuestLimit,
            format!(
                "You already have {waiting} songs waiting (this party's limit). Vote for others until one of yours plays."
            ),
        )
        .with("waiting", waiting));
    }
    Ok(Admission::Add)
}

fn minutes(n: i64) -> String {
    match n {
        ..=1 => "a minute".into(),
        n => format!("{n} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(settings: &Settings) -> Facts<'_> {
        Facts {
            title: "Song",
            playable: true,
            explicit: Some(false),
            audio: Audio::Sources,
            settings,
            already_live: false,
            minutes_since_played: None,
            queued_in_room: 0,
            yours_waiting: Some(0),
        }
    }

    fn code(v: Verdict<Admission>) -> Option<Code> {
        v.err().map(|r| r.code)
    }

    #[test]
    fn a_fresh_song_is_added() {
        let s = Settings::default();
        assert_eq!(check(&facts(&s)), Ok(Admission::Add));
    }

    #[test]
    fn silent_songs_only_in_demo_mode() {
        let s = Settings::default();
        let f = Facts {
            playable: false,
            ..facts(&s)
        };
        assert_eq!(code(check(&f)), Some(Code::Unplayable));
        let demo = Facts {
            audio: Audio::Demo,
            ..f
        };
        assert_eq!(check(&demo), Ok(Admission::Add));
    }

    #[test]
    fn explicit_songs_in_a_clean_party_are_refused_even_when_queued() {
        let s = Settings {
            hide_explicit: true,
            ..Settings::default()
        };
        let f = Facts {
            explicit: Some(true),
            already_live: true,
            ..facts(&s)
        };
        assert_eq!(code(check(&f)), Some(Code::ExplicitOff));
    }

    #[test]
    fn a_song_already_there_changes_nothing_whatever_the_limits() {
        let s = Settings::default();
        let f = Facts {
            already_live: true,
            queued_in_room: MAX_QUEUE_PER_ROOM,
            yours_waiting: Some(99),
            minutes_since_played: Some(0),
            ..facts(&s)
        };
        assert_eq!(check(&f), Ok(Admission::AlreadyThere));
    }

    #[test]
    fn the_cooldown_says_when_it_can_come_back() {
        let s = Settings {
            readd_cooldown_minutes: 60,
            ..Settings::default()
        };
        let refused = check(&Facts {
            minutes_since_played: Some(5),
            ..facts(&s)
        })
        .unwrap_err();
        assert_eq!(refused.code, Code::PlayedRecently);
        assert_eq!(refused.params["back_in_minutes"], 55);
        assert_eq!(
            refused.detail,
            "“Song” played 5 minutes ago; it can come back in 55 minutes."
        );
        let later = Facts {
            minutes_since_played: Some(60),
            ..facts(&s)
        };
        assert_eq!(check(&later), Ok(Admission::Add));
    }

    #[test]
    fn hosts_are_not_bound_by_the_guest_limit() {
        let s = Settings::default();
        let guest = Facts {
            yours_waiting: Some(i64::from(s.max_queued_per_guest)),
            ..facts(&s)
        };
        assert_eq!(code(check(&guest)), Some(Code::GuestLimit));
        let host = Facts {
            yours_waiting: None,
            ..guest
        };
        assert_eq!(check(&host), Ok(Admission::Add));
    }

    proptest! {
        /// The room's cap binds everyone, host included, and only adds.
        #[test]
        fn the_queue_cap_binds_everyone(queued in 0i64..1000, yours in proptest::option::of(0i64..3)) {
            let s = Settings::default();
            let f = Facts { queued_in_room: queued, yours_waiting: yours, ..facts(&s) };
            let full = code(check(&f)) == Some(Code::QueueFull);
            prop_assert_eq!(full, queued >= MAX_QUEUE_PER_ROOM);
        }

        /// A refusal never comes with a song that is already there, unless
        /// the song itself is refused (no audio, explicit).
        #[test]
        fn refusals_follow_the_song_not_the_queue(
            live in any::<bool>(), ago in proptest::option::of(0i64..200),
            queued in 0i64..1000, yours in proptest::option::of(0i64..20),
        ) {
            let s = Settings { readd_cooldown_minutes: 90, ..Settings::default() };
            let f = Facts { already_live: live, minutes_since_played: ago,
                            queued_in_room: queued, yours_waiting: yours, ..facts(&s) };
            if live {
                prop_assert_eq!(check(&f), Ok(Admission::AlreadyThere));
            }
        }
    }
}
