// Reactions: the emoji a guest may send, the room's feed of them as the
// live socket brings them, and the rising emoji a screen shows.
import type { ReactionFrame } from '../api/types';

/** What the box takes, in the order the phone shows them (`domain::reactions`). */
export const EMOJI = ['🔥', '❤️', '💃', '🙌', '😂', '🤯', '👏', '🎉'] as const;

/** How long one rises across the screen (the CSS animation's length). */
export const RISE_MS = 3200;

/** The room's reactions as they come: whoever shows them subscribes. */
export class ReactionFeed {
  private listeners = new Set<(frame: ReactionFrame) => void>();

  subscribe = (listener: (frame: ReactionFrame) => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  emit(frame: ReactionFrame) {
    for (const listener of this.listeners) listener(frame);
  }
}

/** One emoji on its way up. */
export interface Rising {
  id: number;
  emoji: string;
  /** Where across its layer it rises, 0 to 1. */
  x: number;
  /** When it started (ms). */
  born: number;
}

/**
 * The rising emoji after one more arrives at `now`: the ones done rising
 * leave, and beyond `max` the new one is not shown (a room of phones
 * tapping at once still leaves the screen readable; the box keeps them all).
 */
export function rise(current: Rising[], emoji: string, now: number, max: number, random: () => number = Math.random, id = now + random()): Rising[] {
  const live = current.filter((r) => now - r.born < RISE_MS);
  if (live.length >= max) return live;
  return [...live, { id, emoji, x: 0.05 + random() * 0.9, born: now }];
}
