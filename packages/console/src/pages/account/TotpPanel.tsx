import QRCode from 'qrcode';
import { type FormEvent, useState } from 'react';
import { api, ok } from '../../api/client';
import { useSession } from '../../app/session';
import { ErrorNote } from '../../components/ErrorNote';
import { CopyField } from '../admin/CopyField';

/** A secret being enrolled: nothing is stored on the server until a code from it is confirmed. */
interface Enrollment {
  secret: string;
  uri: string;
  /** The otpauth URI as a QR code image (a data: URL, which the console's CSP allows for images). */
  qr: string;
}

/**
 * Two-step sign-in (TOTP): a new secret as a QR code and as text, confirmed with a code from
 * the authenticator app. Enrolling again replaces the app; removing it is an administrator's
 * (or `muster user reset-2fa`).
 */
export function TotpPanel() {
  const session = useSession();
  const enrolled = session.me.user.totpEnrolled;
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const begin = async () => {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const { secret, uri } = await ok(api.POST('/api/v1/me/totp'));
      const qr = await QRCode.toDataURL(uri, { margin: 2, width: 220, errorCorrectionLevel: 'M' });
      setEnrollment({ secret, uri, qr });
      setCode('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!enrollment) return;
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/me/totp/confirm', { body: { secret: enrollment.secret, code } }));
      setEnrollment(null);
      setDone(true);
      await session.refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="totp-title">
      <h2 id="totp-title">Two-step sign-in</h2>
      {done ? (
        <p className="notice" role="status">
          Two-step sign-in is on. From now on, signing in asks for a code from your authenticator app.
        </p>
      ) : null}
      {!done && enrolled ? <p>On: signing in asks for a code from your authenticator app.</p> : null}
      {!enrolled ? (
        <p>
          Off: your password alone signs you in. With an authenticator app (any TOTP app), signing in also
          asks for the six-digit code it shows.
        </p>
      ) : null}
      {!enrolled && session.me.grants.length > 0 && session.me.permissions.length === 0 ? (
        <p className="notice">
          Your roles grant you nothing yet: a role may require two-step sign-in. Set it up here.
        </p>
      ) : null}
      {enrollment ? (
        <form onSubmit={confirm} className="totp-enroll" aria-label="Confirm the authenticator app">
          <ol>
            <li>
              Scan this code with the app:
              <img className="qr" src={enrollment.qr} alt="QR code to add Muster to an authenticator app" />
              or type in this secret key: <CopyField label="Secret key" value={enrollment.secret} />
              <details>
                <summary>Show the setup address</summary>
                <CopyField label="Setup address" value={enrollment.uri} />
              </details>
            </li>
            <li>
              <label>
                Code from the app
                <input
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="[0-9]{6}"
                  required
                  value={code}
                  onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
                />
              </label>
            </li>
          </ol>
          <ErrorNote error={error} />
          <div className="toolbar">
            <button type="submit" disabled={busy}>
              Turn on two-step sign-in
            </button>
            <button type="button" className="secondary" onClick={() => setEnrollment(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <ErrorNote error={error} />
          <button type="button" onClick={() => void begin()} disabled={busy}>
            {enrolled ? 'Move to another authenticator app' : 'Set up an authenticator app'}
          </button>
        </>
      )}
    </section>
  );
}
