/**
 * A value to copy (a token shown once, a TOTP secret, the Server ID): a read-only field, so it
 * is selected whole with one click or Tab and copied exactly, and read by its label.
 */
export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <input
      className="copy-field"
      readOnly
      aria-label={label}
      value={value}
      size={Math.min(Math.max(value.length, 20), 72)}
      onFocus={(event) => event.target.select()}
    />
  );
}
