// What a member does in a room, as plain functions over the room's store:
// each asks the box, applies its answer, and says what happened. Every
// failure takes the same path: the box's words in a toast.
import { api } from '../api/client';
import type { QueueItem, Transport, VoteValue } from '../api/types';
import { t } from '../i18n';
import { connection } from './connection';
import { humanMessage, isOffline } from './errors';
import type { RoomStore } from './roomStore';
import { toastStore } from './toasts';
import { type TryBudget, tries } from './tries';

/** A vote on a flaky link is tried again, without waiting for an earlier
 * try to fail, after this long (jittered): right after a lost packet, or
 * the link's return, the newest try often gets through first. */
export const RETRY_EVERY_MS = 600;
/** How long each try may take. The first tries of an outage go out on the
 * browser's open connections to the box, which the outage killed: each
 * sends again only after 1, 2, 4 s and more, so these are cut short
 * (`FIRST_TRIES`, 2.5 s each) and give their place to new connections,
 * which send their SYN again every second (seen in captures of the
 * flaky-Wi-Fi test). The tries after those are given long enough for a try
 * begun in the outage to bring its answer after the link's return: cut at
 * 5 s, answers came to closed sockets (the vote counted and the page was not
 * told). Measured over 20 outages: the vote at the box 1.09 s after the
 * link's return (median) against 1.57 s with 5 s for every try. How many
 * run at once: `lib/tries`. */
export const FIRST_TRIES = 2;
export const FIRST_TRY_TIMEOUT_MS = 2500;
export const RETRY_TIMEOUT_MS = 8000;

/** How long try `n` (0, 1, ...) of a delivery may take. */
export const tryTimeoutMs = (n: number) => (n < FIRST_TRIES ? FIRST_TRY_TIMEOUT_MS : RETRY_TIMEOUT_MS);
/** How long a vote keeps trying before it is given up, and said so. */
export const RETRY_FOR_MS = 60_000;

/**
 * Runs `work` (given each try's number, from 0) until the box answers.
 * While no try has answered, another
 * starts every 0.6 s or so (as many at once as `budget` has slots: the
 * room's catch-up stands aside meanwhile), for a minute, as long as
 * `wanted()` says the result still matters; the first answer wins. Only
 * what is safe to repeat goes through here: a vote is, as the box keeps one
 * vote per guest and item. Answers `undefined` on a refusal (shown), when
 * given up (shown) or no longer wanted (not shown).
 */
export function deliver<T>(
  work: (n: number) => Promise<T>,
  wanted: () => boolean,
  clock: { now: () => number; every: (ms: () => number, tick: () => void) => () => void } = realClock,
  budget: TryBudget = tries,
): Promise<T | undefined> {
  return new Promise((settle) => {
    const start = clock.now();
    const delivered = budget.startDelivery();
    let inFlight = 0;
    let done = false;
    let lastError: unknown = null;
    let started = 0;
    const finish = (answer: T | undefined, error: unknown = null) => {
      if (done) return;
      done = true;
      delivered();
      stop();
      if (error !== null) toastStore.show(humanMessage(error), 'error');
      settle(answer);
    };
    const attemptOnce = () => {
      if (done) return;
      if (!wanted()) return finish(undefined);
      if (clock.now() - start >= RETRY_FOR_MS) {
        if (inFlight === 0) finish(undefined, lastError);
        return;
      }
      if (!budget.take()) return;
      inFlight += 1;
      work(started++).then(
        (answer) => {
          inFlight -= 1;
          budget.release();
          connection.report(true);
          finish(answer);
        },
        (error: unknown) => {
          inFlight -= 1;
          budget.release();
          if (done) return;
          if (!wanted()) return finish(undefined);
          if (!isOffline(error)) return finish(undefined, error);
          lastError = error;
          connection.report(false);
          if (clock.now() - start >= RETRY_FOR_MS && inFlight === 0) finish(undefined, error);
        },
      );
    };
    const stop = clock.every(() => RETRY_EVERY_MS * (0.75 + Math.random() / 2), attemptOnce);
    attemptOnce();
  });
}

