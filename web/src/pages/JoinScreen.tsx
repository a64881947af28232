import { useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { RoomInfo } from '../api/types';
import { NameForm } from '../components/NameForm';
import { connection } from '../lib/connection';
import { humanMessage, isOffline } from '../lib/errors';
import { ensureGuest } from '../lib/identity';
import { storage } from '../lib/storage';
import { toastStore } from '../lib/toasts';

interface Props {
  code: string;
  knownName: string | null;
  onJoined: () => void;
}

/** The join link's landing: pick a name, tap once, you're in. */
export function JoinScreen({ code, knownName, onJoined }: Props) {
  const [info, setInfo] = useState<RoomInfo | null>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  // The party screen's join code, when the guest came by its QR code.
  const [token] = useState(() => new URLSearchParams(location.search).get('t') ?? undefined);
  // Shown once the box asks for a PIN (or the guest has one).
  const [needsPin, setNeedsPin] = useState(false);
  const [pin, setPin] = useState('');

  useEffect(() => {
    api
      .roomInfo(code)
      .then(setInfo)
      .catch((error: unknown) => {
        // Only the box saying "no such room" means the code is wrong; an
        // unreachable box shows the offline banner and keeps the form.
        if (error instanceof ApiError && error.status === 404) setMissing(true);
        else connection.report(!isOffline(error));
      });
  }, [code]);

  const join = async (name: string) => {
    setBusy(true);
    try {
      await ensureGuest(name);
      await api.joinRoom(code, { token, pin: pin.trim() || undefined });
      storage.setRoomCode(code);
      // The join code is spent: a refresh should not carry it around.
      if (token) history.replaceState(null, '', location.pathname);
      onJoined();
    } catch (error) {
      if (error instanceof ApiError && error.status === 403 && /PIN|QR/.test(error.detail)) setNeedsPin(true);
      toastStore.show(humanMessage(error), 'error');
      setBusy(false);
    }
  };

  if (missing) {
    return (
      <main className="start">
        <h1 className="brand">Democratic Tunes</h1>
        <p>
          There is no party with the code <strong>{code}</strong>. Check the code on the TV and try again.
        </p>
        <a className="button" href="/">
          Back to the start
        </a>
      </main>
    );
  }
  return (
    <main className="start">
      <h1 className="brand">Democratic Tunes</h1>
      <section className="panel" aria-labelledby="join-room-heading">
        <h2 id="join-room-heading">{info ? `Join ${info.name}` : `Join party ${code}`}</h2>
        <p className="muted">Room code {code}</p>
        {needsPin && (
          <label className="stack">
            <span>Party PIN (ask the host)</span>
            <input
              className="input"
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
              value={pin}
              onChange={(event) => setPin(event.target.value)}
            />
          </label>
        )}
        <NameForm knownName={knownName} submitLabel="Join the party" busy={busy} onSubmit={join} />
      </section>
    </main>
  );
}
