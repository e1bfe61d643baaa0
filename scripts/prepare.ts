/**
 * Brings what synth and the tests read from generated files up to date: the IONOS
 * provider bindings in `.gen/` and the autoscaler bundle in `dist/`.
 */
import { bundleAutoscaler } from './bundle-autoscaler';
import { runCommand } from './command';
import { ensureBindings } from './generate-bindings';

export async function prepareGenerated(): Promise<{ bundleWritten: boolean }> {
  await ensureBindings();
  return { bundleWritten: await bundleAutoscaler() };
}

if (require.main === module) runCommand('prepare', prepareGenerated);
