/**
 * Inbound rules of a TURN server's public NIC: STUN/TURN on 3478, TURN over TLS on
 * 443, the relay port range, HTTP for Let's Encrypt, SSH from admin networks only.
 */
import type { EnvironmentConfig } from '../../config';
import { sshRules } from '../bbb-pool/firewall';
import type { InboundRule } from '../server';

/**
 * coturn's relay ports (min-port/max-port), above BBB's own media range as in BBB's
 * guide. IONOS firewall rules end at port 65534 (the provider rejects 65535).
 */
export const TURN_RELAY_PORTS: readonly [number, number] = [32769, 65534];
export const TURN_PORT = 3478;
export const TURN_TLS_PORT = 443;

export function turnInboundRules(config: Pick<EnvironmentConfig, 'adminCidrs'>): InboundRule[] {
  return [
    { name: 'acme-http', protocol: 'TCP', ports: 80 },
    { name: 'turn-tls', protocol: 'TCP', ports: TURN_TLS_PORT },
    { name: 'turn-tcp', protocol: 'TCP', ports: TURN_PORT },
    { name: 'turn-udp', protocol: 'UDP', ports: TURN_PORT },
    { name: 'turn-relay', protocol: 'UDP', ports: TURN_RELAY_PORTS },
    ...sshRules(config.adminCidrs),
  ];
}
