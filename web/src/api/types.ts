// The box's API shapes. Everything the API document states is generated
// from the Rust models (schema.ts, by `npm run gen:api`; `npm run
// typecheck` fails when it is stale); the live socket's frames, which the
// document does not cover, are written out below.
import type { components } from './schema';

type Schemas = components['schemas'];

/** What the box sends: serde writes every field (`null` when empty), so
 * none is ever missing, though the document lists `Option`s as optional. */
type Sent<T> = T extends (infer U)[]
  ? Sent<U>[]
  : T extends object
    ? { [K in keyof T]-?: Sent<T[K]> }
    : T;

export type Guest = Sent<Schemas['Guest']>;
export type Room = Sent<Schemas['Room']>;
export type RoomInfo = Sent<Schemas['RoomInfo']>;
/** What joining a room takes, for whoever asks. */
export type JoinDoor = Sent<Schemas['JoinDoor']>;
export type RoomDoor = Sent<Schemas['RoomDoor']>;
export type Joined = Sent<Schemas['Joined']>;
export type Track = Sent<Schemas['Track']>;
/** Where the party's sound goes (`GET /box`'s `outputs`). */
export type Output = Sent<Schemas['Output']>;
export type SavedPlaylist = Sent<Schemas['SavedPlaylist']>;
/** Where a search hit stands in the party asked about. */
export type InRoom = Sent<Schemas['InRoom']>;
export type SearchHit = Sent<Schemas['SearchHit']>;
export type ItemStatus = Sent<Schemas['ItemStatus']>;
export type QueueItem = Sent<Schemas['QueueItem']>;
export type RoomState = Sent<Schemas['RoomState']>;
export type LibraryStatus = Sent<Schemas['LibraryStatus']>;
export type Advanced = Sent<Schemas['Advanced']>;
export type Role = Schemas['Role'];
/** What your role lets you do, as the box says (never derived from the role's name). */
export type Powers = Sent<Schemas['Powers']>;
export type VoteValue = 1 | -1;
export type Me = Omit<Sent<Schemas['Me']>, 'votes' | 'waiting_votes'> & {
  votes: Record<string, VoteValue>;
  /** Your votes that do not count (yet), and why. */
  waiting_votes: Record<string, WaitingVote>;
};
export type BoxInfo = Sent<Schemas['BoxInfo']>;
export type Settings = Sent<Schemas['Settings']>;
export type SettingsView = Sent<Schemas['SettingsView']>;
/** A ban in force (binds the guest's account, device and network). */
export type BanView = Sent<Schemas['BanView']>;
/** A network several guests share, for the host: let them all count? */
export type NetworkView = Sent<Schemas['NetworkView']>;
export type MemberView = Sent<Schemas['MemberView']>;
export type AuditEntry = Sent<Schemas['AuditEntry']>;
export type JoinToken = Sent<Schemas['JoinToken']>;
export type SkipStatus = Sent<Schemas['SkipStatus']>;
export type WrappedTrack = Sent<Schemas['WrappedTrack']>;
export type HourActivity = Sent<Schemas['HourActivity']>;
/** Party Wrapped: the night in numbers. */
export type Wrapped = Sent<Schemas['Wrapped']>;
export type Reaction = Sent<Schemas['Reaction']>;
export type Lyrics = Sent<Schemas['Lyrics']>;
export type LoadedPlaylist = Sent<Schemas['LoadedPlaylist']>;
export type PlaylistView = Sent<Schemas['PlaylistView']>;
export type PlaylistDetail = Sent<Schemas['PlaylistDetail']>;
export type FolderPlaylist = Sent<Schemas['FolderPlaylist']>;
export type GuestAdds = Schemas['GuestAdds'];
export type LyricLine = Sent<Schemas['Line']>;
/** The guest Wi-Fi, for the party's screen. */
export type WifiCard = Sent<Schemas['WifiCard']>;
/** A song the party played (the night's set list). */
export type PlayedSong = Sent<Schemas['PlayedSong']>;
export type SettingsPatch = Schemas['SettingsPatch'];
export type ErrorCode = Schemas['Code'];

/** What the host (or a co-host) does to the playing track. */
export type Transport = { action: 'pause' } | { action: 'resume' } | { action: 'seek'; positionMs: number };

/** Why a vote does not count yet: the network already has its share of
 * voices, another account on this device voted, or you just joined. */
export type WaitingVote = 'network' | 'device' | 'new';

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

/** What changed since the version an answer was asked `since`: the live
 * socket's delta form, with the queue (and, from `/state`, what plays). */
export type RoomDelta = Required<Pick<LiveDelta, 'type' | 'base' | 'version' | 'queue'>> & Pick<LiveDelta, 'now_playing'>;

/** A vote's answer: the queue whole, or (asked `since`) what changed. */
export type QueueAnswer = QueueItem[] | RoomDelta;

/** `/state`'s answer: the room whole, or (asked `since`) what changed. */
export type RoomStateAnswer = RoomState | RoomDelta;

/** A guest's emoji on the playing song, sent to everyone in the room. */
export interface ReactionFrame {
  type: 'reaction';
  emoji: string;
  room_track_id: string;
}

/** A spare ticket for this socket's next one (`?spare=1`): good once, for
 * `expires_in_ms`. */
export interface TicketFrame {
  type: 'ticket';
  ticket: string;
  expires_in_ms: number;
}

/** A message for this person only: a notice, or that they are out of the room. */
export interface PersonalFrame {
  type: 'notice' | 'removed';
  message: string;
}
