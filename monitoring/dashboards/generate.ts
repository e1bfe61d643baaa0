/**
 * Writes monitoring/dashboards/*.json from the dashboards in src/ (`npm run dashboards`).
 * The JSON is committed so a review shows what changes on screen; a test fails when it
 * is out of date. The monitoring construct pushes these files to the VM.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildDashboards, dashboardJson } from './src';

for (const [file, dashboard] of Object.entries(buildDashboards())) {
  writeFileSync(path.join(__dirname, file), dashboardJson(dashboard));
  console.log(`monitoring/dashboards/${file}`);
}
