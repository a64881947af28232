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
}

export type ItemStatus = 'queued' | 'playing' | 'played';

export interface QueueItem {
  room_track_id: string;
  track_id: string;
  title: string;
  artist: string;
  album: string | null;
  duration_ms: number;
  votes: number;
  score: number;
  status: ItemStatus;
  created_at: string;
  started_at: string | null;
  added_by: string;
}

export interface Advanced {
  now_playing: QueueItem | null;
  queue: QueueItem[];
}

export type Role = 'host' | 'guest';
export type VoteValue = 1 | -1;

export interface Me {
  display_name: string;
  role: Role | null;
  votes: Record<string, VoteValue>;
  added: string[];
}

export interface BoxInfo {
  name: string;
  version: string;
  /** Where phones on the LAN reach the box, when it knows; else null. */
  join_url: string | null;
}

export interface Presence {
  /** People connected (two tabs of one person count once). */
  count: number;
  names: string[];
}

/** What the room's WebSocket sends: the whole room, on connect and after every change. */
export interface LiveFrame {
  type: 'snapshot';
  version: number;
  queue: QueueItem[];
  now_playing: QueueItem | null;
  presence: Presence;
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
  top_tracks: WrappedTrack[];
  top_contributors: { display_name: string; added: number; played: number; votes_received: number }[];
  most_divisive: WrappedTrack | null;
  best_backer: { display_name: string; winners: number } | null;
  busiest_hour: HourActivity | null;
  activity: HourActivity[];
}
