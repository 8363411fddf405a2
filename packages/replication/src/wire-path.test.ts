import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isReplicationError } from './replication-error';
import { resolveInside, validateWirePath } from './wire-path';

test('ordinary relative paths are accepted', () => {
  for (const path of [
    'm-1/image.tib',
    'a',
    'm/b c/d.e-f_g',
    'Ünïcødé/файл.bin',
    'm/.hidden',
    'm/.muster-partial',
  ])
    assert.equal(validateWirePath(path).ok, true, path);
});

test('paths that leave the folder or that a file system cannot hold are refused', () => {
  const refused = [
    '',
    '../x',
    'a/../../b',
    'a/./b',
    '/etc/passwd',
    'a\\b',
    '..\\x',
    'C:/x',
    'c:x',
    'a\0b',
    'CON',
    'm/nul.txt',
    'm/com1',
    'm/LPT9.log',
    'm/aux ',
    'a//b',
    'a/',
    `m/${'x'.repeat(256)}`,
    `m/${'é'.repeat(128)}`,
    'm/trailing.',
    'm/trailing ',
    'm/a:b',
    'm/a|b',
    'm/a\u0001b',
    '.muster-partial/x',
    '.MUSTER-manifest/x',
    'x'.repeat(5000),
  ];
  for (const path of refused)
    assert.equal(validateWirePath(path).ok, false, JSON.stringify(path.slice(0, 40)));
  assert.equal(validateWirePath(42).ok, false);
});

test('resolveInside refuses symbolic links anywhere in the existing path', async () => {
  const base = await mkdtemp(join(tmpdir(), 'muster-wp-'));
  try {
    await mkdir(join(base, 'guid/m-1'), { recursive: true });
    await mkdir(join(base, 'outside'));
    await symlink(join(base, 'outside'), join(base, 'guid/evil'));
    await symlink(join(base, 'outside/f'), join(base, 'guid/m-1/link'));
    await writeFile(join(base, 'guid/m-1/file'), 'x');
    const guid = join(base, 'guid');
    assert.equal(await resolveInside(guid, ['m-1', 'new', 'deep']), join(guid, 'm-1/new/deep'));
    assert.equal(await resolveInside(guid, ['m-1', 'file']), join(guid, 'm-1/file'));
    for (const parts of [
      ['evil', 'x'],
      ['m-1', 'link'],
      ['m-1', 'file', 'below'],
    ])
      await assert.rejects(resolveInside(guid, parts), (e) => isReplicationError(e, 'path-refused'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
