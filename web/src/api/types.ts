// The box's API shapes, mirrored from the Rust models (src/model.rs).

export interface Guest {
  user_id: string;
  display_name: string;
}

export interface Room {
  id: string;
  code: string;
  name: string;
  host_user_id: string;
  is_active: boolean;
  created_at: string;
}

export interface RoomInfo {
  code: string;
  name: string;
  is_active: boolean;
  created_at: string;
}

/** What joining a room takes, for whoever asks. */
export interface JoinDoor {
  member: boolean;
  banned: boolean;
  open: boolean;
  full: boolean;
  needs_pin: boolean;
  needs_screen_code: boolean;
}

export interface RoomDoor extends RoomInfo {
  join: JoinDoor;
}

export interface Joined {
  room_id: string;
  user_id: string;
}

export interface Track {
  id: string;
  title: string;
  artist: string;
  album: string | null;
  year: number | null;
  duration_ms: number;
  /** The box can play its audio (with music folders, search answers only these). */
  playable: boolean;
}

/** Where a search hit stands in the party asked about. */
export type InRoom =
  | { state: 'playing' }
  | { state: 'queued'; position: number }
  | { state: 'played'; played_at: string; back_at: string | null };

export interface SearchHit extends Track {
  /** For a close spelling: the words it matched ("Beyoncé" for "beyounce"). */
  did_you_mean: string | null;
  in_room: InRoom | null;
}

export type ItemStatus = 'queued' | 'playing' | 'played' | 'removed';

export interface QueueItem {
  room_track_id: string;
  track_id: string;
  title: string;
  artist: string;
  album: string | null;
  duration_ms: number;
  votes: number;
  score: number;
  /** Why the item is where it is ("2 votes · Bea's first pick tonight"). */
  reason: string;
  status: ItemStatus;
  created_at: string;
  started_at: string | null;
  /** A display name; "Auto-DJ" for the auto-DJ's picks. */
  added_by: string;
  /** The box has the audio: `/tracks/{track_id}/audio`. */
  has_audio: boolean;
  /** The box can play it (the same as `has_audio`); a track that is not runs silent, on the clock. */
  playable: boolean;
  /** The gain (dB) that brings it to the party's loudness, when known. */
  gain_db: number | null;
  /** Picked by the auto-DJ because the queue ran dry. */
  auto_dj: boolean;
  /** While the host has paused it: where it stopped (ms). */
  paused_ms: number | null;
}

export interface LibraryStatus {
  tracks: number;
  scanning: boolean;
  scanned: number;
  skipped: number;
  last_scan_at: string | null;
  measuring: boolean;
  loudness_pending: number;
}

export interface Advanced {
  now_playing: QueueItem | null;
  queue: QueueItem[];
}

export type Role = 'host' | 'cohost' | 'guest';
export type VoteValue = 1 | -1;

export interface Me {
  display_name: string;
  member_id: string | null;
  role: Role | null;
  votes: Record<string, VoteValue>;
  /** Your votes that do not count (yet), and why. */
  waiting_votes: Record<string, WaitingVote>;
  /** When a just-joined guest's votes start to count (while some wait). */
  votes_count_at: string | null;
  added: string[];
}

/** Why a vote does not count yet: the network already has its share of
 * voices, another account on this device voted, or you just joined. */
export type WaitingVote = 'network' | 'device' | 'new';

export interface BoxInfo {
  name: string;
  version: string;
  /** Where phones on the LAN reach the box, when it knows; else null. */
  join_url: string | null;
  /** No music folder: songs run on the clock with no sound. */
  demo: boolean;
}

export interface Presence {
  /** Voices here: two tabs of one person count once, a crowded network a few times at most, a screen not at all. */
  count: number;
  names: string[];
}

/** Where the room's vote to skip the playing track stands. */
export interface SkipProgress {
  votes: number;
  /** Out of the people connected now. */
  needed: number;
}

/** What the room's WebSocket sends: the whole room, on connect and after every change. */
export interface LiveFrame {
  type: 'snapshot';
  version: number;
  queue: QueueItem[];
  now_playing: QueueItem | null;
  presence: Presence;
  skip: SkipProgress;
  settings: Settings;
}

/** What changed since the frame with version `base` (`?frames=delta`): the
 * queue as removals, new or changed items and moves; the other parts only
 * when they changed. */
export interface LiveDelta {
  type: 'delta';
  base: number;
  version: number;
  queue?: {
    remove: string[];
    upsert: QueueItem[];
    /** [id, the id it goes right after, or null for first], applied in order. */
    place: [string, string | null][];
  };
  now_playing?: QueueItem | null;
  presence?: Presence;
  skip?: SkipProgress;
  settings?: Settings;
}

/** A message for this person only: a notice, or that they are out of the room. */
export interface PersonalFrame {
  type: 'notice' | 'removed';
  message: string;
}

export interface Settings {
  max_queued_per_guest: number;
  skip_threshold_percent: number;
  allow_downvotes: boolean;
  fairness: boolean;
  no_artist_twice: boolean;
  readd_cooldown_minutes: number;
  hide_explicit: boolean;
  new_guest_vote_delay_seconds: number;
  open: boolean;
  guests_must_be_here: boolean;
  /** Only the host and co-hosts see it. */
  join_pin: string | null;
  /** The next song fades in over the last this many seconds (0: gapless). */
  crossfade_seconds: number;
  normalize_loudness: boolean;
  /** Quiet hours, local time ("23:00" to "07:00"), or null. */
  quiet_from: string | null;
  quiet_until: string | null;
  /** The volume ceiling during quiet hours (% of full). */
  quiet_volume_percent: number;
  /** Voices one network address carries at most (thirty tabs on one phone are not thirty guests). */
  voters_per_network: number;
  /** Most guests the party takes; null for no limit. */
  max_guests: number | null;
  /** Networks the host lets count in full (host and co-hosts only; empty for guests). */
  shared_networks: string[];
}

/** A ban in force (binds the guest's account, device and network). */
export interface BanView {
  ban_id: string;
  display_name: string;
  reason: string | null;
  banned_at: string;
}

/** A network several guests share, for the host: let them all count? */
export interface NetworkView {
  network: string;
  devices_here: number;
  voices_here: number;
  held_votes: number;
  counts_in_full: boolean;
}

export interface SettingsView extends Settings {
  join_pin_set: boolean;
}

export interface MemberView {
  member_id: string;
  display_name: string;
  role: Role;
  joined_at: string;
  online: boolean;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface JoinToken {
  token: string;
  expires_in: number;
}

export interface SkipStatus {
  votes: number;
  needed: number;
  skipped: boolean;
  now_playing: QueueItem | null;
}

export interface WrappedTrack {
  title: string;
  artist: string;
  added_by: string;
  votes: number;
  ups: number;
  downs: number;
  played: boolean;
}

export interface HourActivity {
  /** The hour's start, UTC. */
  hour: string;
  adds: number;
  votes: number;
}

/** Party Wrapped: the night in numbers. */
export interface Wrapped {
  room_name: string;
  guests: number;
  tracks_played: number;
  played_ms: number;
  /** Tracks the room voted to skip (never among the top tracks). */
  tracks_skipped: number;
  top_tracks: WrappedTrack[];
  top_contributors: { display_name: string; added: number; played: number; votes_received: number }[];
  most_divisive: WrappedTrack | null;
  best_backer: { display_name: string; winners: number } | null;
  busiest_hour: HourActivity | null;
  activity: HourActivity[];
}
