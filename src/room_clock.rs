//! The room clock: the box, not a page, keeps every party going. A few
//! times a second it moves on each room whose playing item's time is up
//! (a silent song ends by the clock; one with audio when its player says
//! so, or a grace later when no player does), and now and then it starts
//! rooms where nothing plays but something waits (after a restart, or
//! anything else that left a room idle). Once a minute it lets go of
//! the rooms and users memory holds for nobody.

use tokio_util::sync::CancellationToken;

use std::time::Duration;

use crate::limits::{CLOCK_IDLE_EVERY, CLOCK_TICK, SWEEP_EVERY, USER_UNSEEN};
use crate::store::{ClockDue, Store};

/// Runs the clock until `shutdown`; rooms unused for `room_idle` leave
/// memory.
pub fn start(store: Store, shutdown: CancellationToken, room_idle: Duration) -> Clock {
    Clock(tokio::spawn(async move {
        let mut tick = tokio::time::interval(CLOCK_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_idle_check: Option<tokio::time::Instant> = None;
        let mut last_sweep = tokio::time::Instant::now();
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            if last_sweep.elapsed() >= SWEEP_EVERY.min(room_idle) {
                last_sweep = tokio::time::Instant::now();
                let (rooms, users) = store.forget_idle(room_idle, USER_UNSEEN);
                if rooms + users > 0 {
                    tracing::debug!(rooms, users, "idle rooms and users left memory");
                }
            }
            let idle = last_idle_check.is_none_or(|at| at.elapsed() >= CLOCK_IDLE_EVERY);
            if idle {
                last_idle_check = Some(tokio::time::Instant::now());
            }
            let due = match store.clock_due(idle).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!(error = %e, "room clock: cannot read what plays");
                    continue;
                }
            };
            for job in due {
                let done = match job {
                    ClockDue::End {
                        code,
                        room_track_id,
                    } => store.ended_by_box(code, room_track_id).await,
                    ClockDue::Start { code } => store.start_if_idle(code).await,
                };
                if let Err(e) = done {
                    tracing::warn!(error = %e, "room clock: cannot move a room on");
                }
            }
        }
    }))
}

/// The running clock; it stops when this drops (or at `shutdown`).
pub struct Clock(tokio::task::JoinHandle<()>);

impl Drop for Clock {
    fn drop(&mut self) {
        self.0.abort();
    }
}
