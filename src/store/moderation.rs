//! Running the room: members and roles, kicks and bans, settings, and the
//! TV's join code.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::guards::{self, Power};
use super::{Store, audit, users};
use crate::domain::role::Role;
use crate::domain::settings::{Settings, SettingsPatch};
use crate::domain::{join_token, wifi};
use crate::error::{Code, Error, Result};
use crate::model::{BanView, JoinToken, MemberView, SettingsView, WifiCard};
use crate::timestamp::Timestamp;

/// Who a kick or ban removed, so their phones can be told.
#[derive(Debug, Clone)]
pub struct Ousted {
    pub room_id: String,
    pub user_id: String,
    pub by: String,
}

/// A role change, so the member's phone can be told.
#[derive(Debug, Clone)]
pub struct RoleChanged {
    pub room_id: String,
    pub user_id: String,
    pub changed: bool,
    pub by: String,
}

/// Kick (out until they join again) or ban (out for good).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ouster {
    Kick,
    Ban,
}

impl Store {
    /// The room's current members, host first; `online` says who has the
    /// room open (`online_users`: user ids from the live connections).
    pub async fn members(
        &self,
        user: Uuid,
        code: String,
        online_users: HashSet<String>,
    ) -> Result<Vec<MemberView>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, me) = guards::require_member(conn, &code, &user)?;
            let mut stmt = conn.prepare_cached(
                "SELECT m.member_id, u.display_name, m.role, m.joined_at, m.user_id
                 FROM room_members m JOIN users u ON u.id = m.user_id
                 WHERE m.room_id = ?1 AND m.left_at IS NULL AND m.screen = 0
                 ORDER BY m.joined_at, m.member_id",
            )?;
            let mut members: Vec<MemberView> = stmt
                .query_map([&room.id], |r| {
                    let (member_id, role): (String, Role) =
                        (r.get(0)?, Role::parse(&r.get::<_, String>(2)?));
                    let yourself = member_id == me.member_id;
                    Ok(MemberView {
                        you_may_remove: !yourself && me.role.may_remove(role),
                        you_may_change_role: me.role.runs_the_room() && role != Role::Host,
                        member_id,
                        display_name: r.get(1)?,
                        role,
                        joined_at: r.get(3)?,
                        online: online_users.contains(&r.get::<_, String>(4)?),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            members.sort_by_key(|m| std::cmp::Reverse(m.role));
            Ok(members)
        })
        .await
    }

    /// The host makes a member a co-host, or a guest again.
    pub async fn set_role(
        &self,
        user: Uuid,
        code: String,
        member_id: String,
        role: Role,
    ) -> Result<RoleChanged> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, _) = guards::require_in(
                tx,
                &code,
                &user,
                Power::RunTheRoom("Only the host can change roles."),
            )?;
            if role == Role::Host {
                return Err(Error::refuse(
                    Code::InvalidRole,
                    "A room has one host: pick \"cohost\" or \"guest\".",
                ));
            }
            let (target_user, target_role, name) = target(tx, &room.id, &member_id)?;
            if target_role == Role::Host {
                return Err(Error::refuse(
                    Code::HostStaysHost,
                    "The host stays the host.",
                ));
            }
            tx.prepare_cached(
                "UPDATE room_members SET role = ?3 WHERE room_id = ?1 AND user_id = ?2",
            )?
            .execute(params![room.id, target_user, role.as_str()])?;
            if role != target_role {
                let action = match role {
                    Role::Cohost => "made a co-host",
                    _ => "made a guest",
                };
                audit::record(tx, &room.id, &user, action, Some(&name), None)?;
            }
            Ok(RoleChanged {
                room_id: room.id,
                user_id: target_user,
                changed: role != target_role,
                by: users::display_name(tx, &user)?,
            })
        })
        .await
    }

    /// Host and co-hosts put a member out of the room: their votes stop
    /// counting; a ban also removes their queued songs and keeps them out.
    pub async fn oust(
        &self,
        user: Uuid,
        code: String,
        member_id: String,
        how: Ouster,
        reason: Option<String>,
    ) -> Result<Ousted> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, me) = guards::require_member_in(tx, &code, &user)?;
            let (target_user, target_role, name) = target(tx, &room.id, &member_id)?;
            if target_user == user.id {
                return Err(Error::refuse(Code::NotYourself, "You cannot remove yourself."));
            }
            if !me.role.may_remove(target_role) {
                return Err(Error::refuse(Code::ModeratorsOnly, match me.role {
                    Role::Guest => "Only the host and co-hosts can remove guests.",
                    _ => "Co-hosts can remove guests, not other co-hosts or the host.",
                }));
            }
            let at = Timestamp::now().text();
            let banned = (how == Ouster::Ban).then_some(at.as_str());
            tx.prepare_cached(
                "UPDATE room_members SET left_at = ?3, banned_at = coalesce(?4, banned_at), role = 'guest'
                 WHERE room_id = ?1 AND user_id = ?2",
            )?
            .execute(params![room.id, target_user, at, banned])?;
            // Their votes on what is still to play stop counting.
            tx.prepare_cached(
                "UPDATE votes SET counted = 0
                 WHERE room_id = ?1 AND user_id = ?2 AND counted = 1
                   AND room_track_id IN (SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'queued')",
            )?
            .execute(params![room.id, target_user])?;
            // ...nor does their ask to skip what plays.
            tx.prepare_cached(
                "DELETE FROM skip_votes WHERE user_id = ?2
                   AND room_track_id IN (SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'playing')",
            )?
            .execute(params![room.id, target_user])?;
            if how == Ouster::Ban {
                // The ban binds their device and network too: a new account
                // from the same phone stays out.
                tx.prepare_cached(
                    "INSERT INTO room_bans (id, room_id, user_id, name, device_id, network, reason, banned_at)
                     SELECT lower(hex(randomblob(8))), m.room_id, m.user_id, ?3, u.device_id, m.network, ?4, ?5
                     FROM room_members m JOIN users u ON u.id = m.user_id
                     WHERE m.room_id = ?1 AND m.user_id = ?2",
                )?
                .execute(params![room.id, target_user, name, reason, at])?;
                tx.prepare_cached(
                    "UPDATE room_tracks SET status = 'removed', removed_at = ?3, removed_by = ?4,
                            removed_reason = 'banned'
                     WHERE room_id = ?1 AND added_by = ?2 AND status = 'queued'",
                )?
                .execute(params![room.id, target_user, at, user.id])?;
            }
            let action = match how {
                Ouster::Kick => "kicked",
                Ouster::Ban => "banned",
            };
            audit::record(tx, &room.id, &user, action, Some(&name), reason.as_deref())?;
            tx.touch(&room.id);
            Ok(Ousted {
                room_id: room.id,
                user_id: target_user,
                by: users::display_name(tx, &user)?,
            })
        })
        .await
    }

    /// The room's bans in force, newest first. Host and co-hosts.
    pub async fn bans(&self, user: Uuid, code: String) -> Result<Vec<BanView>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require(
                conn,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts see who is banned."),
            )?;
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, reason, banned_at FROM room_bans INDEXED BY room_bans_active
                 WHERE room_id = ?1 AND lifted_at IS NULL ORDER BY banned_at DESC",
            )?;
            let bans = stmt
                .query_map([&room.id], |r| {
                    Ok(BanView {
                        ban_id: r.get(0)?,
                        display_name: r.get(1)?,
                        reason: r.get(2)?,
                        banned_at: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(bans)
        })
        .await
    }

    /// Host and co-hosts lift a ban: the guest (account, device, network)
    /// may join again.
    pub async fn lift_ban(&self, user: Uuid, code: String, ban_id: String) -> Result<()> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, _) = guards::require_in(
                tx,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts can lift a ban."),
            )?;
            let banned: Option<(String, String)> = tx
                .prepare_cached(
                    "SELECT user_id, name FROM room_bans
                     WHERE room_id = ?1 AND id = ?2 AND lifted_at IS NULL",
                )?
                .query_row([&room.id, &ban_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((banned_user, name)) = banned else {
                return Err(Error::refuse(
                    Code::BanNotFound,
                    "That ban is not in this party (it may have been lifted already).",
                ));
            };
            tx.prepare_cached("UPDATE room_bans SET lifted_at = ?2 WHERE id = ?1")?
                .execute(params![ban_id, Timestamp::now().text()])?;
            tx.prepare_cached(
                "UPDATE room_members SET banned_at = NULL WHERE room_id = ?1 AND user_id = ?2",
            )?
            .execute(params![room.id, banned_user])?;
            audit::record(tx, &room.id, &user, "lifted the ban on", Some(&name), None)?;
            // The log is part of what moderators follow live.
            tx.touch(&room.id);
            Ok(())
        })
        .await
    }

    /// The room's settings; the PIN only for the host and co-hosts.
    pub async fn settings(&self, user: Uuid, code: String) -> Result<SettingsView> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, me) = guards::require_member(conn, &code, &user)?;
            Ok(view(room.settings, me.role))
        })
        .await
    }

    /// The guest Wi-Fi for the party's screen to show (`null` when the host
    /// has set none): the host and the party's screens only, as it holds
    /// the password.
    pub async fn wifi(&self, user: Uuid, code: String) -> Result<Option<WifiCard>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, me) = guards::require_member(conn, &code, &user)?;
            if !(me.screen || me.role == Role::Host) {
                return Err(Error::refuse(
                    Code::HostOnly,
                    "The Wi-Fi's password is for the party's screen and the host only.",
                ));
            }
            let Settings {
                wifi_name,
                wifi_password,
                ..
            } = room.settings;
            Ok(wifi_name.map(|name| WifiCard {
                qr: wifi::qr_text(&name, wifi_password.as_deref()),
                name,
                password: wifi_password,
            }))
        })
        .await
    }

    /// The host changes settings; answers them as now stored.
    pub async fn update_settings(
        &self,
        user: Uuid,
        code: String,
        patch: SettingsPatch,
    ) -> Result<SettingsView> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, me) = guards::require_in(
                tx,
                &code,
                &user,
                Power::RunTheRoom("Only the host can change the party's rules."),
            )?;
            let updated = room.settings.apply(patch)?;
            if updated != room.settings {
                tx.prepare_cached("UPDATE rooms SET settings = ?2 WHERE id = ?1")?
                    .execute(params![room.id, updated.to_stored()])?;
                tx.rules_changed(&room.id);
                audit::record(
                    tx,
                    &room.id,
                    &user,
                    "changed the settings",
                    None,
                    Some(&changes(&room.settings, &updated)),
                )?;
                // Fairness and the artist rule reorder the queue.
                tx.touch(&room.id);
            }
            Ok(view(updated, me.role))
        })
        .await
    }

    /// The join code the TV shows now: host and co-hosts (the TV view runs
    /// on the host's screen).
    pub async fn join_token(&self, user: Uuid, code: String) -> Result<JoinToken> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require(
                conn,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts can show the join code."),
            )?;
            let secret: String = conn
                .prepare_cached("SELECT secret FROM rooms WHERE id = ?1")?
                .query_row([&room.id], |r| r.get(0))?;
            let now = Timestamp::now().unix_seconds();
            Ok(JoinToken {
                token: join_token::at(&secret, now),
                expires_in: join_token::expires_in(now),
            })
        })
        .await
    }
}

