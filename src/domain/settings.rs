//! A room's settings: what the host can change, their defaults and limits.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::player;
use super::queue::Rules;
use super::refusal::{Code, Refusal, Verdict};
use super::role::Role;
use super::wifi;

/// What guests may add (the host and co-hosts add anything).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuestAdds {
    /// Any song in the catalog.
    #[default]
    Anything,
    /// Only songs from the playlists the host loaded into the party.
    Playlists,
    /// Nothing: guests vote and ask to skip (a wedding's set list).
    Nothing,
}

/// Stored as JSON on the room; a field missing there takes its default, so
/// new settings need no migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Settings {
    /// Songs a guest may have waiting at once (host and co-hosts: no limit).
    pub max_queued_per_guest: u32,
    /// What guests may add: anything, only songs from the party's
    /// playlists, or nothing (they vote).
    pub guest_adds: GuestAdds,
    /// Share of the people here (in %) who must ask to skip the playing song.
    pub skip_threshold_percent: u32,
    pub allow_downvotes: bool,
    /// Fair turns between guests (see the README's "How the queue is ordered").
    pub fairness: bool,
    /// No artist twice in a row when another song could go instead.
    pub no_artist_twice: bool,
    /// DJ rotation: guests with songs waiting take turns round the room,
    /// whatever the votes (which order each guest's own songs).
    pub dj_rotation: bool,
    /// A song (any version of it) cannot be added again this long after it
    /// played.
    pub readd_cooldown_minutes: u32,
    /// Refuse tracks the catalog knows are explicit.
    pub hide_explicit: bool,
    /// A new member's votes count after this many seconds in the room
    /// (host and co-hosts: at once).
    pub new_guest_vote_delay_seconds: u32,
    /// New guests may join (members may always come back).
    pub open: bool,
    /// Joining needs the TV's current join code (or the PIN, when set).
    pub guests_must_be_here: bool,
    /// 4 to 8 digits that let a new guest join; `null` for none. Only the
    /// host and co-hosts see it.
    pub join_pin: Option<String>,
    /// Seconds the next song fades in over the end of the last (0:
    /// gapless, the default; at most 12).
    pub crossfade_seconds: u32,
    /// Bring every track to the same loudness (ReplayGain / R128 tags, else
    /// measured by the box).
    pub normalize_loudness: bool,
    /// Quiet hours for the neighbours: from this local time ("23:00")...
    pub quiet_from: Option<String>,
    /// ...until this one ("07:00"; earlier than `quiet_from` runs past
    /// midnight); both or neither.
    pub quiet_until: Option<String>,
    /// The volume ceiling during quiet hours, in % of full.
    pub quiet_volume_percent: u32,
    /// The box's own volume, in % of full: its speaker, Snapcast and the
    /// MPD server play at it (within quiet hours' ceiling). A page that
    /// plays has its own.
    pub volume_percent: u32,
    /// Voices one network address carries at most (see `domain::voices`):
    /// thirty private tabs on one phone are not thirty guests.
    pub voters_per_network: u32,
    /// Networks the host lets count in full (many guests behind one
    /// address). Only the host and co-hosts see them; changed through
    /// `/rooms/{code}/networks`, not a settings patch.
    pub shared_networks: Vec<String>,
    /// Guests the party takes at most (people, not screens; the host and
    /// co-hosts count); `null` for no limit. Members may always come back.
    pub max_guests: Option<u32>,
    /// The guest Wi-Fi's name: the party's screen shows a QR code to join
    /// it beside the party's own.
    pub wifi_name: Option<String>,
    /// Its password (`null`: an open network). Only the host and the
    /// party's screens ever get it.
    pub wifi_password: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_queued_per_guest: 5,
            guest_adds: GuestAdds::Anything,
            skip_threshold_percent: 50,
            allow_downvotes: true,
            fairness: true,
            no_artist_twice: true,
            dj_rotation: false,
            readd_cooldown_minutes: 60,
            hide_explicit: false,
            new_guest_vote_delay_seconds: 0,
            open: true,
            guests_must_be_here: false,
            join_pin: None,
            crossfade_seconds: 0,
            normalize_loudness: true,
            quiet_from: None,
            quiet_until: None,
            quiet_volume_percent: 30,
            volume_percent: 100,
            voters_per_network: 2,
            shared_networks: Vec::new(),
            max_guests: None,
            wifi_name: None,
            wifi_password: None,
        }
    }
}

