import { api } from '../api/client';
import { storage } from './storage';

/** This browser's guest: the stored one, or a new one with `name`. */
export async function ensureGuest(name: string): Promise<string> {
  const known = storage.userId();
  if (known) return known;
  const guest = await api.createGuest(name);
  storage.setUserId(guest.user_id);
  return guest.user_id;
}

/** Forget an identity the box no longer knows (a reset box, say). */
export function forgetGuest() {
  storage.setUserId(null);
  storage.setRoomCode(null);
}
