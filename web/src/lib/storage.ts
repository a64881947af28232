// What survives a refresh: the user id (mirroring the HttpOnly cookie, for
// the X-User-ID fallback) and the room the guest is in.
const USER_KEY = 'dt.uid';
const ROOM_KEY = 'dt.room';
const PLAYS_HERE_KEY = 'dt.playsHere';
const VOLUME_KEY = 'dt.volume';
const LYRICS_KEY = 'dt.lyrics';

function get(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // private mode or storage disabled
  }
}

function set(key: string, value: string | null) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage unavailable: the cookie still carries the identity.
  }
}

export const storage = {
  userId: () => get(USER_KEY),
  setUserId: (id: string | null) => set(USER_KEY, id),
  roomCode: () => get(ROOM_KEY),
  setRoomCode: (code: string | null) => set(ROOM_KEY, code),
  /** Whether the host's page on this device plays the music (default yes). */
  playsHere: () => get(PLAYS_HERE_KEY) !== 'no',
  setPlaysHere: (on: boolean) => set(PLAYS_HERE_KEY, on ? null : 'no'),
  /** The host page's own volume, 0 to 1 (default full). */
  volume: () => {
    const v = Number(get(VOLUME_KEY) ?? '1');
    return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 1;
  },
  setVolume: (v: number) => set(VOLUME_KEY, String(v)),
  /** Whether this screen shows lyrics (default no). */
  lyrics: () => get(LYRICS_KEY) === 'on',
  setLyrics: (on: boolean) => set(LYRICS_KEY, on ? 'on' : null),
};
