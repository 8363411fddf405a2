import { type ReactNode, useEffect, useRef } from 'react';
import { ErrorNote } from '../../components/ErrorNote';

/**
 * A modal question before an action that cannot be taken back. The browser's own <dialog> keeps
 * the focus inside and closes on Escape; the focus starts on Cancel, so Enter alone never
 * confirms by accident.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  error = null,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: unknown;
  onConfirm(): void;
  onCancel(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      cancel.current?.focus();
    } else if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      onCancel={(event) => {
        // Escape: the parent decides (it owns `open`), so the state never disagrees with the screen.
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open ? (
        <>
          <h2 id="confirm-dialog-title">{title}</h2>
          <div className="confirm-body">{children}</div>
          <ErrorNote error={error} />
          <div className="toolbar">
            <button type="button" className="secondary" ref={cancel} onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}
