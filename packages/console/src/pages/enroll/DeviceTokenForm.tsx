import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { Time } from '../../components/Time';
import { createDeviceToken, type DeviceEnrollmentToken } from './enroll-api';

/**
 * A device enrollment token: the mobile app enrolls with it on the device port. Tokens are per
 * platform and shown once.
 */
export function DeviceTokenForm() {
  const [group, setGroup] = useState('');
  const [platform, setPlatform] = useState<'ios' | 'android'>('ios');
  const [created, setCreated] = useState<DeviceEnrollmentToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setCreated(await createDeviceToken(group.trim().toLowerCase(), platform));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="device-token-title">
      <h2 id="device-token-title">Mobile device enrollment token</h2>
      <div className="toolbar">
        <label>
          Device group
          <input
            value={group}
            onChange={(e) => setGroup(e.target.value)}
            required
            maxLength={200}
            placeholder="phones.acme"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        <label>
          Platform
          <select
            aria-label="Platform"
            value={platform}
            onChange={(e) => setPlatform(e.target.value as 'ios' | 'android')}
          >
            <option value="ios">iOS</option>
            <option value="android">Android</option>
          </select>
        </label>
        <button type="submit">Create device token</button>
      </div>
      <ErrorNote error={error} />
      {created ? (
        <div className="notice" role="status">
          <p>
            Device token for {created.group} ({created.platform === 'ios' ? 'iOS' : 'Android'}), shown only
            now; it expires <Time iso={created.expiresAt} empty="never" />:
          </p>
          <label className="enr-command-label">
            Device enrollment token
            <input
              readOnly
              value={created.token}
              onFocus={(e) => e.currentTarget.select()}
              className="enr-command-line"
            />
          </label>
        </div>
      ) : null}
    </form>
  );
}