/// The member with this public id in the room: (user id, role, name), or 404.
fn target(
    conn: &rusqlite::Connection,
    room_id: &str,
    member_id: &str,
) -> Result<(String, Role, String)> {
    conn.prepare_cached(
        "SELECT m.user_id, m.role, u.display_name FROM room_members m JOIN users u ON u.id = m.user_id
         WHERE m.room_id = ?1 AND m.member_id = ?2 AND m.left_at IS NULL AND m.screen = 0",
    )?
    .query_row([room_id, member_id], |r| {
        Ok((r.get(0)?, Role::parse(&r.get::<_, String>(1)?), r.get(2)?))
    })
    .optional()?
    .ok_or_else(|| Error::refuse(Code::MemberNotFound, "That person is not in this party any more."))
}

/// A setting's name in the log, as the host's page says it, and its unit.
fn setting_label(key: &str) -> (&str, &'static str) {
    match key {
        "max_queued_per_guest" => ("Songs waiting per guest", ""),
        "guest_adds" => ("Guests may add", ""),
        "skip_threshold_percent" => ("Share needed to skip", " %"),
        "allow_downvotes" => ("Down-votes", ""),
        "fairness" => ("Fair turns", ""),
        "no_artist_twice" => ("No artist twice in a row", ""),
        "dj_rotation" => ("DJ rotation", ""),
        "readd_cooldown_minutes" => ("Wait before a song comes back", " min"),
        "hide_explicit" => ("Hide explicit songs", ""),
        "new_guest_vote_delay_seconds" => ("New guests' votes wait", " s"),
        "open" => ("Open to new guests", ""),
        "guests_must_be_here" => ("Guests must be here", ""),
        "join_pin" => ("PIN", ""),
        "crossfade_seconds" => ("Crossfade", " s"),
        "normalize_loudness" => ("Even loudness", ""),
        "quiet_from" => ("Quiet from", ""),
        "quiet_until" => ("Quiet until", ""),
        "quiet_volume_percent" => ("Quiet volume", " %"),
        "volume_percent" => ("The box's volume", " %"),
        "voters_per_network" => ("Voices per network", ""),
        "max_guests" => ("Most guests", ""),
        "wifi_name" => ("Guest Wi-Fi", ""),
        "wifi_password" => ("Wi-Fi password", ""),
        other => (other, ""),
    }
}

fn view(settings: Settings, role: Role) -> SettingsView {
    SettingsView {
        join_pin_set: settings.join_pin.is_some(),
        wifi_password_set: settings.wifi_password.is_some(),
        settings: settings.seen_by(role),
    }
}

/// "Fair turns: off, Share needed to skip: 75 %", for the log (never the PIN
/// nor the Wi-Fi password).
fn changes(before: &Settings, after: &Settings) -> String {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return String::new();
    };
    b.iter()
        .filter(|(k, v)| a.get(*k) != Some(v))
        .map(|(k, v)| {
            let (name, unit) = setting_label(k);
            match (k.as_str(), v) {
                ("join_pin" | "wifi_password", serde_json::Value::Null) => {
                    format!("{name}: removed")
                }
                ("join_pin" | "wifi_password", _) => format!("{name}: changed"),
                (_, serde_json::Value::Bool(true)) => format!("{name}: on"),
                (_, serde_json::Value::Bool(false)) => format!("{name}: off"),
                (_, serde_json::Value::Null) => format!("{name}: none"),
                (_, serde_json::Value::String(s)) => format!("{name}: {s}"),
                _ => format!("{name}: {v}{unit}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
