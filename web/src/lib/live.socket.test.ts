// openLive against a stand-in WebSocket (the real one is exercised by the
// browser tests): which ticket each socket opens with.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { OPEN_TIMEOUT_MS, openLive } from './live';

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  get ticket() {
    return new URL(this.url).searchParams.get('ticket');
  }
  /** The box answers every ping. */
  send(text: string) {
    this.sent.push(text);
    if (text === 'ping') this.says({ type: 'pong' });
  }
  close(code = 1006) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
  opened() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  says(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const quiet = { addEventListener: () => undefined, removeEventListener: () => undefined };
const handlers = { onFrame: () => undefined, onPersonal: () => undefined, onStatus: () => undefined };
/** Lets promises (the ticket's answer) settle under fake timers. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** The page's live socket, open, holding the spare ticket `spare-1`. */
async function openWithSpare() {
  const live = openLive('ABCD', handlers);
  await settle();
  const first = FakeSocket.made[0]!;
  first.opened();
  first.says({ type: 'ticket', ticket: 'spare-1', expires_in_ms: 120_000 });
  return { live, first };
}

let tickets: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('location', { protocol: 'http:', host: 'box.local:8000' });
  vi.stubGlobal('window', quiet);
  vi.stubGlobal('document', { ...quiet, visibilityState: 'visible' });
  let n = 0;
  tickets = vi.spyOn(api, 'liveTicket').mockImplementation(() => Promise.resolve({ ticket: `asked-${++n}`, expires_in: 30 }));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('openLive', () => {
  it('opens the next socket with the spare ticket the last one handed over, once; then asks again', async () => {
    const { live, first } = await openWithSpare();
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1']);
    expect(first.url).toContain('spare=1');

    // Dropped: the next socket needs no request to the box.
    first.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1', 'spare-1']);
    expect(tickets).toHaveBeenCalledTimes(1);

    // That one closes before it opened (it may never have reached the
    // box): the spare is tried once more, then a ticket is asked for (the
    // box restarted and forgot it).
    FakeSocket.made[1]!.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1', 'spare-1', 'spare-1']);
    FakeSocket.made[2]!.close();
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1', 'spare-1', 'spare-1', 'asked-2']);
    expect(tickets).toHaveBeenCalledTimes(2);
    // Once a socket opened with a spare, that spare is spent.
    const fourth = FakeSocket.made[3]!;
    fourth.opened();
    fourth.says({ type: 'ticket', ticket: 'spare-2', expires_in_ms: 120_000 });
    fourth.close();
    await vi.advanceTimersByTimeAsync(1000);
    const fifth = FakeSocket.made[4]!;
    expect(fifth.ticket).toBe('spare-2');
    fifth.opened();
    fifth.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made.at(-1)!.ticket).toBe('asked-3');
    live.close();
  });

  it('forgets the spare ticket when the box says it is going away (it restarts, and forgets its tickets)', async () => {
    const { live, first } = await openWithSpare();
    first.close(1001);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1', 'asked-2']);
    live.close();
  });

  it('does not use a spare ticket near its end', async () => {
    const { live, first } = await openWithSpare();
    await vi.advanceTimersByTimeAsync(115_000);
    first.close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.made.map((s) => s.ticket)).toEqual(['asked-1', 'asked-2']);
    live.close();
  });

  it('gives up a socket that does not open in time, and tries again', async () => {
    const live = openLive('ABCD', handlers);
    await settle();
    const first = FakeSocket.made[0]!;
    await vi.advanceTimersByTimeAsync(OPEN_TIMEOUT_MS - 100);
    expect(first.readyState).toBe(FakeSocket.CONNECTING);
    expect(FakeSocket.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100 + 1000);
    expect(first.readyState).toBe(3);
    expect(FakeSocket.made).toHaveLength(2);
    live.close();
  });
});
