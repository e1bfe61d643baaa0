/**
 * The BBB stack inside the whole platform (`buildPlatform`, as `npm run synth` builds
 * it): Scalelite's API and secret and the recordings share arrive from the other
 * stacks as cross-stack references, never as values.
 */
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { decodeUserData, standInValues, userDataOf } from '../../testing/user-data';

const { stacks, platform } = synthEnvironment(exampleConfig());
const bbb = stacks['example-bbb'];

describe('example-bbb in the platform', () => {
  it('is one of the environment\u2019s stacks', () => {
    expect(Object.keys(stacks)).toContain('example-bbb');
  });

  it('registers servers with the Scalelite tier\u2019s API and secret', () => {
    const { scalelite } = platform.bbb.pool.inventory;
    expect(scalelite.apiUrl).toBe(platform.frontend.scalelite.apiUrl);
    expect(scalelite.secret).toBe(platform.frontend.scalelite.secret);
  });

  it('mounts the share Scalelite imports recordings from', () => {
    const server = Object.values(bbb.resource.ionoscloud_server as Record<string, any>).find((body) => body.name === 'example-bbb-01');
    const decoded = decodeUserData(userDataOf(server), standInValues);
    expect(decoded).toMatch(/RECORDINGS_NFS_SOURCE=10\.20\.3\.30:\/ionos-nfs\/scalelite\n/);
  });

  it('keeps generated secrets out of the synthesized JSON', () => {
    const text = JSON.stringify(bbb);
    expect(text).not.toMatch(/API_SECRET=[A-Za-z0-9]{40}/);
    expect(text).not.toMatch(/static-auth-secret=[A-Za-z0-9]{48}/);
  });
});
