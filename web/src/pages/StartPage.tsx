import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { NameForm } from '../components/NameForm';
import { humanMessage } from '../lib/errors';
import { ensureGuest } from '../lib/identity';
import { navigate } from '../lib/router';
import { storage } from '../lib/storage';
import { toastStore } from '../lib/toasts';

/** Host a party, or type a code to join one. */
export function StartPage() {
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const codeId = useId();
  const lastRoom = storage.roomCode();

  const host = async (name: string) => {
    setBusy(true);
    try {
      await ensureGuest(name);
      const room = await api.createRoom('');
      storage.setRoomCode(room.code);
      navigate(`/r/${room.code}`);
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
      setBusy(false);
    }
  };

  const join = (e: FormEvent) => {
    e.preventDefault();
    const clean = code.trim().toUpperCase();
    if (clean) navigate(`/r/${clean}`);
  };

  return (
    <main className="start">
      <h1 className="brand">Democratic Tunes</h1>
      <p className="tagline">The crowd picks the music. Add songs, vote, dance.</p>
      {lastRoom && (
        <a
          className="button"
          href={`/r/${lastRoom}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/r/${lastRoom}`);
          }}
        >
          Back to party {lastRoom}
        </a>
      )}
      <section className="panel" aria-labelledby="join-heading">
        <h2 id="join-heading">Join a party</h2>
        <form className="row" onSubmit={join}>
          <label htmlFor={codeId} className="visually-hidden">
            Room code
          </label>
          <input
            id={codeId}
            className="input code-input"
            placeholder="Room code"
            autoCapitalize="characters"
            autoComplete="off"
            maxLength={16}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit" className="button">
            Join
          </button>
        </form>
      </section>
      <section className="panel" aria-labelledby="host-start-heading">
        <h2 id="host-start-heading">Host a party</h2>
        <NameForm knownName={null} submitLabel="Start a party" busy={busy} onSubmit={host} />
      </section>
    </main>
  );
}
