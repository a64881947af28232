import { useId, useState, type FormEvent } from 'react';
import { t } from '../i18n';

interface Props {
  /** Set when the box already knows this guest. */
  knownName: string | null;
  submitLabel: string;
  busy: boolean;
  onSubmit: (name: string) => void;
}

/** Pick a name (or keep a generated one), then one tap. */
export function NameForm({ knownName, submitLabel, busy, onSubmit }: Props) {
  const [name, setName] = useState('');
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(name);
  };
  return (
    <form className="stack" onSubmit={submit}>
      {knownName ? (
        <p className="known-name">{t('name.youAre', { name: knownName })}</p>
      ) : (
        <>
          <label htmlFor={id}>{t('name.label')}</label>
          <input
            id={id}
            className="input"
            maxLength={64}
            autoComplete="nickname"
            placeholder={t('name.placeholder')}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </>
      )}
      <button type="submit" className="button" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
