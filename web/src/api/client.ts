// The only module that talks HTTP. Every call resolves with a typed body or
// rejects with an ApiError; components never build URLs.
import ky, { HTTPError, TimeoutError } from 'ky';
import type {
  Advanced,
  AuditEntry,
  BanView,
  BoxInfo,
  FolderPlaylist,
  Guest,
  JoinToken,
  Joined,
  LibraryStatus,
  LoadedPlaylist,
  Lyrics,
  Me,
  MemberView,
  PlayedSong,
  PlaylistDetail,
  PlaylistView,
  NetworkView,
  QueueItem,
  Reaction,
  Role,
  Room,
  RoomDoor,
  RoomStateAnswer,
  QueueAnswer,
  SavedPlaylist,
  SearchHit,
  Settings,
  SettingsView,
  SkipStatus,
  VoteValue,
  WifiCard,
  Wrapped,
} from './types';
import { storage } from '../lib/storage';

/** A failed call: `status` is null when the box could not be reached;
 * `code` names the box's refusal (stable, for a translated message) and
 * `params` its numbers. */
export class ApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly detail: string,
    readonly path: string,
    readonly code: string | null = null,
    readonly params: Record<string, string | number> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/**
 * Hands the browser each request with its body as plain bytes. Ky clones a
 * request before sending it (for retries), which turns its body into a
 * stream; Chromium then writes the headers and the body apart, and on a
 * slow Wi-Fi the body's packet waited a round trip for the headers' ACK
 * (0.6-1.4 s, seen in captures of the flaky-Wi-Fi test). In memory, the
 * two leave in one packet.
 */
async function sendWhole(input: Request | URL | string, init?: RequestInit): Promise<Response> {
  if (!(input instanceof Request) || input.body === null) return fetch(input, init);
  const body = await input.arrayBuffer();
  return fetch(input.url, {
    method: input.method,
    headers: input.headers,
    body,
    credentials: input.credentials,
    signal: input.signal,
    cache: input.cache,
    redirect: input.redirect,
    ...init,
  });
}

const http = ky.create({
  prefixUrl: typeof location === 'undefined' ? 'http://localhost' : location.origin,
  fetch: sendWhole,
  credentials: 'same-origin',
  timeout: 10_000,
  retry: 0,
  hooks: {
    beforeRequest: [
      (request) => {
        // The cookie is the identity; the header is the seed's fallback for
        // browsers that drop cookies.
        const uid = storage.userId();
        if (uid) request.headers.set('X-User-ID', uid);
      },
    ],
  },
});

/** `timeout`: ms before giving up (10 s by default); shorter where the
 * caller retries by itself on a flaky link. */
type Options = { json?: unknown; searchParams?: Record<string, string>; signal?: AbortSignal; timeout?: number };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `?since=` when the page shows a version (none before the first). */
const sinceParam = (since?: number) => (since !== undefined && since >= 0 ? { searchParams: { since: String(since) } } : {});

async function call<T>(method: Method, path: string, options: Options = {}): Promise<T> {
  return (await callVersioned<T>(method, path, options)).body;
}

/** A room answer and the room version it reflects (`X-Room-Version`). */
export interface Versioned<T> {
  body: T;
  version: number;
}

async function callVersioned<T>(method: Method, path: string, options: Options = {}): Promise<Versioned<T>> {
  try {
    // An explicit `timeout: undefined` would lift ky's default: leave it out.
    const { timeout, ...rest } = options;
    const response = await http(path, { method, ...rest, ...(timeout ? { timeout } : {}) });
    const version = Number(response.headers.get('x-room-version') ?? -1);
    if (response.status === 204) return { body: undefined as T, version };
    return { body: (await response.json()) as T, version };
  } catch (error) {
    throw await toApiError(error, path);
  }
}

async function toApiError(error: unknown, path: string): Promise<unknown> {
  if (error instanceof HTTPError) {
    let detail = error.response.statusText;
    let code: string | null = null;
    let params: Record<string, string | number> = {};
    try {
      const body: unknown = await error.response.json();
      detail = detailOf(body) ?? detail;
      if (typeof body === 'object' && body !== null) {
        const b = body as { code?: unknown; params?: unknown };
        if (typeof b.code === 'string') code = b.code;
        if (typeof b.params === 'object' && b.params !== null) params = b.params as Record<string, string | number>;
      }
    } catch {
      // Not JSON (a proxy's error page, say): keep the status text.
    }
    return new ApiError(error.response.status, detail, path, code, params);
  }
  if (error instanceof TimeoutError) return new ApiError(null, 'timeout', path);
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  return new ApiError(null, 'network', path);
}

