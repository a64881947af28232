import { useCallback, useState } from 'react';
import { HostPanel } from '../components/HostPanel';
import { LiveBadge } from '../components/LiveBadge';
import { PresenceList } from '../components/PresenceList';
import { NowPlaying } from '../components/NowPlaying';
import { QueueList } from '../components/QueueList';
import { SearchPanel } from '../components/SearchPanel';
import { useRoom } from '../hooks/useRoom';
import { forgetGuest } from '../lib/identity';
import { navigate } from '../lib/router';
import { storage } from '../lib/storage';
import { JoinScreen } from './JoinScreen';

/** The party, for a guest or the host (who also sees the invite). */
export function RoomPage({ code }: { code: string }) {
  const [identity, setIdentity] = useState(storage.userId);
  const onUnauthorized = useCallback(() => {
    forgetGuest();
    setIdentity(null);
  }, []);
  const { data, live, refresh, vote, add, advance } = useRoom(code, { enabled: identity !== null, onUnauthorized });

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

  const leave = () => {
    storage.setRoomCode(null);
    navigate('/');
  };

  return (
    <div className="room">
      <header className="room-header">
        <div>
          <h1 className="room-name">{data.info?.name ?? '\u00a0'}</h1>
          <p className="muted">
            Room {code}
            {data.me && ` · you’re ${data.me.display_name}${data.me.role === 'host' ? ' (host)' : ''}`}
          </p>
          <div className="room-status">
            <PresenceList presence={data.presence} />
            <LiveBadge status={live} />
          </div>
        </div>
        <div className="row">
          <a className="button button-quiet" href={`/r/${code}/wrapped`}>
            Wrapped
          </a>
          <button type="button" className="button button-quiet" onClick={leave}>
            Leave
          </button>
        </div>
      </header>
      <main className="room-grid">
        {data.me?.role === 'host' && <HostPanel code={code} />}
        <NowPlaying nowPlaying={data.nowPlaying} upNext={data.queue[0] ?? null} onSkip={advance} loaded={data.loaded} />
        <SearchPanel queue={data.queue} nowPlaying={data.nowPlaying} onAdd={add} />
        <QueueList queue={data.queue} me={data.me} loaded={data.loaded} onVote={vote} />
      </main>
    </div>
  );
}
