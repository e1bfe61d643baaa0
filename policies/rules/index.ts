import type { PolicyRule } from '../rule';
import { bbbDedicatedCores } from './bbb-dedicated-cores';
import { bbbProductionSize } from './bbb-production-size';
import { dataServicesPrivate } from './data-services-private';
import { imagesPinned } from './images-pinned';
import { nicFirewallActive } from './nic-firewall-active';
import { noInternalPortsPublic } from './no-internal-ports-public';
import { noLiteralSecrets } from './no-literal-secrets';
import { sshPasswordLoginDisabled } from './ssh-password-login-disabled';
import { stateBucketPrivate } from './state-bucket-private';
import { tlsListeners } from './tls-listeners';

/** Every rule applied at synth, in the order their messages appear. */
export const POLICY_RULES: readonly PolicyRule[] = [
  noInternalPortsPublic,
  nicFirewallActive,
  noLiteralSecrets,
  dataServicesPrivate,
  tlsListeners,
  stateBucketPrivate,
  sshPasswordLoginDisabled,
  imagesPinned,
  bbbDedicatedCores,
  bbbProductionSize,
];
