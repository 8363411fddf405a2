import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateOffsiteRoot } from './offsite-root';

test('Windows: local and UNC paths are accepted', () => {
  for (const path of [
    'C:\\backups',
    'D:\\offsite\\data',
    'c:/x',
    '\\\\nas\\share',
    '\\\\nas.example\\share\\muster\\off',
  ])
    assert.deepEqual(validateOffsiteRoot(path, 'win32', ['Z:']), { ok: true }, path);
});

test('Windows: mapped drives, relative, device and malformed paths are refused', () => {
  const mapped = validateOffsiteRoot('Z:\\backups', 'win32', ['Z:', 'Y']);
  assert.equal(mapped.ok, false);
  assert.match(mapped.ok ? '' : mapped.reason, /mapped network drive/);
  assert.equal(validateOffsiteRoot('y:\\b', 'win32', ['Z:', 'Y']).ok, false);
  for (const path of [
    'backups',
    'C:backups',
    '\\backups',
    '\\\\nas',
    '\\\\?\\C:\\x',
    '\\\\.\\pipe\\x',
    'C:\\a\\..\\b',
    'C:\\a<b',
    '',
  ])
    assert.equal(validateOffsiteRoot(path, 'win32').ok, false, path);
});

test('Linux: absolute paths only; UNC strings and drive letters are not paths there', () => {
  assert.deepEqual(validateOffsiteRoot('/srv/offsite', 'linux'), { ok: true });
  assert.deepEqual(validateOffsiteRoot('/mnt/nas share/offsite', 'linux'), { ok: true });
  for (const path of ['srv/offsite', '\\\\nas\\share', 'Z:\\backups', '/srv/../etc', '/a\0b', ' '])
    assert.equal(validateOffsiteRoot(path, 'linux').ok, false, path);
});
