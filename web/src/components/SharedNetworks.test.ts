import { describe, expect, it } from 'vitest';
import { crowdedText } from './SharedNetworks';

describe('crowdedText', () => {
  it('says how many share the address, how many count and what is held back', () => {
    expect(
      crowdedText({ network: '192.168.1.50', devices_here: 12, voices_here: 2, held_votes: 10, counts_in_full: false }),
    ).toBe('12 guests share one network address (192.168.1.50): only 2 of them count, 10 votes held back. Let them all count?');
  });
  it('speaks of held votes alone when nobody from there is here now', () => {
    expect(
      crowdedText({ network: '10.0.0.9', devices_here: 0, voices_here: 0, held_votes: 1, counts_in_full: false }),
    ).toBe('Guests share one network address (10.0.0.9), 1 vote held back. Let them all count?');
  });
});