/** Real time: `every` calls `tick` again and again, each wait drawn anew. */
const realClock = {
  now: Date.now,
  every(ms: () => number, tick: () => void) {
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      timer = setTimeout(() => {
        tick();
        next();
      }, ms());
    };
    next();
    return () => clearTimeout(timer);
  },
};

/** Runs `work`; a failure is shown, and answered as `undefined`. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    toastStore.show(humanMessage(error), 'error');
    return undefined;
  }
}

export function roomActions(store: RoomStore, code: string, refreshMine: () => Promise<void>) {

  /** After an answer that moved the room on. */
  const moved = ({ body, version }: Awaited<ReturnType<typeof api.advance>>) =>
    store.apply(version, { queue: body.queue, nowPlaying: body.now_playing });

  return {
    async vote(roomTrackId: string, value: VoteValue) {
      const press = store.press(roomTrackId, value);
      if (press === null) return;
      // Tried again while the box cannot be reached (a phone at the edge of
      // the Wi-Fi), until a later press on the same item replaces it.
      // Each try asks only what changed since the queue shown then.
      const answer = await deliver(
        (n) => api.vote(code, roomTrackId, value, tryTimeoutMs(n), store.queueVersion()),
        () => store.stillPressed(roomTrackId, press),
      );
      store.settle(roomTrackId, press, value, answer !== undefined);
      if (!answer) return;
      // Changes that do not start from the queue shown (a newer one came
      // meanwhile) are left: the live socket, or the catch-up while it is
      // down, brings the room.
      if (Array.isArray(answer.body)) store.apply(answer.version, { queue: answer.body });
      else store.applyChanges(answer.body);
      // Whether it counts (or waits, and why) is the guest's own side.
      void api
        .me(code)
        .then((me) => store.setMe(me))
        .catch(() => undefined);
    },

    async add(trackId: string, title: string) {
      const queue = await attempt(() => api.addTrack(code, trackId));
      if (!queue) return;
      store.apply(queue.version, { queue: queue.body });
      // Not in the queue: the room was quiet and it started at once.
      const waiting = queue.body.some((i) => i.track_id === trackId);
      toastStore.show(t(waiting ? 'now.added' : 'now.startedAtOnce', { title }));
      void refreshMine();
    },

    async remove(roomTrackId: string, reason?: string) {
      const queue = await attempt(() => api.removeItem(code, roomTrackId, reason));
      if (!queue) return;
      store.apply(queue.version, { queue: queue.body });
      void refreshMine();
    },

    async advance() {
      const answer = await attempt(() => api.advance(code));
      if (answer) moved(answer);
    },

    async ended(roomTrackId: string) {
      const answer = await attempt(() => api.ended(code, roomTrackId));
      if (answer) moved(answer);
    },

    async unplayable(item: QueueItem, reason: string) {
      const answer = await attempt(() => api.failed(code, item.room_track_id, reason));
      if (!answer) return;
      moved(answer);
      toastStore.show(t('now.couldNotPlay', { title: item.title, reason }), 'error');
    },

    /** An emoji on the playing song; the room (this phone too) sees it
     * through the live socket. Not tried again: a late reaction is no
     * reaction, and the box may have kept the first try. */
    async react(roomTrackId: string, emoji: string) {
      await attempt(() => api.react(code, roomTrackId, emoji));
    },

    async transport(tr: Transport) {
      const answer = await attempt(() =>
        tr.action === 'seek' ? api.seek(code, tr.positionMs) : tr.action === 'pause' ? api.pause(code) : api.resume(code),
      );
      if (answer) store.apply(answer.version, { nowPlaying: answer.body });
    },

    /** Answers whether the ask went through. */
    async askToSkip() {
      const status = await attempt(() => api.askToSkip(code));
      if (!status) return false;
      if (status.skipped) toastStore.show(t('now.skipped'));
      store.set({ skip: status.skipped ? { votes: 0, needed: status.needed } : status });
      return true;
    },
  };
}

export type RoomActions = ReturnType<typeof roomActions>;
