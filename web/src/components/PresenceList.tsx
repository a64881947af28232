import { t } from '../i18n';
import type { Presence } from '../api/types';

/** Who is here: a count, and the names on tap. */
export function PresenceList({ presence }: { presence: Presence | null }) {
  if (!presence) return <span className="presence muted">{'\u00a0'}</span>;
  return (
    <details className="presence">
      <summary>
        {t('presence.here', { n: presence.count })}
      </summary>
      <ul>
        {presence.names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </details>
  );
}
