// Whether the box answered lately: one flag, set by every call's outcome.
type Listener = () => void;
let reachable = true;
const listeners = new Set<Listener>();

export const connection = {
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  reachable: () => reachable,
  report(ok: boolean) {
    if (ok !== reachable) {
      reachable = ok;
      listeners.forEach((l) => l());
    }
  },
};
