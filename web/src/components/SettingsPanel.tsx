import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GuestAdds, Settings, SettingsView } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { t } from '../i18n';
import { PinInput } from './PinInput';

type Toggle = { [K in keyof Settings]: Settings[K] extends boolean ? K : never }[keyof Settings];
type Count = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];

// Each setting's label is `settings.<its name>` in the catalogs.
const toggles: Toggle[] = [
  'fairness',
  'dj_rotation',
  'no_artist_twice',
  'allow_downvotes',
  'hide_explicit',
  'open',
  'guests_must_be_here',
  'normalize_loudness',
];
const counts: [Count, number, number][] = [
  ['max_queued_per_guest', 1, 50],
  ['skip_threshold_percent', 1, 100],
  ['readd_cooldown_minutes', 0, 1440],
  ['new_guest_vote_delay_seconds', 0, 600],
  ['voters_per_network', 1, 50],
  ['crossfade_seconds', 0, 12],
  ['quiet_volume_percent', 0, 100],
];

const guestAddsChoices: GuestAdds[] = ['anything', 'playlists', 'nothing'];

/** The host's settings; each change saves at once. */
export function SettingsPanel({ code }: { code: string }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [pin, setPin] = useState('');
  const [quiet, setQuiet] = useState({ from: '', until: '' });
  const [wifi, setWifi] = useState({ name: '', password: '' });
  useEffect(() => {
    api
      .settings(code)
      .then((s) => {
        setSettings(s);
        setPin(s.join_pin ?? '');
        setQuiet({ from: s.quiet_from ?? '', until: s.quiet_until ?? '' });
        setWifi({ name: s.wifi_name ?? '', password: s.wifi_password ?? '' });
      })
      .catch(() => undefined);
  }, [code]);

  const save = async (patch: Partial<Settings>) => {
    try {
      const saved = await api.updateSettings(code, patch);
      setSettings(saved);
      setPin(saved.join_pin ?? '');
      setQuiet({ from: saved.quiet_from ?? '', until: saved.quiet_until ?? '' });
      setWifi({ name: saved.wifi_name ?? '', password: saved.wifi_password ?? '' });
      toastStore.show(t('settings.saved'));
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
  };

  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('settings.heading')}</h2>
      {settings && (
        <div className="settings-form">
          <label className="setting">
            <span>{t('settings.guest_adds')}</span>
            <select
              className="input input-small"
              value={settings.guest_adds}
              onChange={(event) => void save({ guest_adds: event.target.value as GuestAdds })}
            >
              {guestAddsChoices.map((choice) => (
                <option key={choice} value={choice}>
                  {t(`settings.guestAdds.${choice}`)}
                </option>
              ))}
            </select>
          </label>
          {toggles.map((key) => (
            <label key={key} className="setting">
              <span>{t(`settings.${key}`)}</span>
              <input type="checkbox" checked={settings[key]} onChange={(event) => void save({ [key]: event.target.checked })} />
            </label>
          ))}
          {counts.map(([key, min, max]) => (
            <label key={key} className="setting">
              <span>{t(`settings.${key}`)}</span>
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
          <label className="setting">
            <span>{t('settings.max_guests')}</span>
            <input
              className="input input-small"
              type="number"
              min={2}
              max={1000}
              defaultValue={settings.max_guests ?? ''}
              onBlur={(event) => {
                const value = event.target.value.trim() === '' ? null : Number(event.target.value);
                if (value !== settings.max_guests) void save({ max_guests: value });
              }}
            />
          </label>
          <form
            className="setting"
            onSubmit={(event) => {
              event.preventDefault();
              void save({ quiet_from: quiet.from || null, quiet_until: quiet.until || null });
            }}
          >
            <span id="quiet-label">{t('settings.quiet')}</span>
            <span className="row" role="group" aria-labelledby="quiet-label">
              <input
                className="input input-small"
                type="time"
                aria-label={t('settings.quietFrom')}
                value={quiet.from}
                onChange={(event) => setQuiet((q) => ({ ...q, from: event.target.value }))}
              />
              <input
                className="input input-small"
                type="time"
                aria-label={t('settings.quietUntil')}
                value={quiet.until}
                onChange={(event) => setQuiet((q) => ({ ...q, until: event.target.value }))}
              />
              <button type="submit" className="button button-quiet button-small">
                {t('settings.set')}
              </button>
            </span>
          </form>
          <form
            className="setting"
            onSubmit={(event) => {
              event.preventDefault();
              const name = wifi.name.trim();
              void save({ wifi_name: name || null, wifi_password: name && wifi.password ? wifi.password : null });
            }}
          >
            <span id="wifi-label">{t('settings.wifi')}</span>
            <span className="row wifi-fields" role="group" aria-labelledby="wifi-label">
              <input
                className="input input-small"
                aria-label={t('settings.wifiName')}
                placeholder={t('settings.wifiName')}
                autoComplete="off"
                value={wifi.name}
                onChange={(event) => setWifi((w) => ({ ...w, name: event.target.value }))}
              />
              {/* Plain text: the host reads it back, and no browser offers
                  to save it as a login. */}
              <input
                className="input input-small"
                aria-label={t('settings.wifiPassword')}
                placeholder={t('settings.wifiPassword')}
                autoComplete="off"
                autoCapitalize="off"
                spellCheck={false}
                value={wifi.password}
                onChange={(event) => setWifi((w) => ({ ...w, password: event.target.value }))}
              />
              <button type="submit" className="button button-quiet button-small">
                {t('settings.set')}
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
            <label htmlFor="join-pin">{t('settings.pin')}</label>
            <span className="row">
              <PinInput id="join-pin" value={pin} onChange={setPin} small />
              <button type="submit" className="button button-quiet button-small">
                {t('settings.set')}
              </button>
            </span>
          </form>
        </div>
      )}
    </section>
  );
}
