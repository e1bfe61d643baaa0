/**
 * Pinned versions of what lands on a BBB server: one commit of the official
 * installer and one BigBlueButton release, so a server installed next month runs
 * what the servers installed today run, and a new release reaches the pool only by a
 * change here (docs/bbb-pool.md#the-installer-and-the-release).
 */
import type { EnvironmentConfig } from '../../config';
import { SCALELITE_VERSION } from '../scalelite/versions';

export interface BbbRelease {
  /** Commit of github.com/bigbluebutton/bbb-install whose bbb-install.sh installs this release. */
  readonly installCommit: string;
  /**
   * The installer's `-v` argument: the package repository of exactly one release.
   * BigBlueButton's release notes: "If for some reason you would like to install this
   * specific release, pass `-v jammy-300-3.0.NN`"; `-v jammy-300` follows every 3.0 release.
   */
  readonly installVersion: string;
  /**
   * The Debian version of the `bigbluebutton` package this release installs, as its
   * repository lists it (`apt-cache policy bigbluebutton` on a server of the release). When
   * named, the nightly maintenance cycle installs exactly it on every server and checks for
   * it (`--bbb-version`); unnamed, the cycle leaves BigBlueButton at what the installer put
   * there. BigBlueButton's package versions are build numbers of its CI, not derived from the
   * release's name (bigbluebutton/bigbluebutton issue 11554), so it is named only once read
   * from the release's repository.
   */
  readonly packageVersion?: string;
}

export const BBB_RELEASES: Readonly<Record<EnvironmentConfig['bbb']['version'], BbbRelease>> = {
  // The head of bbb-install's v3.0.x-release branch on 2024-02-23; its check_version accepts jammy-300-3.0.NN.
  '3.0': { installCommit: '26ce2d16c2a82ef962d685525b0c20bb89d4d151', installVersion: 'jammy-300-3.0.14' },
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
