import { useCallback, useState } from 'react';
import { AuditPanel } from '../components/AuditPanel';
import { HostPanel } from '../components/HostPanel';
import { LiveBadge } from '../components/LiveBadge';
import { MembersPanel } from '../components/MembersPanel';
import { SharedNetworks } from '../components/SharedNetworks';
import { Player } from '../components/Player';
import { PresenceList } from '../components/PresenceList';
import { NowPlaying } from '../components/NowPlaying';
import { QueueList } from '../components/QueueList';
import { SearchPanel } from '../components/SearchPanel';
import { SettingsPanel } from '../components/SettingsPanel';
import { useRoom } from '../hooks/useRoom';
import { forgetGuest } from '../lib/identity';
import { navigate } from '../lib/router';
import { storage } from '../lib/storage';
import { JoinScreen } from './JoinScreen';

const roleLabel = { host: ' (host)', cohost: ' (co-host)', guest: '' };

/** The party, for a guest, a co-host or the host (who also sees the invite,
 * the people and the rules). */
export function RoomPage({ code }: { code: string }) {
  const [identity, setIdentity] = useState(storage.userId);
  const onUnauthorized = useCallback(() => {
    forgetGuest();
    setIdentity(null);
  }, []);
  const { data, live, refresh, vote, add, advance, remove, askToSkip, ended, unplayable, transport } = useRoom(code, {
    enabled: identity !== null,
    onUnauthorized,
  });

  const leave = () => {
    storage.setRoomCode(null);
    navigate('/');
  };

  if (data.removed) {
    return (
      <main className="start removed">
        <h1 className="brand">Democratic Tunes</h1>
        <section className="panel" role="alert">
          <h2>You’re out of this party</h2>
          <p>{data.removed}</p>
        </section>
        <button type="button" className="button" onClick={leave}>
          Back to the start
        </button>
      </main>
    );
  }

  const joined = () => {
    setIdentity(storage.userId());
    void refresh();
  };

  if (identity === null || (data.loaded && !data.missing && data.me?.role == null)) {
    return <JoinScreen code={code} knownName={data.me?.display_name ?? null} onJoined={joined} />;
  }
  if (data.missing) {
    return <JoinScreen code={code} knownName={null} onJoined={joined} />;
  }

  const role = data.me?.role ?? 'guest';
  const moderator = role === 'host' || role === 'cohost';
  const presenceKey = data.presence ? data.presence.names.join('|') : '';

  return (
    <div className="room">
      <header className="room-header">
        <div>
          <h1 className="room-name">{data.info?.name ?? '\u00a0'}</h1>
          <p className="muted">
            Room {code}
            {data.me && ` · you’re ${data.me.display_name}${roleLabel[role]}`}
          </p>
          <div className="room-status">
            <PresenceList presence={data.presence} />
            <LiveBadge status={live} />
          </div>
        </div>
        <div className="row">
          {/* The host's page plays the music: other pages open beside it. */}
          <a
            className="button button-quiet"
            href={`/r/${code}/wrapped`}
            {...(role === 'host' ? { target: '_blank', rel: 'noreferrer' } : {})}
          >
            Wrapped
          </a>
          <button type="button" className="button button-quiet" onClick={leave}>
            Leave
          </button>
        </div>
      </header>
      <main className="room-grid">
        {role === 'host' && <HostPanel code={code} />}
        {role === 'host' && (
          <Player
            nowPlaying={data.nowPlaying}
            upNext={data.queue.find((i) => i.playable) ?? null}
            settings={data.settings}
            onEnded={(id) => void ended(id)}
            onFailed={(item, reason) => void unplayable(item, reason)}
            onTransport={(t) => void transport(t)}
          />
        )}
        <NowPlaying
          nowPlaying={data.nowPlaying}
          upNext={data.queue[0] ?? null}
          onSkip={moderator ? advance : undefined}
          onAskToSkip={askToSkip}
          skip={data.skip}
          loaded={data.loaded}
          showProgress={role !== 'host'}
        />
        <SearchPanel queue={data.queue} nowPlaying={data.nowPlaying} onAdd={add} />
        <QueueList
          queue={data.queue}
          me={data.me}
          loaded={data.loaded}
          downvotes={data.settings?.allow_downvotes ?? true}
          onVote={vote}
          onRemove={remove}
        />
        {moderator && <SharedNetworks code={code} myRole={role} presenceKey={`${presenceKey}|${data.version}`} />}
        {moderator && (
          <MembersPanel code={code} myRole={role} myMemberId={data.me?.member_id ?? null} presenceKey={`${presenceKey}|${data.version}`} />
        )}
        {role === 'host' && <SettingsPanel code={code} />}
        {moderator && <AuditPanel code={code} version={data.version} />}
      </main>
    </div>
  );
}
