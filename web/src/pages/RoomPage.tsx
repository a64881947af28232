import { useCallback, useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { AuditPanel } from '../components/AuditPanel';
import { HostPanel } from '../components/HostPanel';
import { LanguagePicker } from '../components/LanguagePicker';
import { LiveBadge } from '../components/LiveBadge';
import { MembersPanel } from '../components/MembersPanel';
import { SharedNetworks } from '../components/SharedNetworks';
import { Player } from '../components/Player';
import { PresenceList } from '../components/PresenceList';
import { NowPlaying } from '../components/NowPlaying';
import { QueueList } from '../components/QueueList';
import { SearchPanel } from '../components/SearchPanel';
import { PlaylistsPanel } from '../components/PlaylistsPanel';
import { SettingsPanel } from '../components/SettingsPanel';
import { useRoom } from '../hooks/useRoom';
import { t } from '../i18n';
import { humanMessage } from '../lib/errors';
import { forgetGuest } from '../lib/identity';
import { navigate } from '../lib/router';
import { storage } from '../lib/storage';
import { toastStore } from '../lib/toasts';
import { JoinScreen } from './JoinScreen';

const youAre = { host: 'room.youHost', cohost: 'room.youCohost', guest: 'room.you' } as const;

/** The party, for a guest, a co-host or the host (who also sees the invite,
 * the people and the rules). */
export function RoomPage({ code }: { code: string }) {
  const [identity, setIdentity] = useState(storage.userId);
  const onUnauthorized = useCallback(() => {
    forgetGuest();
    setIdentity(null);
  }, []);
  const room = useRoom(code, { enabled: identity !== null, onUnauthorized });
  const { data, live, caughtUp, refresh, refreshMine, vote, add, advance, remove, askToSkip, ended, unplayable, transport, react, reactions } =
    room;

  const leave = () => {
    storage.setRoomCode(null);
    navigate('/');
  };

  if (data.removed) {
    return (
      <main className="start removed">
        <h1 className="brand">{t('brand')}</h1>
        <section className="panel" role="alert">
          <h2>{t('room.removedHeading')}</h2>
          <p>{data.removed}</p>
        </section>
        <button type="button" className="button" onClick={leave}>
          {t('join.backToStart')}
        </button>
      </main>
    );
  }

  const joined = () => {
    setIdentity(storage.userId());
    void refresh();
  };

  // Not a member (the box said so: `me` is known and has no role). Until
  // `me` arrives the room shows: a live frame can come first, and a join
  // screen flashing in between would throw away what the guest typed.
  if (identity === null || (data.me !== null && !data.missing && data.me.role == null)) {
    return <JoinScreen code={code} knownName={data.me?.display_name ?? null} onJoined={joined} />;
  }
  if (data.missing) {
    return <JoinScreen code={code} knownName={null} onJoined={joined} />;
  }

  const role = data.me?.role ?? 'guest';
  // What the box says this member may do; the role only names them.
  const can = data.me?.can ?? { moderate: false, run_the_room: false };
  const moderator = can.moderate;
  const host = can.run_the_room;
  const guestAdds = data.settings?.guest_adds ?? 'anything';
  const presenceKey = data.presence ? data.presence.names.join('|') : '';

  return (
    <div className="room">
      <header className="room-header">
        <div className="room-heading">
          <h1 className="room-name">{data.info?.name ?? '\u00a0'}</h1>
          <div className="muted room-who">
            {t('room.code', { code })}
            {data.me && (
              <>
                {' · '}
                {t(youAre[role], { name: data.me.display_name })}{' '}
                <RenameButton name={data.me.display_name} onRenamed={() => void refreshMine()} />
              </>
            )}
          </div>
          <div className="room-status">
            <PresenceList presence={data.presence} />
            <LiveBadge status={live} />
          </div>
        </div>
        <div className="row room-actions">
          {/* The host's page plays the music: other pages open beside it. */}
          <a
            className="button button-quiet"
            href={`/r/${code}/wrapped`}
            {...(host ? { target: '_blank', rel: 'noreferrer' } : {})}
          >
            {t('room.wrapped')}
          </a>
          <button type="button" className="button button-quiet" onClick={leave}>
            {t('room.leave')}
          </button>
        </div>
      </header>
      <main className="room-grid">
        {host && <HostPanel code={code} />}
        {host && (
          <Player
            code={code}
            nowPlaying={data.nowPlaying}
            upNext={data.queue.find((i) => i.playable) ?? null}
            settings={data.settings}
            onEnded={(id) => void ended(id)}
            onFailed={(item, reason) => void unplayable(item, reason)}
            onTransport={(tr) => void transport(tr)}
          />
        )}
        <NowPlaying
          nowPlaying={data.nowPlaying}
          upNext={data.queue[0] ?? null}
          onSkip={moderator ? advance : undefined}
          onAskToSkip={askToSkip}
          // Co-hosts run the player from here; the host has the player.
          onTransport={moderator && !host ? (tr) => void transport(tr) : undefined}
          skip={data.skip}
          loaded={data.loaded}
          showProgress={!host}
          onReact={(id, emoji) => void react(id, emoji)}
          reactions={reactions}
        />
        {/* What guests may add is the host's call: anything, songs from
            the party's playlists, or nothing (they vote). */}
        {moderator || guestAdds !== 'nothing' ? (
          <SearchPanel
            code={code}
            queue={data.queue}
            nowPlaying={data.nowPlaying}
            onAdd={add}
            hint={!moderator && guestAdds === 'playlists' ? t('search.hintPlaylists') : undefined}
          />
        ) : (
          <section className="panel search" aria-labelledby="search-heading">
            <h2 id="search-heading">{t('search.heading')}</h2>
            <p className="muted">{t('search.voteOnly')}</p>
          </section>
        )}
        {(moderator || guestAdds !== 'nothing') && (
          <PlaylistsPanel code={code} moderator={moderator} version={data.version} caughtUp={caughtUp} onAdd={add} />
        )}
        <QueueList
          queue={data.queue}
          nowPlaying={data.nowPlaying}
          me={data.me}
          myVotes={data.myVotes}
          loaded={data.loaded}
          downvotes={data.settings?.allow_downvotes ?? true}
          onVote={vote}
          onRemove={remove}
        />
        {moderator && <SharedNetworks code={code} can={can} presenceKey={`${presenceKey}|${data.version}`} />}
        {moderator && (
          <MembersPanel code={code} can={can} presenceKey={`${presenceKey}|${data.version}`} />
        )}
        {host && <SettingsPanel code={code} />}
        {moderator && <AuditPanel code={code} version={data.version} />}
      </main>
      <footer className="room-footer">
        <LanguagePicker />
      </footer>
    </div>
  );
}

/** "Change your name": opens a one-field form in place. */
function RenameButton({ name, onRenamed }: { name: string; onRenamed: () => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(name);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const guest = await api.rename(value);
      toastStore.show(t('room.renamed', { name: guest.display_name }));
      setOpen(false);
      onRenamed();
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
    setBusy(false);
  };
  if (!open) {
    return (
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setValue(name);
          setOpen(true);
        }}
      >
        {t('room.rename')}
      </button>
    );
  }
  return (
    <form className="rename-form row" onSubmit={(e) => void save(e)}>
      <label htmlFor={id} className="visually-hidden">
        {t('name.label')}
      </label>
      <input
        id={id}
        className="input input-small"
        maxLength={64}
        autoComplete="nickname"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        // The form opens on the guest's tap: the field is what they want next.
        // eslint-disable-next-line jsx-a11y/no-autofocus
        autoFocus
      />
      <button type="submit" className="button button-small" disabled={busy}>
        {t('room.renameSave')}
      </button>
      <button type="button" className="button button-quiet button-small" onClick={() => setOpen(false)}>
        {t('cancel')}
      </button>
    </form>
  );
}
