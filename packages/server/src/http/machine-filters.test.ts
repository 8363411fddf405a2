import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

const ids = (answer: { body: { items: Array<{ id: string }> } }) => answer.body.items.map((i) => i.id).sort();
const targets = (answer: { body: { items: Array<{ target: string }> } }) =>
  answer.body.items.map((i) => i.target).sort();

/** A filter means the same in machine lists, check-in control and commands (issue 8, items 6 and 15). */
describe('machine filters through the API', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc_1.web.acme', 'pcx1.web.acme']);
    await api.seedMachines('eu.web.acme', ['pc2.eu.web.acme']);
    await api.seedMachines('noweb.acme', ['y.noweb.acme']);
  });
  after(async () => {
    await api?.close();
  });

  it('"_" is a literal character on SQLite too', async () => {
    const answer = await api.call('GET', '/machines?filter=pc_1.web.acme');
    assert.equal(answer.status, 200);
    assert.deepEqual(ids(answer), ['pc_1.web.acme']);
    assert.deepEqual(ids(await api.call('GET', '/machines?filter=pc_*')), ['pc_1.web.acme']);
  });

  it('a bare group name means that group and its subgroups in machine lists', async () => {
    const web = ['pc2.eu.web.acme', 'pc_1.web.acme', 'pcx1.web.acme'];
    assert.deepEqual(ids(await api.call('GET', '/machines?filter=web.acme')), web);
    assert.deepEqual(ids(await api.call('GET', '/machines?filter=*.web.acme')), web);
    assert.deepEqual(ids(await api.call('GET', '/machines?filter=eu.web.acme')), ['pc2.eu.web.acme']);
  });

  it('... and in check-in control, and a filter matching nothing is an error that changes nothing', async () => {
    const set = await api.call('PUT', '/checkin-control', {
      filter: 'web.acme',
      settings: { periodSeconds: 77 },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.updated, 3);
    const other = await api.call('GET', '/machines/y.noweb.acme');
    assert.notEqual(
      other.body.checkinControl.periodSeconds,
      77,
      'a group ending in the same letters is not included',
    );

    const none = await api.call('PUT', '/checkin-control', {
      filter: 'nothing.acme',
      settings: { periodSeconds: 77 },
    });
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'invalid-input');
    assert.match(
      none.body.error.message,
      /the filter "nothing\.acme" matches no machine.*nothing was changed/,
    );
  });

  it('... and in commands, queued and listed', async () => {
    const queued = await api.call('POST', '/commands', {
      targets: { filter: 'web.acme' },
      type: 'shell',
      params: { script: 'true' },
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    assert.deepEqual(targets(queued), ['pc2.eu.web.acme', 'pc_1.web.acme', 'pcx1.web.acme']);
    const listed = await api.call('GET', '/commands?filter=web.acme&type=shell');
    assert.deepEqual(targets(listed), ['pc2.eu.web.acme', 'pc_1.web.acme', 'pcx1.web.acme']);
    const page = await api.call('GET', '/commands?filter=web.acme&type=shell&limit=2');
    assert.equal(page.body.items.length, 2);
    const rest = await api.call(
      'GET',
      `/commands?filter=web.acme&type=shell&limit=2&before=${page.body.next}`,
    );
    assert.deepEqual(
      [...targets(page), ...targets(rest)].sort(),
      targets(listed),
      'pages of a two-pattern filter add up',
    );

    const none = await api.call('POST', '/commands', {
      targets: { filter: 'nothing.acme' },
      type: 'shell',
      params: { script: 'true' },
    });
    assert.equal(none.status, 400);
    assert.match(
      none.body.error.message,
      /the filter "nothing\.acme" matches no machine.*nothing was queued/,
    );
  });
});

describe('check-in control requests that miss something', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
  });
  after(async () => {
    await api?.close();
  });

  it('say what is missing instead of a schema error about the other shape', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ filter: '*' }, /must have required property 'settings'/],
      [
        { filter: '*', settings: {} },
        /no setting to change: "settings" needs at least one of primary, secondary, periodSeconds/,
      ],
      [{ settings: { periodSeconds: 60 } }, /give exactly one of "machines" \(ids\) or "filter"/],
      [{ machines: ['pc1.web.acme'], filter: '*', settings: { periodSeconds: 60 } }, /give exactly one of/],
    ];
    for (const [body, message] of cases) {
      const answer = await api.call('PUT', '/checkin-control', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.code, 'invalid-input');
      assert.match(answer.body.error.message, message);
      assert.doesNotMatch(answer.body.error.message, /anyOf/);
    }
    const machine = await api.call('GET', '/machines/pc1.web.acme');
    assert.equal(machine.body.checkinControl.periodSeconds, 30, 'nothing was changed');
  });
});

describe('lookups of what does not exist (issue 8, item 18)', () => {
  let api: TestApiServer;
  before(async () => {
    api = await startTestApiServer();
    await api.seedMachines('web.acme', ['pc1.web.acme']);
  });
  after(async () => {
    await api?.close();
  });

  it("GET /machines/{unknown}/commands is a 404, a known machine's list a 200", async () => {
    const unknown = await api.call('GET', '/machines/nope.web.acme/commands');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not-found');
    assert.match(unknown.body.error.message, /no machine "nope\.web\.acme"/);
    const known = await api.call('GET', '/machines/PC1.web.acme/commands');
    assert.equal(known.status, 200);
    assert.deepEqual(known.body.items, []);
  });

  it('GET /checkin-policy/{group} refuses what PUT refuses, with the same answer', async () => {
    const policy = { minSeconds: 10, maxSeconds: 60 };
    for (const group of ['not..a.group', 'acme', 'nowhere.acme']) {
      const put = await api.call('PUT', `/checkin-policy/${group}`, policy);
      const get = await api.call('GET', `/checkin-policy/${group}`);
      assert.ok(put.status === 400 || put.status === 404, `${group}: PUT ${put.status}`);
      assert.equal(get.status, put.status, group);
      assert.deepEqual(get.body, put.body, group);
    }
    const known = await api.call('GET', '/checkin-policy/Web.Acme');
    assert.equal(known.status, 200);
    assert.equal(known.body.group, 'web.acme');
    assert.equal(typeof known.body.minSeconds, 'number');
  });
});
