import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Settings, SettingsView } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';

type Toggle = { [K in keyof Settings]: Settings[K] extends boolean ? K : never }[keyof Settings];
type Count = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];

const toggles: [Toggle, string][] = [
  ['fairness', 'Fair turns between guests'],
  ['no_artist_twice', 'No artist twice in a row'],
  ['allow_downvotes', 'Allow down-votes'],
  ['hide_explicit', 'Keep it clean (no explicit tracks)'],
  ['open', 'Open to new guests'],
  ['guests_must_be_here', 'Guests must be here (scan the TV’s code)'],
  ['normalize_loudness', 'Even loudness (every song at one level)'],
];
const counts: [Count, string, number, number][] = [
  ['max_queued_per_guest', 'Songs a guest may queue', 1, 50],
  ['skip_threshold_percent', 'Share needed to skip (%)', 1, 100],
  ['readd_cooldown_minutes', 'Minutes before a song may return', 0, 1440],
  ['new_guest_vote_delay_seconds', 'Seconds before a new guest’s votes count', 0, 600],
  ['voters_per_network', 'Voices one network address counts', 1, 50],
  ['crossfade_seconds', 'Crossfade between songs (seconds, 0 for none)', 0, 12],
  ['quiet_volume_percent', 'Volume in quiet hours (%)', 0, 100],
];

/** The host's settings; each change saves at once. */
export function SettingsPanel({ code }: { code: string }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [pin, setPin] = useState('');
  const [quiet, setQuiet] = useState({ from: '', until: '' });
  useEffect(() => {
    api
      .settings(code)
      .then((s) => {
        setSettings(s);
        setPin(s.join_pin ?? '');
        setQuiet({ from: s.quiet_from ?? '', until: s.quiet_until ?? '' });
      })
      .catch(() => undefined);
  }, [code]);

  const save = async (patch: Partial<Settings>) => {
    try {
      const saved = await api.updateSettings(code, patch);
      setSettings(saved);
      setPin(saved.join_pin ?? '');
      setQuiet({ from: saved.quiet_from ?? '', until: saved.quiet_until ?? '' });
      toastStore.show('Settings saved.');
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
  };

  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Party rules</h2>
      {settings && (
        <div className="settings-form">
          {toggles.map(([key, label]) => (
            <label key={key} className="setting">
              <span>{label}</span>
              <input type="checkbox" checked={settings[key]} onChange={(event) => void save({ [key]: event.target.checked })} />
            </label>
          ))}
          {counts.map(([key, label, min, max]) => (
            <label key={key} className="setting">
              <span>{label}</span>
              <input
                className="input input-small"
                type="number"
                min={min}
                max={max}
                defaultValue={settings[key]}
                onBlur={(event) => {
                  const value = Number(event.target.value);
                  if (value !== settings[key]) void save({ [key]: value });
                }}
              />
            </label>
          ))}
          <form
            className="setting"
            onSubmit={(event) => {
              event.preventDefault();
              void save({ quiet_from: quiet.from || null, quiet_until: quiet.until || null });
            }}
          >
            <span id="quiet-label">Quiet hours (for the neighbours: the volume cap above)</span>
            <span className="row" role="group" aria-labelledby="quiet-label">
              <input
                className="input input-small"
                type="time"
                aria-label="Quiet from"
                value={quiet.from}
                onChange={(event) => setQuiet((q) => ({ ...q, from: event.target.value }))}
              />
              <input
                className="input input-small"
                type="time"
                aria-label="Quiet until"
                value={quiet.until}
                onChange={(event) => setQuiet((q) => ({ ...q, until: event.target.value }))}
              />
              <button type="submit" className="button button-quiet button-small">
                Set
              </button>
            </span>
          </form>
          <form
            className="setting"
            onSubmit={(event) => {
              event.preventDefault();
              void save({ join_pin: pin.trim() || null });
            }}
          >
            <label htmlFor="join-pin">Join PIN (4–8 digits, empty for none)</label>
            <span className="row">
              <input
                id="join-pin"
                className="input input-small"
                inputMode="numeric"
                maxLength={8}
                value={pin}
                onChange={(event) => setPin(event.target.value)}
              />
              <button type="submit" className="button button-quiet button-small">
                Set
              </button>
            </span>
          </form>
        </div>
      )}
    </section>
  );
}
