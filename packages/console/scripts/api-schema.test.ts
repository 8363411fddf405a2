import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_SCHEMA_FILE, renderApiSchema } from './api-schema';

test('the console client is generated from the server as it is now (run `npm run generate-api -w @muster/console` when this fails)', async () => {
  const committed = readFileSync(API_SCHEMA_FILE, 'utf8');
  const fresh = await renderApiSchema();
  assert.ok(fresh.includes('"/api/v1/machines"'), 'the generated types describe the machines route');
  assert.equal(committed, fresh, 'src/api/schema.d.ts is stale');
});
