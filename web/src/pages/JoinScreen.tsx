import { useEffect, useId, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { JoinDoor, RoomDoor } from '../api/types';
import { LanguagePicker } from '../components/LanguagePicker';
import { NameForm } from '../components/NameForm';
import { t, type Key } from '../i18n';
import { connection } from '../lib/connection';
import { humanMessage, isOffline } from '../lib/errors';
import { ensureGuest } from '../lib/identity';
import { storage } from '../lib/storage';
import { PinInput } from '../components/PinInput';

interface Props {
  code: string;
  knownName: string | null;
  onJoined: () => void;
}

/** Why this guest cannot come in, if the door already says so. */
function shutFor(join: JoinDoor, hasToken: boolean): Key | null {
  if (join.member) return null;
  if (join.banned) return 'join.banned';
  if (!join.open) return 'join.closed';
  if (join.full) return 'join.full';
  if (join.needs_screen_code && !hasToken) return 'join.scan';
  return null;
}

/** Refusals that close the door for good (for now), by code. */
const shutByCode: Record<string, Key> = {
  banned: 'join.banned',
  room_closed: 'join.closed',
  room_full: 'join.full',
  needs_screen_code: 'join.scan',
};

/** The join link's landing: the party's name and what it needs (a PIN is
 * asked for before the first try); pick a name, tap once, you're in. */
export function JoinScreen({ code, knownName, onJoined }: Props) {
  const [room, setRoom] = useState<RoomDoor | null>(null);
  const [missing, setMissing] = useState(false);
  const [shut, setShut] = useState<Key | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // The party screen's join code, when the guest came by its QR code.
  const [token] = useState(() => new URLSearchParams(location.search).get('t') ?? undefined);
  const [needsPin, setNeedsPin] = useState(false);
  const [pin, setPin] = useState('');
  const pinId = useId();

  useEffect(() => {
    api
      .roomInfo(code)
      .then((door) => {
        setRoom(door);
        // The QR code's token lets a guest in without the PIN; the PIN is
        // asked for only if the box refuses the token (it expired).
        setNeedsPin(door.join.needs_pin && !door.join.member && token === undefined);
        setShut(shutFor(door.join, token !== undefined));
      })
      .catch((error: unknown) => {
        // Only the box saying "no such room" means the code is wrong; an
        // unreachable box shows the offline banner and keeps the form.
        if (error instanceof ApiError && error.status === 404) setMissing(true);
        else connection.report(!isOffline(error));
      });
  }, [code, token]);

  const join = async (name: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await ensureGuest(name);
      await api.joinRoom(code, { token, pin: pin.trim() || undefined });
      storage.setRoomCode(code);
      // The join code is spent: a refresh should not carry it around.
      if (token) history.replaceState(null, '', location.pathname);
      onJoined();
    } catch (error) {
      const refused = error instanceof ApiError ? error.code : null;
      if (refused === 'needs_pin' || refused === 'wrong_pin') setNeedsPin(true);
      if (refused && refused in shutByCode) setShut(shutByCode[refused] ?? null);
      if (error instanceof ApiError && error.status === 404) setMissing(true);
      setProblem(humanMessage(error));
      setBusy(false);
    }
  };

  if (missing || shut) {
    return (
      <main className="start">
        <h1 className="brand">{t('brand')}</h1>
        {room && <h2 className="door-name">{room.name}</h2>}
        <p role="alert" className="door-shut">
          {missing ? t('join.missing', { code }) : t(shut as Key)}
        </p>
        <a className="button" href="/">
          {t('join.backToStart')}
        </a>
        <LanguagePicker />
      </main>
    );
  }
  return (
    <main className="start">
      <h1 className="brand">{t('brand')}</h1>
      <section className="panel" aria-labelledby="join-room-heading">
        <h2 id="join-room-heading" className="door-name">
          {room ? t('join.heading', { name: room.name }) : t('join.headingCode', { code })}
        </h2>
        <p className="muted">{t('join.code', { code })}</p>
        {needsPin && (
          <p className="stack">
            <label htmlFor={pinId}>{t('join.pinLabel')}</label>
            <PinInput id={pinId} value={pin} onChange={setPin} />
          </p>
        )}
        {problem && (
          <p className="form-problem" role="alert">
            {problem}
          </p>
        )}
        <NameForm knownName={knownName} submitLabel={t('join.submit')} busy={busy} onSubmit={join} />
      </section>
      <LanguagePicker />
    </main>
  );
}
