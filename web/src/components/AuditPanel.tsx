import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AuditEntry } from '../api/types';
import { formatClock } from '../lib/format';
import { t } from '../i18n';

/** The moderation log, newest first (host and co-hosts); follows the room. */
export function AuditPanel({ code, version }: { code: string; version: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  useEffect(() => {
    api
      .audit(code)
      .then(setEntries)
      .catch(() => undefined);
  }, [code, version]);
  return (
    <section className="panel" aria-labelledby="audit-heading">
      <h2 id="audit-heading">{t('audit.heading')}</h2>
      <ul className="scroll audit-list">
        {entries.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <span className="muted">{formatClock(e.at)}</span> {e.actor} {e.action}
            {e.target && ` “${e.target}”`}
            {e.detail && <span className="muted"> · {e.detail}</span>}
          </li>
        ))}
        {entries.length === 0 && <li className="muted">{t('audit.empty')}</li>}
      </ul>
    </section>
  );
}