/// A change to the settings: only the fields given change. `join_pin: null`
/// removes the PIN.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    pub max_queued_per_guest: Option<u32>,
    pub guest_adds: Option<GuestAdds>,
    pub skip_threshold_percent: Option<u32>,
    pub allow_downvotes: Option<bool>,
    pub fairness: Option<bool>,
    pub no_artist_twice: Option<bool>,
    pub dj_rotation: Option<bool>,
    pub readd_cooldown_minutes: Option<u32>,
    pub hide_explicit: Option<bool>,
    pub new_guest_vote_delay_seconds: Option<u32>,
    pub open: Option<bool>,
    pub guests_must_be_here: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub join_pin: Option<Option<String>>,
    pub crossfade_seconds: Option<u32>,
    pub normalize_loudness: Option<bool>,
    /// "HH:MM", or null to end quiet hours (with `quiet_until`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub quiet_from: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub quiet_until: Option<Option<String>>,
    pub quiet_volume_percent: Option<u32>,
    pub volume_percent: Option<u32>,
    pub voters_per_network: Option<u32>,
    /// 2 to 1000, or null for no limit.
    #[serde(default, deserialize_with = "double_option_u32")]
    #[schema(value_type = Option<u32>)]
    pub max_guests: Option<Option<u32>>,
    /// The guest Wi-Fi's name (up to 32 bytes), or null to stop showing it
    /// (its password goes with it).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub wifi_name: Option<Option<String>>,
    /// 8 to 63 characters, or null for an open network.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub wifi_password: Option<Option<String>>,
}

fn double_option_u32<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<u32>>, D::Error> {
    Option::<u32>::deserialize(d).map(Some)
}

/// `null` means "set to none", absent means "leave as it is".
fn double_option<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn check(ok: bool, message: &str) -> Verdict {
    if ok {
        Ok(())
    } else {
        Err(Refusal::new(Code::InvalidSetting, message))
    }
}

/// Sets `field` to `given`, when given and within `range`.
fn set_within<T: PartialOrd + Copy + std::fmt::Display>(
    field: &mut T,
    given: Option<T>,
    range: std::ops::RangeInclusive<T>,
    name: &str,
) -> Verdict {
    if let Some(v) = given {
        check(
            range.contains(&v),
            &format!(
                "{name} must be between {} and {}.",
                range.start(),
                range.end()
            ),
        )?;
        *field = v;
    }
    Ok(())
}

impl Settings {
    /// These settings with `patch` applied, or 422 naming what is out of range.
    pub fn apply(&self, patch: SettingsPatch) -> Verdict<Settings> {
        let mut s = self.clone();
        set_within(
            &mut s.max_queued_per_guest,
            patch.max_queued_per_guest,
            1..=50,
            "max_queued_per_guest",
        )?;
        set_within(
            &mut s.skip_threshold_percent,
            patch.skip_threshold_percent,
            1..=100,
            "skip_threshold_percent",
        )?;
        set_within(
            &mut s.readd_cooldown_minutes,
            patch.readd_cooldown_minutes,
            0..=24 * 60,
            "readd_cooldown_minutes",
        )?;
        set_within(
            &mut s.new_guest_vote_delay_seconds,
            patch.new_guest_vote_delay_seconds,
            0..=600,
            "new_guest_vote_delay_seconds",
        )?;
        s.set_pin(patch.join_pin)?;
        set_within(
            &mut s.crossfade_seconds,
            patch.crossfade_seconds,
            0..=player::MAX_CROSSFADE_SECONDS,
            "crossfade_seconds",
        )?;
        set_within(
            &mut s.voters_per_network,
            patch.voters_per_network,
            1..=50,
            "voters_per_network",
        )?;
        if let Some(v) = patch.max_guests {
            check(
                v.is_none_or(|n| (2..=1000).contains(&n)),
                "max_guests must be between 2 and 1000, or null for no limit.",
            )?;
            s.max_guests = v;
        }
        set_within(
            &mut s.quiet_volume_percent,
            patch.quiet_volume_percent,
            0..=100,
            "quiet_volume_percent",
        )?;
        set_within(
            &mut s.volume_percent,
            patch.volume_percent,
            0..=100,
            "volume_percent",
        )?;
        s.set_quiet_hours(patch.quiet_from, patch.quiet_until)?;
        s.set_wifi(patch.wifi_name, patch.wifi_password)?;
        s.normalize_loudness = patch.normalize_loudness.unwrap_or(s.normalize_loudness);
        s.allow_downvotes = patch.allow_downvotes.unwrap_or(s.allow_downvotes);
        s.fairness = patch.fairness.unwrap_or(s.fairness);
        s.no_artist_twice = patch.no_artist_twice.unwrap_or(s.no_artist_twice);
        s.dj_rotation = patch.dj_rotation.unwrap_or(s.dj_rotation);
        s.guest_adds = patch.guest_adds.unwrap_or(s.guest_adds);
        s.hide_explicit = patch.hide_explicit.unwrap_or(s.hide_explicit);
        s.open = patch.open.unwrap_or(s.open);
        s.guests_must_be_here = patch.guests_must_be_here.unwrap_or(s.guests_must_be_here);
        Ok(s)
    }

