import { useJoinToken, useJoinUrl } from '../hooks/useJoinUrl';
import { JoinQr } from './JoinQr';
import { t } from '../i18n';

/** For the host: the room code, large, and the QR code guests scan. */
export function HostPanel({ code }: { code: string }) {
  // The QR link carries the minute's join code, for rooms where guests
  // must be here; the plain link is what the host reads out.
  const token = useJoinToken(code, true);
  const qrUrl = useJoinUrl(code, token);
  const joinUrl = useJoinUrl(code);
  return (
    <section className="panel host" aria-labelledby="host-heading">
      <h2 id="host-heading" className="visually-hidden">
        {t('host.invite')}
      </h2>
      <div className="host-invite">
        <JoinQr url={qrUrl} code={code} />
        <div>
          <p className="label">{t('host.roomCode')}</p>
          <p className="room-code" aria-label={t('host.roomCodeLabel', { spaced: code.split('').join(' ') })}>
            {code}
          </p>
          <p className="join-url">{joinUrl}</p>
          <a className="button button-quiet" href={`/r/${code}/tv`} target="_blank" rel="noreferrer">
            {t('host.openTv')}
          </a>
        </div>
      </div>
    </section>
  );
}
