//! Crowded networks: where more guests share one address than it may count
//! (`domain::voices`), and the host's "let them all count".

use std::collections::HashMap;

use rusqlite::params;
use uuid::Uuid;

use super::guards::{self, Power};
use super::{Store, audit, users};
use crate::domain::voices::{self, Present};
use crate::error::{Code, Error, Result};
use crate::model::NetworkView;

impl Store {
    /// Networks the host should know about: crowded now (more devices
    /// here than they count), holding back votes, or let count in full.
    /// Host and co-hosts.
    pub async fn networks(
        &self,
        user: Uuid,
        code: String,
        present: Vec<Present>,
    ) -> Result<Vec<NetworkView>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require(
                conn,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts see the guests' networks."),
            )?;
            let held: HashMap<String, i64> = conn
                .prepare_cached(
                    "SELECT v.network, count(*) FROM votes v
                     JOIN room_tracks rt ON rt.id = v.room_track_id
                     WHERE v.room_id = ?1 AND v.held = 1 AND rt.status = 'queued'
                     GROUP BY v.network",
                )?
                .query_map([&room.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let people: Vec<_> = present
                .iter()
                .filter(|p| !p.screen)
                .map(|p| &p.voter)
                .collect();
            let s = &room.settings;
            // Every network with someone here, counted alone.
            let mut here: HashMap<&str, Vec<&voices::Voter>> = HashMap::new();
            for v in &people {
                here.entry(&v.network).or_default().push(v);
            }
            let mut names: Vec<String> = here.keys().map(|n| n.to_string()).collect();
            names.extend(held.keys().cloned());
            names.extend(s.shared_networks.iter().cloned());
            names.sort();
            names.dedup();
            let mut out: Vec<NetworkView> = names
                .into_iter()
                .map(|network| {
                    let mine = here.get(network.as_str()).cloned().unwrap_or_default();
                    let devices = voices::count(
                        mine.iter().copied(),
                        voices::Cap {
                            per_network: u32::MAX,
                            allowed: &[],
                        },
                    );
                    NetworkView {
                        devices_here: devices,
                        voices_here: voices::count(mine.iter().copied(), s.cap()),
                        held_votes: held.get(&network).copied().unwrap_or(0),
                        counts_in_full: s.shared_networks.contains(&network),
                        network,
                    }
                })
                .filter(|n| n.counts_in_full || n.held_votes > 0 || n.devices_here > n.voices_here)
                .collect();
            out.sort_by_key(|n| std::cmp::Reverse(n.devices_here));
            Ok(out)
        })
        .await
    }

    /// The host lets a network count in full (its held votes count from
    /// now), or stops letting it (votes cast from then on are capped).
    pub async fn share_network(
        &self,
        user: Uuid,
        code: String,
        network: String,
        in_full: bool,
    ) -> Result<()> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, _) = guards::require_in(
                tx,
                &code,
                &user,
                Power::RunTheRoom("Only the host decides how a network counts."),
            )?;
            let mut settings = room.settings.clone();
            let listed = settings.shared_networks.contains(&network);
            if in_full == listed {
                return Ok(());
            }
            if in_full {
                if settings.shared_networks.len() >= MAX_SHARED_NETWORKS {
                    return Err(Error::refuse(
                        Code::TooManySharedNetworks,
                        format!(
                            "{MAX_SHARED_NETWORKS} networks already count in full: stop one first."
                        ),
                    ));
                }
                settings.shared_networks.push(network.clone());
                tx.prepare_cached(
                    "UPDATE votes SET counted = 1, held = 0
                     WHERE room_id = ?1 AND network = ?2 AND held = 1",
                )?
                .execute(params![room.id, network])?;
            } else {
                settings.shared_networks.retain(|n| n != &network);
            }
            tx.prepare_cached("UPDATE rooms SET settings = ?2 WHERE id = ?1")?
                .execute(params![room.id, settings.to_stored()])?;
            tx.rules_changed(&room.id);
            let action = if in_full {
                "let a shared network count in full"
            } else {
                "capped a shared network again"
            };
            audit::record(tx, &room.id, &user, action, Some(&network), None)?;
            tx.touch(&room.id);
            Ok(())
        })
        .await
    }
}

/// Networks one room may let count in full: a party has a few extenders or
/// NATs, not hundreds.
const MAX_SHARED_NETWORKS: usize = 32;
