import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { startTestApiServer } from '../../server/src/test-support/api-server';

/** The generated types of the API, which the console's client is typed by. */
export const API_SCHEMA_FILE = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

const HEADER =
  "// Generated from the Muster server's OpenAPI document by packages/console/scripts/generate-api.ts.\n" +
  '// Do not edit: run `npm run generate-api -w @muster/console` after changing a route.\n\n';

/**
 * The server's OpenAPI document, as it serves it, turned into TypeScript types. The document
 * comes from a real server (listening nowhere) so the types describe exactly what it answers.
 */
export async function renderApiSchema(): Promise<string> {
  const server = await startTestApiServer({}, { listen: false });
  try {
    const document = server.server.app.swagger() as unknown as OpenAPI3;
    const ast = await openapiTS(document, { alphabetize: true });
    return HEADER + astToString(ast);
  } finally {
    await server.close();
  }
}
