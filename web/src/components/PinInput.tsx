/** A party's PIN: digits, up to 8, never remembered by the browser. */
export function PinInput({
  id,
  value,
  onChange,
  small = false,
}: {
  id: string;
  value: string;
  onChange: (pin: string) => void;
  small?: boolean;
}) {
  return (
    <input
      id={id}
      className={small ? 'input input-small' : 'input'}
      inputMode="numeric"
      autoComplete="off"
      maxLength={8}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
