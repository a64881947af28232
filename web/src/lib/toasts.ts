// A tiny store for the toast messages, read with useSyncExternalStore.
export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

type Listener = () => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const emit = () => listeners.forEach((l) => l());

export const toastStore = {
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  snapshot: () => toasts,
  show(message: string, tone: Toast['tone'] = 'info', ms = 4500) {
    const toast = { id: nextId++, message, tone };
    // One message of each text at a time: a burst of failures is one toast.
    toasts = [...toasts.filter((t) => t.message !== message), toast].slice(-3);
    emit();
    setTimeout(() => toastStore.dismiss(toast.id), ms);
  },
  dismiss(id: number) {
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  },
};
