/**
 * Pinned versions of what lands on a BBB server. The installer is fetched from the
 * release branch that matches `bbb.version`, never from master, so a new major
 * BigBlueButton release cannot slip into an existing pool.
 */
import type { EnvironmentConfig } from '../../config';
import { SCALELITE_VERSION } from '../scalelite/versions';

export interface BbbRelease {
  /** Branch of github.com/bigbluebutton/bbb-install that carries bbb-install.sh for this release. */
  readonly installBranch: string;
  /** The installer's `-v` argument (Ubuntu codename + release). */
  readonly installVersion: string;
}

export const BBB_RELEASES: Readonly<Record<EnvironmentConfig['bbb']['version'], BbbRelease>> = {
  '3.0': { installBranch: 'v3.0.x-release', installVersion: 'jammy-300' },
};

/** Scalelite release whose bigbluebutton/scalelite_post_publish.rb the servers install: the one Scalelite runs. */
export const SCALELITE_RELEASE = SCALELITE_VERSION;

export function bbbRelease(version: string): BbbRelease {
  const release = (BBB_RELEASES as Record<string, BbbRelease | undefined>)[version];
  if (!release) {
    throw new Error(`bbb.version: no installer release is known for "${version}" (known: ${Object.keys(BBB_RELEASES).join(', ')})`);
  }
  return release;
}