    /// The join PIN: 4 to 8 digits; blank or `null` for none.
    fn set_pin(&mut self, given: Option<Option<String>>) -> Verdict {
        if let Some(pin) = given {
            let pin = pin.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
            if let Some(p) = &pin {
                check(
                    (4..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()),
                    "join_pin must be 4 to 8 digits (or null for none).",
                )?;
            }
            self.join_pin = pin;
        }
        Ok(())
    }

    /// Quiet hours: both ends, times of day, or neither.
    fn set_quiet_hours(
        &mut self,
        from: Option<Option<String>>,
        until: Option<Option<String>>,
    ) -> Verdict {
        for (given, field, name) in [
            (from, &mut self.quiet_from, "quiet_from"),
            (until, &mut self.quiet_until, "quiet_until"),
        ] {
            if let Some(v) = given {
                let v = v.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
                if let Some(t) = &v {
                    check(
                        player::parse_clock(t).is_some(),
                        &format!("{name} must be a time of day like \"23:00\" (or null)."),
                    )?;
                }
                *field = v;
            }
        }
        check(
            self.quiet_from.is_some() == self.quiet_until.is_some(),
            "Quiet hours need both quiet_from and quiet_until (or neither).",
        )?;
        Ok(())
    }

    /// The guest Wi-Fi: a password needs a name; no name, no password.
    fn set_wifi(
        &mut self,
        name: Option<Option<String>>,
        password: Option<Option<String>>,
    ) -> Verdict {
        let gives_password = matches!(&password, Some(Some(p)) if !p.is_empty());
        if let Some(name) = name {
            self.wifi_name = name
                .filter(|n| !n.trim().is_empty())
                .map(|n| wifi::check_name(&n))
                .transpose()?;
        }
        if let Some(password) = password {
            self.wifi_password = password
                .filter(|p| !p.is_empty())
                .map(|p| wifi::check_password(&p))
                .transpose()?;
        }
        if self.wifi_name.is_none() {
            check(
                !gives_password,
                "A Wi-Fi password needs the network's name (wifi_name) too.",
            )?;
            self.wifi_password = None;
        }
        Ok(())
    }

    /// What the queue's order needs.
    pub fn rules(&self) -> Rules {
        Rules {
            fairness: self.fairness,
            no_artist_twice: self.no_artist_twice,
            rotation: self.dj_rotation,
        }
    }

    /// Quiet hours, when set.
    pub fn quiet_hours(&self) -> Option<player::QuietHours> {
        Some(player::QuietHours {
            from: player::parse_clock(self.quiet_from.as_deref()?)?,
            until: player::parse_clock(self.quiet_until.as_deref()?)?,
            ceiling_percent: self.quiet_volume_percent,
        })
    }

    /// How loud the box's own outputs play (0 to 1) at `minute` of the
    /// local day: the room's volume, within quiet hours' ceiling.
    pub fn box_volume(&self, minute: u32) -> f64 {
        let volume = f64::from(self.volume_percent.min(100)) / 100.0;
        volume.min(player::volume_ceiling(self.quiet_hours(), minute))
    }

    /// The crossfade in ms.
    pub fn crossfade_ms(&self) -> i64 {
        i64::from(self.crossfade_seconds) * 1_000
    }

