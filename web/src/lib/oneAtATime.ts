/**
 * `work`, never twice at once: a call while it runs asks for one more run
 * after it (however many calls came meanwhile), and resolves at once. For
 * refreshes, where the newest answer is all that matters.
 */
export function oneAtATime(work: () => Promise<void>): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await work();
      } while (again);
    } finally {
      running = false;
    }
  };
}
