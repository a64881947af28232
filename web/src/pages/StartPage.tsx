import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { LanguagePicker } from '../components/LanguagePicker';
import { NameForm } from '../components/NameForm';
import { t } from '../i18n';
import { humanMessage } from '../lib/errors';
import { ensureGuest } from '../lib/identity';
import { cleanCode, navigate } from '../lib/router';
import { storage } from '../lib/storage';
import { toastStore } from '../lib/toasts';

/** Host a party, or type a code to join one; back to your party in one tap. */
export function StartPage() {
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const codeId = useId();
  const lastRoom = storage.roomCode();
  const lastName = useRoomName(lastRoom);

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
    const clean = cleanCode(code);
    if (clean) navigate(`/r/${clean}`);
  };

  return (
    <main className="start">
      <h1 className="brand">{t('brand')}</h1>
      <p className="tagline">{t('start.tagline')}</p>
      {lastRoom && (
        <a
          className="button back-to-party"
          href={`/r/${lastRoom}`}
          onClick={(e) => {
            e.preventDefault();
            navigate(`/r/${lastRoom}`);
          }}
        >
          {lastName ? t('start.back', { name: lastName }) : t('start.backCode', { code: lastRoom })}
        </a>
      )}
      <section className="panel" aria-labelledby="join-heading">
        <h2 id="join-heading">{t('start.joinHeading')}</h2>
        <form className="row" onSubmit={join}>
          <label htmlFor={codeId} className="visually-hidden">
            {t('start.codeLabel')}
          </label>
          <input
            id={codeId}
            className="input code-input"
            placeholder={t('start.codePlaceholder')}
            autoCapitalize="characters"
            autoComplete="off"
            maxLength={24}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit" className="button">
            {t('start.join')}
          </button>
        </form>
      </section>
      <section className="panel" aria-labelledby="host-start-heading">
        <h2 id="host-start-heading">{t('start.hostHeading')}</h2>
        <NameForm knownName={null} submitLabel={t('start.hostSubmit')} busy={busy} onSubmit={host} />
      </section>
      <LanguagePicker />
    </main>
  );
}

/** The name of the party this phone was last in (if it still exists). */
function useRoomName(code: string | null): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (!code) return;
    api
      .roomInfo(code)
      .then((room) => setName(room.name))
      .catch(() => storage.setRoomCode(null));
  }, [code]);
  return name;
}
