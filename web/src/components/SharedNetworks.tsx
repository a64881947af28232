import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { NetworkView, Powers } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { t } from '../i18n';

interface Props {
  code: string;
  /** What the viewer may do, as the box says. */
  can: Powers;
  /** Changes when people come and go, so the note follows. */
  presenceKey: string;
}

/** For the host and co-hosts: networks where more guests are than count
 * ("12 guests share one network address"). One tap lets them all count:
 * right for a Wi-Fi extender or a port-forward, wrong for one phone with
 * thirty private tabs. Only the host decides. */
export function SharedNetworks({ code, can, presenceKey }: Props) {
  const [networks, setNetworks] = useState<NetworkView[]>([]);
  const load = useCallback(() => {
    api
      .networks(code)
      .then(setNetworks)
      .catch(() => undefined);
  }, [code]);
  useEffect(() => {
    const timer = setTimeout(load, 0);
    // Held votes arrive without anyone coming or going: look again now and then.
    const every = setInterval(load, 15_000);
    return () => {
      clearTimeout(timer);
      clearInterval(every);
    };
  }, [load, presenceKey]);

  const share = async (n: NetworkView, countsInFull: boolean) => {
    try {
      await api.shareNetwork(code, n.network, countsInFull);
      toastStore.show(t(countsInFull ? 'networks.nowAll' : 'networks.capped'));
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
    load();
  };

  if (networks.length === 0) return null;
  return (
    <section className="panel shared-networks" aria-label={t('networks.label')}>
      {networks.map((n) => (
        <p key={n.network} className="shared-network" data-testid="shared-network">
          <span>
            {n.counts_in_full ? t('networks.countsAll', { network: n.network, n: n.devices_here }) : crowdedText(n)}
          </span>
          {can.run_the_room && (
            <button
              type="button"
              className={`button button-small${n.counts_in_full ? ' button-quiet' : ''}`}
              onClick={() => void share(n, !n.counts_in_full)}
            >
              {t(n.counts_in_full ? 'networks.capAgain' : 'networks.letCount')}
            </button>
          )}
        </p>
      ))}
    </section>
  );
}

/** "12 guests share one network address (192.168.1.50): only 2 of them
 * count, 10 votes held back. Let them all count?" */
export function crowdedText(n: NetworkView): string {
  const who =
    n.devices_here > 1
      ? t('networks.crowded', { devices: n.devices_here, network: n.network, voices: n.voices_here })
      : t('networks.crowdedFew', { network: n.network });
  const held = n.held_votes > 0 ? t('networks.held', { n: n.held_votes }) : '';
  return `${[who, held].filter(Boolean).join(', ')}. ${t('networks.ask')}`;
}
