// A room as the page holds it: what the box last said (over HTTP or the
// live socket), newest version first, with the votes still in flight laid
// over it item by item. Read with useSyncExternalStore; unit-tested.
import type { LiveFrame, Me, Presence, QueueItem, RoomDelta, RoomInfo, Settings, SkipProgress, VoteValue } from '../api/types';
import { applyQueueDelta } from './live';
import { type PendingVote, pressVote, withPending } from './votes';

export interface RoomData {
  info: RoomInfo | null;
  queue: QueueItem[];
  nowPlaying: QueueItem | null;
  presence: Presence | null;
  me: Me | null;
  /** The guest's own votes as shown: the box's, with presses in flight (a
   * press counts before `me` is known, on a slow link just after joining). */
  myVotes: Record<string, VoteValue>;
  /** The room's rules (null until known). */
  settings: Settings | null;
  /** The room's vote to skip the playing track. */
  skip: SkipProgress | null;
  /** Set when the box put this person out of the room: what it said. */
  removed: string | null;
  /** The room version shown (-1 before the first). */
  version: number;
  /** False until the first answer, so panels can hold their shape. */
  loaded: boolean;
  /** The room code does not exist. */
  missing: boolean;
}

export const emptyRoom: RoomData = {
  info: null,
  queue: [],
  nowPlaying: null,
  presence: null,
  me: null,
  myVotes: {},
  settings: null,
  skip: null,
  removed: null,
  version: -1,
  loaded: false,
  missing: false,
};

/** The parts of a room that come with a version. */
export type RoomState = Partial<Pick<RoomData, 'queue' | 'nowPlaying' | 'presence' | 'skip' | 'settings'>>;

export function fromFrame(frame: LiveFrame): RoomState {
  return {
    queue: frame.queue,
    nowPlaying: frame.now_playing,
    presence: frame.presence,
    skip: frame.skip,
    settings: frame.settings,
  };
}

type Listener = () => void;

export class RoomStore {
  private base: RoomData = emptyRoom;
  /** The version `base.queue` is the box's at. */
  private queueAt = -1;
  private pending = new Map<string, PendingVote>();
  private presses = 0;
  /** Votes the box accepted before `me` was known (the next `me` has them). */
  private early: Record<string, VoteValue> = {};
  private shown: RoomData = emptyRoom;
  private listeners = new Set<Listener>();

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The room as shown: stable between changes (for useSyncExternalStore). */
  snapshot = () => this.shown;

  /** A versioned part of the room; older than what is shown, it is dropped. */
  apply(version: number, state: RoomState) {
    if (version < this.base.version) return;
    if (state.queue) this.queueAt = version;
    this.update({ ...state, version, loaded: true, missing: false });
  }

  /** The version the queue shown is exactly the box's at (-1 before the
   * first): what an answer asked `since` starts from. */
  queueVersion(): number {
    return this.queueAt;
  }

  /** An answer asked `since`: what changed in the room since. False when
   * it does not start from the queue shown (a newer one came meanwhile and
   * this one is between): then the room is asked for whole. */
  applyChanges(delta: RoomDelta): boolean {
    if (delta.version <= this.base.version) return true;
    if (delta.base !== this.queueAt) return false;
    const queue = applyQueueDelta(this.base.queue, delta.queue);
    if (!queue) return false;
    this.apply(delta.version, delta.now_playing === undefined ? { queue } : { queue, nowPlaying: delta.now_playing });
    return true;
  }

  /** Parts without a version: the guest's own side, the name, removal... */
  set(part: Partial<Omit<RoomData, 'version'>>) {
    this.update(part);
  }

  /** What the box answered to `/me`, without undoing votes in flight. */
  setMe(me: Me) {
    this.early = {};
    this.update({ me });
  }

  /** The code does not exist. */
  missing() {
    this.base = { ...emptyRoom, loaded: true, missing: true };
    this.queueAt = -1;
    this.pending.clear();
    this.emit();
  }

  /**
   * A vote pressed: shown at once on its item. Answers the press's number,
   * or `null` when it changes nothing.
   */
  press(roomTrackId: string, value: VoteValue): number | null {
    const press = ++this.presses;
    const vote = pressVote({ queue: this.shown.queue, myVotes: this.shown.myVotes }, roomTrackId, value, press);
    if (!vote) return null;
    this.pending.set(roomTrackId, vote);
    this.emit();
    return press;
  }

  /** Whether `press` is still the latest on its item, unanswered. */
  stillPressed(roomTrackId: string, press: number): boolean {
    return this.pending.get(roomTrackId)?.press === press;
  }

  /**
   * The box answered a press. Accepted: the vote is the guest's own from now
   * on (and the answer's queue, if newer, is applied by the caller).
   * Refused: only this item goes back to what the box says. Either way a
   * later press on the same item stays shown.
   */
  settle(roomTrackId: string, press: number, value: VoteValue, accepted: boolean) {
    if (accepted && this.base.me) {
      this.base = { ...this.base, me: { ...this.base.me, votes: { ...this.base.me.votes, [roomTrackId]: value } } };
    } else if (accepted) {
      this.early = { ...this.early, [roomTrackId]: value };
    }
    if (this.pending.get(roomTrackId)?.press === press) this.pending.delete(roomTrackId);
    this.emit();
  }

  private update(part: Partial<RoomData>) {
    this.base = { ...this.base, ...part };
    this.emit();
  }

  private emit() {
    const { base, pending } = this;
    const known = { ...this.early, ...base.me?.votes };
    if (pending.size === 0) {
      this.shown = { ...base, myVotes: known };
    } else {
      const view = withPending({ queue: base.queue, myVotes: known }, pending);
      const me = base.me && { ...base.me, votes: view.myVotes };
      this.shown = { ...base, queue: view.queue, me, myVotes: view.myVotes };
    }
    this.listeners.forEach((l) => l());
  }
}
