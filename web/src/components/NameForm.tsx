import { useId, useState, type FormEvent } from 'react';

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
        <p>
          You’re <strong>{knownName}</strong>.
        </p>
      ) : (
        <>
          <label htmlFor={id}>Your name</label>
          <input
            id={id}
            className="input"
            maxLength={64}
            autoComplete="nickname"
            placeholder="Leave blank for a fun one"
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
