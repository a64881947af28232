//! What the API answers with: the seed's response shapes.
//!
//! A user's id is their credential, so these types only ever carry the id of
//! the user who asked (`user_id` in their own guest and join answers,
//! `host_user_id` in the room answer the host gets); everyone else is a
//! display name.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Guest {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Room {
    pub id: String,
    pub code: String,
    pub name: String,
    pub host_user_id: String,
    pub is_active: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Joined {
    pub room_id: String,
    pub user_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Track {
    pub id: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub year: Option<i64>,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Queued,
    Playing,
    Played,
}

/// A track in a room: queued, or the one playing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItem {
    pub room_track_id: String,
    pub track_id: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub duration_ms: i64,
    /// Net votes: ups minus downs.
    pub votes: i64,
    /// The value the queue is ordered by, best first.
    pub score: i64,
    pub status: ItemStatus,
    pub created_at: String,
    /// When it started playing (the playing item only).
    pub started_at: Option<String>,
    /// Display name of the guest who added it.
    pub added_by: String,
    /// True when the asking user added it.
    pub added_by_me: bool,
    /// The asking user's vote on it: 1, -1, or 0 for none.
    pub my_vote: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Advanced {
    pub now_playing: Option<QueueItem>,
    pub queue: Vec<QueueItem>,
}