    /// How the room weighs its networks (`domain::voices`).
    pub fn cap(&self) -> super::voices::Cap<'_> {
        super::voices::Cap {
            per_network: self.voters_per_network,
            allowed: &self.shared_networks,
        }
    }

    /// What every member may see: no PIN, no network addresses, no Wi-Fi
    /// password.
    pub fn public(&self) -> Settings {
        Settings {
            join_pin: None,
            shared_networks: Vec::new(),
            wifi_password: None,
            ..self.clone()
        }
    }

    /// What a member with this role sees: everything for the host; co-hosts
    /// also the PIN and the networks (they let guests in), never the Wi-Fi
    /// password (the host's, for the screen to show).
    pub fn seen_by(&self, role: Role) -> Settings {
        match role {
            Role::Host => self.clone(),
            Role::Cohost => Settings {
                wifi_password: None,
                ..self.clone()
            },
            Role::Guest => self.public(),
        }
    }

    /// Voices who must ask to skip, out of `present` (at least one).
    pub fn skips_needed(&self, present: usize) -> usize {
        let present = present.max(1);
        (present * self.skip_threshold_percent as usize)
            .div_ceil(100)
            .max(1)
    }

    /// Read back from the room's JSON; unreadable JSON means defaults.
    pub fn from_stored(json: &str) -> Settings {
        serde_json::from_str(json).unwrap_or_default()
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).expect("settings serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let s = Settings::default();
        let patched = s
            .apply(SettingsPatch {
                skip_threshold_percent: Some(75),
                join_pin: Some(Some(" 1234 ".into())),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(patched.skip_threshold_percent, 75);
        assert_eq!(patched.join_pin.as_deref(), Some("1234"));
        assert_eq!(patched.max_queued_per_guest, s.max_queued_per_guest);
        let cleared = patched
            .apply(SettingsPatch {
                join_pin: Some(None),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(cleared.join_pin, None);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for patch in [
            r#"{"max_queued_per_guest": 0}"#,
            r#"{"skip_threshold_percent": 101}"#,
            r#"{"readd_cooldown_minutes": 5000}"#,
            r#"{"join_pin": "12a4"}"#,
            r#"{"join_pin": "123"}"#,
            r#"{"crossfade_seconds": 13}"#,
            r#"{"quiet_volume_percent": 101}"#,
            r#"{"volume_percent": 101}"#,
            r#"{"quiet_from": "25:00", "quiet_until": "07:00"}"#,
            r#"{"quiet_from": "23:00"}"#,
            r#"{"voters_per_network": 0}"#,
            r#"{"voters_per_network": 51}"#,
        ] {
            let patch: SettingsPatch = serde_json::from_str(patch).unwrap();
            assert!(Settings::default().apply(patch).is_err());
        }
        assert!(serde_json::from_str::<SettingsPatch>(r#"{"colour": "red"}"#).is_err());
        // Shared networks change through their own endpoint only.
        assert!(
            serde_json::from_str::<SettingsPatch>(r#"{"shared_networks": ["10.0.0.1"]}"#).is_err()
        );
    }

    #[test]
    fn the_wifi_password_needs_a_name_and_only_the_host_sees_it() {
        let patch = |json: &str| serde_json::from_str::<SettingsPatch>(json).unwrap();
        let s = Settings::default()
            .apply(patch(
                r#"{"wifi_name": " Guests ", "wifi_password": "letmein123"}"#,
            ))
            .unwrap();
        assert_eq!(s.wifi_name.as_deref(), Some("Guests"));
        assert_eq!(
            s.seen_by(Role::Host).wifi_password.as_deref(),
            Some("letmein123")
        );
        assert_eq!(s.seen_by(Role::Cohost).wifi_password, None);
        assert_eq!(s.seen_by(Role::Cohost).join_pin, s.join_pin);
        assert_eq!(s.seen_by(Role::Guest), s.public());
        assert_eq!(s.public().wifi_password, None);
        assert_eq!(s.public().wifi_name.as_deref(), Some("Guests"));
        // Open network: no password. No name: the password goes too.
        let open = s.apply(patch(r#"{"wifi_password": null}"#)).unwrap();
        assert_eq!(
            (open.wifi_name.as_deref(), open.wifi_password),
            (Some("Guests"), None)
        );
        let gone = s.apply(patch(r#"{"wifi_name": null}"#)).unwrap();
        assert_eq!((gone.wifi_name, gone.wifi_password), (None, None));
        for refused in [
            r#"{"wifi_password": "letmein123"}"#,
            r#"{"wifi_name": "Guests", "wifi_password": "short"}"#,
            r#"{"wifi_name": "a name much longer than thirty-two bytes"}"#,
        ] {
            assert!(
                Settings::default().apply(patch(refused)).is_err(),
                "{refused}"
            );
        }
    }

    #[test]
    fn skips_needed_rounds_up_and_needs_someone() {
        let s = Settings::default();
        assert_eq!(s.skips_needed(0), 1);
        assert_eq!(s.skips_needed(1), 1);
        assert_eq!(s.skips_needed(3), 2);
        assert_eq!(s.skips_needed(10), 5);
    }

    #[test]
    fn stored_settings_survive_new_fields() {
        let s = Settings::from_stored(r#"{"fairness": false}"#);
        assert!(!s.fairness);
        assert_eq!(s.max_queued_per_guest, 5);
        assert_eq!(Settings::from_stored(&s.to_stored()), s);
    }
}