/** FastAPI's `detail`: a string, or a list of validation errors. */
export function detailOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('detail' in body)) return undefined;
  const detail = (body as { detail: unknown }).detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const messages = detail
      .map((d) => (typeof d === 'object' && d !== null && 'msg' in d ? String((d as { msg: unknown }).msg) : ''))
      .filter(Boolean);
    return messages.join('; ') || undefined;
  }
  return undefined;
}

/** Addresses the browser loads by itself (an <audio> or <img> source): the
 * same origin, so the `uid` cookie goes with them. */
export const media = {
  audio: (trackId: string) => `/tracks/${encodeURIComponent(trackId)}/audio`,
  cover: (trackId: string) => `/tracks/${encodeURIComponent(trackId)}/cover`,
  /** The night's set list as a file to download. */
  played: (code: string, format: 'm3u8' | 'xspf' | 'csv') => `/rooms/${encodeURIComponent(code)}/played?format=${format}`,
};

const room = (code: string) => `rooms/${encodeURIComponent(code)}`;

export const api = {
  box: () => call<BoxInfo>('get', 'box'),
  createGuest: (displayName: string) => call<Guest>('post', 'auth/guest', { json: { display_name: displayName } }),
  logout: () => call<void>('post', 'auth/logout'),
  createRoom: (name: string) => call<Room>('post', 'rooms', { json: { name } }),
  /** `token`: the party screen's join code (its QR link carries it); `pin`: the room's PIN;
   * `screen`: a party screen (the TV view), which is not a person. */
  joinRoom: (code: string, proof: { token?: string; pin?: string; screen?: boolean } = {}) =>
    call<Joined>('post', 'rooms/join', { json: { code, ...proof } }),
  roomInfo: (code: string, timeout?: number) => call<RoomDoor>('get', room(code), { timeout }),
  me: (code: string, timeout?: number) => call<Me>('get', `${room(code)}/me`, { timeout }),
  wrapped: (code: string) => call<Wrapped>('get', `${room(code)}/wrapped`),
  /** The guest Wi-Fi for the party's screen (the host and screens only). */
  wifi: (code: string) => call<WifiCard | null>('get', `${room(code)}/wifi`),
  /** Every song the party played, in order. */
  played: (code: string) => call<PlayedSong[]>('get', `${room(code)}/played`),
  nowPlaying: (code: string) => callVersioned<QueueItem | null>('get', `${room(code)}/now-playing`),
  /** The queue and what plays, in one request (catching up on a flaky link). */
  /** `since`: the room version the page shows; the answer is then what
   * changed since, while the box still holds that version. */
  state: (code: string, timeout?: number, since?: number) =>
    callVersioned<RoomStateAnswer>('get', `${room(code)}/state`, { timeout, ...sinceParam(since) }),
  advance: (code: string) => callVersioned<Advanced>('post', `${room(code)}/advance`),
  queue: (code: string) => callVersioned<QueueItem[]>('get', `tracks/rooms/${encodeURIComponent(code)}/queue`),
  /** A page of 50 hits (`page` from 0). */
  search: (query: string, roomCode?: string, signal?: AbortSignal, page = 0) =>
    call<SearchHit[]>('get', 'tracks/search', {
      searchParams: {
        artist_or_title: query,
        ...(roomCode ? { room: roomCode } : {}),
        ...(page > 0 ? { page: String(page) } : {}),
      },
      signal,
    }),
  rename: (displayName: string) => call<Guest>('patch', 'auth/me', { json: { display_name: displayName } }),
  addTrack: (code: string, trackId: string) =>
    callVersioned<QueueItem[]>('post', `tracks/rooms/${encodeURIComponent(code)}/tracks`, {
      json: { track_id: trackId },
    }),
  /** `since`: as for `state`. */
  vote: (code: string, roomTrackId: string, value: VoteValue, timeout?: number, since?: number) =>
    callVersioned<QueueAnswer>('post', `votes/rooms/${encodeURIComponent(code)}/votes`, {
      json: { room_track_id: roomTrackId, value },
      timeout,
      ...sinceParam(since),
    }),
  removeItem: (code: string, roomTrackId: string, reason?: string) =>
    callVersioned<QueueItem[]>(
      'delete',
      `tracks/rooms/${encodeURIComponent(code)}/tracks/${encodeURIComponent(roomTrackId)}`,
      reason ? { searchParams: { reason } } : {},
    ),
  react: (code: string, roomTrackId: string, emoji: string) =>
    call<Reaction>('post', `${room(code)}/now-playing/reactions`, { json: { room_track_id: roomTrackId, emoji } }),
  askToSkip: (code: string) => call<SkipStatus>('post', `${room(code)}/now-playing/skip`),
  /** The host's player: this item played to its end (the box moves on once). */
  ended: (code: string, roomTrackId: string) =>
    callVersioned<Advanced>('post', `${room(code)}/now-playing/ended`, { json: { room_track_id: roomTrackId } }),
  /** The host's player: this item cannot be played (the box moves on once). */
  failed: (code: string, roomTrackId: string, reason: string) =>
    callVersioned<Advanced>('post', `${room(code)}/now-playing/failed`, {
      json: { room_track_id: roomTrackId, reason },
    }),
  pause: (code: string) => callVersioned<QueueItem>('post', `${room(code)}/now-playing/pause`),
  resume: (code: string) => callVersioned<QueueItem>('post', `${room(code)}/now-playing/resume`),
  seek: (code: string, positionMs: number) =>
    callVersioned<QueueItem>('post', `${room(code)}/now-playing/seek`, { json: { position_ms: positionMs } }),
  library: () => call<LibraryStatus>('get', 'library'),
  folderPlaylists: () => call<FolderPlaylist[]>('get', 'library/playlists'),
  playlists: (code: string) => call<PlaylistView[]>('get', `${room(code)}/playlists`),
  playlist: (code: string, id: string) => call<PlaylistDetail>('get', `${room(code)}/playlists/${encodeURIComponent(id)}`),
  /** A file in the music folders, or an uploaded file's text and name. */
  loadPlaylist: (
    code: string,
    from: { file: string } | { mpd_playlist: string } | { name: string; content: string },
    queue: boolean,
  ) =>
    call<LoadedPlaylist>('post', `${room(code)}/playlists`, { json: { ...from, queue }, timeout: 60_000 }),
  /** Tonight as a stored playlist on the box's MPD server (host and co-hosts). */
  saveToMpd: (code: string, name?: string) =>
    call<SavedPlaylist>('post', `${room(code)}/played/mpd-playlist`, { json: name ? { name } : {} }),
  removePlaylist: (code: string, id: string) => call<void>('delete', `${room(code)}/playlists/${encodeURIComponent(id)}`),
  lyrics: (trackId: string) => call<Lyrics>('get', `tracks/${encodeURIComponent(trackId)}/lyrics`),
  rescan: () => call<LibraryStatus>('post', 'library/rescan'),
  members: (code: string) => call<MemberView[]>('get', `${room(code)}/members`),
  setRole: (code: string, memberId: string, role: Exclude<Role, 'host'>) =>
    call<void>('put', `${room(code)}/members/${encodeURIComponent(memberId)}/role`, { json: { role } }),
  kick: (code: string, memberId: string, reason?: string) =>
    call<void>('post', `${room(code)}/members/${encodeURIComponent(memberId)}/kick`, { json: { reason } }),
  ban: (code: string, memberId: string, reason?: string) =>
    call<void>('post', `${room(code)}/members/${encodeURIComponent(memberId)}/ban`, { json: { reason } }),
  settings: (code: string, timeout?: number) => call<SettingsView>('get', `${room(code)}/settings`, { timeout }),
  updateSettings: (code: string, patch: Partial<Settings>) =>
    call<SettingsView>('patch', `${room(code)}/settings`, { json: patch }),
  audit: (code: string) => call<AuditEntry[]>('get', `${room(code)}/audit`),
  joinToken: (code: string) => call<JoinToken>('get', `${room(code)}/join-token`),
  bans: (code: string) => call<BanView[]>('get', `${room(code)}/bans`),
  liftBan: (code: string, banId: string) =>
    call<void>('delete', `${room(code)}/bans/${encodeURIComponent(banId)}`),
  /** A single-use pass to open the room's live socket (good for 30 s). */
  liveTicket: (code: string, timeout?: number) =>
    call<{ ticket: string; expires_in: number }>('post', `${room(code)}/live-ticket`, { timeout }),
  networks: (code: string) => call<NetworkView[]>('get', `${room(code)}/networks`),
  shareNetwork: (code: string, network: string, countsInFull: boolean) =>
    call<void>('post', `${room(code)}/networks`, { json: { network, counts_in_full: countsInFull } }),
};
