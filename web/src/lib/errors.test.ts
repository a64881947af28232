import { describe, expect, it } from 'vitest';
import { ApiError, detailOf } from '../api/client';
import { setLanguage } from '../i18n';
import { humanMessage, isOffline } from './errors';

describe('humanMessage', () => {
  it('shows the box’s own sentences', () => {
    const e = new ApiError(403, 'Nice try! 🎧 Only the host can skip tracks.', 'rooms/X/advance');
    expect(humanMessage(e)).toBe('Nice try! 🎧 Only the host can skip tracks.');
  });
  it('explains an unreachable box and a slow one', () => {
    expect(humanMessage(new ApiError(null, 'network', 'x'))).toMatch(/Can’t reach the box/);
    expect(humanMessage(new ApiError(null, 'timeout', 'x'))).toMatch(/too long/);
  });
  it('never shows raw JSON or server internals', () => {
    expect(humanMessage(new ApiError(422, '{"weird": true}', 'x'))).toBe('That did not work. Try again.');
    expect(humanMessage(new ApiError(500, 'Internal Server Error', 'x'))).toMatch(/snag/);
    expect(humanMessage(new Error('boom'))).toBe('Something went wrong. Try again.');
  });
  it('has words for 401 and 429', () => {
    expect(humanMessage(new ApiError(401, 'whatever', 'x'))).toMatch(/Join again/);
    expect(humanMessage(new ApiError(429, 'slow down', 'x'))).toMatch(/Too many taps/);
  });
});

describe('humanMessage by code', () => {
  it('shows a refusal in the page’s language, with its numbers', async () => {
    const wrongPin = new ApiError(403, 'That PIN is not right (3 tries left).', 'rooms/join', 'wrong_pin', { tries_left: 3 });
    // English keeps the box's own sentence...
    expect(humanMessage(wrongPin)).toBe('That PIN is not right (3 tries left).');
    // ...and says it in the guest's words when they speak another language.
    await setLanguage('es', false);
    try {
      expect(humanMessage(wrongPin)).toBe('Ese PIN no es correcto: compruébalo con el anfitrión (te quedan 3 intentos).');
      const full = new ApiError(403, 'This party is full.', 'rooms/join', 'room_full');
      expect(humanMessage(full)).toBe('Esta fiesta está llena. Pide al anfitrión que haga sitio.');
      // A code the page does not know shows the generic words.
      expect(humanMessage(new ApiError(409, 'Something new.', 'x', 'brand_new_code'))).toBe('Eso no funcionó. Inténtalo de nuevo.');
    } finally {
      await setLanguage('en', false);
    }
  });
});

describe('isOffline', () => {
  it('is true only for unreachable', () => {
    expect(isOffline(new ApiError(null, 'network', 'x'))).toBe(true);
    expect(isOffline(new ApiError(404, 'gone', 'x'))).toBe(false);
    expect(isOffline(new Error('x'))).toBe(false);
  });
});

describe('detailOf', () => {
  it('reads FastAPI’s string and list forms', () => {
    expect(detailOf({ detail: 'Room not found.' })).toBe('Room not found.');
    expect(detailOf({ detail: [{ msg: 'Field required' }, { msg: 'Too long' }] })).toBe('Field required; Too long');
    expect(detailOf({ nope: 1 })).toBeUndefined();
    expect(detailOf('text')).toBeUndefined();
  });
});
