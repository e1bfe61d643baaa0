import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProviderSchemaJson } from '../schema/schema';

/** A schema file below fake-cloud/providers/schemas, written in `terraform providers schema -json` form. */
export function bundledSchema(file: string): ProviderSchemaJson {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as ProviderSchemaJson;
}

/**
 * Where the schemas are: beside this module's folder in the sources, and copied beside
 * the bundled plugin (see fake-cloud/harness/plugin-bundle.ts).
 */
export const SCHEMAS_DIR = process.env.FAKE_CLOUD_SCHEMAS_DIR ?? path.join(__dirname, 'schemas');
