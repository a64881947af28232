// How many requests the page keeps under way at once while the box is hard
// to reach (a vote's tries, the room's catch-ups). A browser opens at most
// six connections to one host, and a try queued behind the others sends
// nothing: the tries share five, and one stays free for the rest (the live
// socket's ticket).

export class TryBudget {
  private taken = 0;
  private deliveries = 0;

  constructor(readonly size: number) {}

  /** A slot for one try, or false when all are taken (`release` it after). */
  take(): boolean {
    if (this.taken >= this.size) return false;
    this.taken += 1;
    return true;
  }

  release() {
    this.taken = Math.max(0, this.taken - 1);
  }

  /** A vote being delivered: its answer brings the queue, so the room's
   * catch-up stands aside meanwhile and the vote gets the slots. */
  delivering(): boolean {
    return this.deliveries > 0;
  }

  /** Marks a delivery under way; call the answer when it is over. */
  startDelivery(): () => void {
    this.deliveries += 1;
    let over = false;
    return () => {
      if (over) return;
      over = true;
      this.deliveries -= 1;
    };
  }
}

/** The page's own budget. */
export const tries = new TryBudget(5);
