import { t as tr } from '../i18n';
import { useSyncExternalStore } from 'react';
import { toastStore } from '../lib/toasts';

/** Messages for the guest, announced politely to screen readers. */
export function Toasts() {
  const toasts = useSyncExternalStore(toastStore.subscribe, toastStore.snapshot);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`}>
          <span>{t.message}</span>
          <button type="button" className="toast-close" aria-label={tr('toast.dismiss')} onClick={() => toastStore.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
