import { useCallback, useEffect, useId, useState } from 'react';
import { api } from '../api/client';
import type { FolderPlaylist, LoadedPlaylist, PlaylistDetail, PlaylistView } from '../api/types';
import { useNow } from '../hooks/useNow';
import { t } from '../i18n';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { TrackRow } from './SearchPanel';

interface Props {
  code: string;
  /** Host and co-hosts: load and remove playlists, see what matched nothing. */
  moderator: boolean;
  /** The room's version: a playlist loaded or removed changes it. */
  version: number;
  /** The page follows the room live: while it catches up (a flaky Wi-Fi),
   * its few connections to the box go to the room and the guest's votes,
   * and the list is asked for once it is back. */
  caughtUp: boolean;
  onAdd: (trackId: string, title: string) => void;
}

/** The party's playlists: for guests, songs to add from (in a curated
 * party, the only ones); for the host, loading them from the music
 * folders or a file, and filling the queue with one. */
export function PlaylistsPanel({ code, moderator, version, caughtUp, onAdd }: Props) {
  const [playlists, setPlaylists] = useState<PlaylistView[]>([]);
  const refresh = useCallback(
    () =>
      void api
        .playlists(code)
        .then(setPlaylists)
        .catch(() => undefined),
    [code],
  );
  useEffect(() => {
    if (caughtUp) refresh();
  }, [refresh, version, caughtUp]);
  if (!moderator && playlists.length === 0) return null;
  return (
    <section className="panel playlists" aria-labelledby="playlists-heading">
      <h2 id="playlists-heading">{t('playlists.heading')}</h2>
      {moderator && <LoadPlaylist code={code} onLoaded={refresh} />}
      {playlists.length === 0 && <p className="muted">{t('playlists.none')}</p>}
      <ul className="playlist-list">
        {playlists.map((p) => (
          <PlaylistItem key={p.id} code={code} playlist={p} moderator={moderator} version={version} onAdd={onAdd} onRemoved={refresh} />
        ))}
      </ul>
    </section>
  );
}

function PlaylistItem({
  code,
  playlist,
  moderator,
  version,
  onAdd,
  onRemoved,
}: {
  code: string;
  playlist: PlaylistView;
  moderator: boolean;
  version: number;
  onAdd: (trackId: string, title: string) => void;
  onRemoved: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<PlaylistDetail | null>(null);
  const now = useNow(30_000);
  useEffect(() => {
    if (!open) return;
    api
      .playlist(code, playlist.id)
      .then(setDetail)
      .catch(() => undefined);
  }, [open, code, playlist.id, version]);
  const remove = async () => {
    try {
      await api.removePlaylist(code, playlist.id);
      onRemoved();
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
  };
  return (
    <li>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <span className="track-title">{playlist.name}</span>{' '}
          <span className="muted">{t('playlists.found', { matched: playlist.matched, n: playlist.entries })}</span>
        </summary>
        {moderator && (
          <button type="button" className="button button-quiet button-small" onClick={() => void remove()}>
            {t('playlists.remove', { name: playlist.name })}
          </button>
        )}
        <ul className="results playlist-songs" aria-label={t('playlists.songsOf', { name: playlist.name })}>
          {detail?.tracks.map((hit) => <TrackRow key={hit.id} hit={hit} now={now} onAdd={onAdd} />)}
        </ul>
        {detail?.unmatched && detail.unmatched.length > 0 && <Unmatched entries={detail.unmatched} />}
      </details>
    </li>
  );
}

/** The host's controls: a playlist from the music folders, or a file. */
function LoadPlaylist({ code, onLoaded }: { code: string; onLoaded: () => void }) {
  const [folder, setFolder] = useState<FolderPlaylist[]>([]);
  const [chosen, setChosen] = useState('');
  const [queue, setQueue] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<LoadedPlaylist | null>(null);
  const ids = { folder: useId(), file: useId(), queue: useId() };
  useEffect(() => {
    api
      .folderPlaylists()
      .then((found) => {
        setFolder(found);
        setChosen(found[0] ? key(found[0]) : '');
      })
      .catch(() => undefined);
  }, []);
  const load = async (from: { file: string } | { mpd_playlist: string } | { name: string; content: string }) => {
    setBusy(true);
    try {
      const loaded = await api.loadPlaylist(code, from, queue);
      setResult(loaded);
      toastStore.show(t('playlists.loaded', { name: loaded.name, matched: loaded.matched, n: loaded.entries, queued: loaded.queued }));
      onLoaded();
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="load-playlist">
      {folder.length > 0 && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const picked = folder.find((f) => key(f) === chosen);
            if (picked) void load(picked.source === 'mpd' ? { mpd_playlist: picked.file } : { file: picked.file });
          }}
        >
          <label htmlFor={ids.folder} className="visually-hidden">
            {t('playlists.fromFolder')}
          </label>
          <select id={ids.folder} className="input input-small" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {folder.map((f) => (
              <option key={key(f)} value={key(f)}>
                {f.source === 'mpd' ? t('playlists.onMpd', { name: f.name }) : f.file}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-small" disabled={busy}>
            {t('playlists.load')}
          </button>
        </form>
      )}
      <label htmlFor={ids.queue} className="setting">
        <span>{t('playlists.queueToo')}</span>
        <input id={ids.queue} type="checkbox" checked={queue} onChange={(e) => setQueue(e.target.checked)} />
      </label>
      <label htmlFor={ids.file} className="button button-quiet button-small file-label">
        {t('playlists.upload')}
        <input
          id={ids.file}
          className="visually-hidden"
          type="file"
          accept=".m3u,.m3u8,.pls,.xspf,audio/x-mpegurl,application/xspf+xml"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void file.text().then((content) => load({ name: file.name, content }));
          }}
        />
      </label>
      {result && (
        <div className="playlist-result" role="status">
          <p>{t('playlists.loaded', { name: result.name, matched: result.matched, n: result.entries, queued: result.queued })}</p>
          {result.unmatched.length > 0 && <Unmatched entries={result.unmatched} />}
        </div>
      )}
    </div>
  );
}

/** A listed playlist's key: a folder's file and the MPD server's playlist
 * may share a name. */
function key(f: FolderPlaylist): string {
  return `${f.source}:${f.file}`;
}

function Unmatched({ entries }: { entries: string[] }) {
  return (
    <details className="unmatched">
      <summary>{t('playlists.notFound', { n: entries.length })}</summary>
      <ul>
        {entries.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
      </ul>
    </details>
  );
}
