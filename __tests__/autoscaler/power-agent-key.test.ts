/** The platform agent's key: read when the first request to a server's agent needs it, a missing one named with its path. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AGENT_KEY_PATH } from '../../functions/autoscaler/agent';
import { readAgentKey } from '../../functions/autoscaler/create-clients';
import { isServiceError } from '../../functions/autoscaler/errors';

describe('the platform agent key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'power-agent-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read from POWER_AGENT_KEY_PATH, else from the default path', () => {
    const file = path.join(dir, 'key');
    writeFileSync(file, 'key material', { mode: 0o600 });
    const before = process.env.POWER_AGENT_KEY_PATH;
    try {
      process.env.POWER_AGENT_KEY_PATH = file;
      expect(readAgentKey()).toBe('key material');
    } finally {
      if (before === undefined) delete process.env.POWER_AGENT_KEY_PATH;
      else process.env.POWER_AGENT_KEY_PATH = before;
    }
    expect(AGENT_KEY_PATH).toBe('/etc/bbb-autoscaler/power-agent.key');
  });

  it('fails the request that needs it with the path and the reason, as an ssh error the tick reports', () => {
    const missing = path.join(dir, 'missing.key');
    let error: unknown;
    try {
      readAgentKey(missing);
    } catch (caught) {
      error = caught;
    }
    expect(isServiceError(error)).toBe(true);
    expect((error as Error).message).toBe(`ssh ${missing}: cannot read the platform agent's key: ENOENT`);
  });
});
