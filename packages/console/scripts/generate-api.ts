// Writes src/api/schema.d.ts from the server's OpenAPI document; api-schema.test.ts fails
// when the committed file differs from what this would write.
import { writeFileSync } from 'node:fs';
import { API_SCHEMA_FILE, renderApiSchema } from './api-schema';

writeFileSync(API_SCHEMA_FILE, await renderApiSchema());
console.log(`wrote ${API_SCHEMA_FILE}`);
