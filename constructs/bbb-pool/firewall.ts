/**
 * Inbound rules of a BBB server's public NIC, after BigBlueButton's firewall
 * documentation: HTTP(S) for the web client, API and Let's Encrypt, and the UDP range
 * FreeSWITCH and mediasoup use for WebRTC media. The IONOS firewall drops everything
 * else; exporters are scraped over the private NIC, which has no firewall.
 */
import type { EnvironmentConfig } from '../../config';
import type { InboundRule } from '../server';

/** WebRTC media ports of BigBlueButton (FreeSWITCH + mediasoup). */
export const BBB_MEDIA_PORTS: readonly [number, number] = [16384, 32768];
/** STUN/TURN of the TURN server BigBlueButton installs on itself when no external one is configured. */
export const BUILT_IN_TURN_PORT = 3478;
/** node_exporter and bigbluebutton-exporter: private LAN only, never on the public NIC. */
export const EXPORTER_PORTS = { node: 9100, bbb: 9688 } as const;

export function bbbInboundRules(config: Pick<EnvironmentConfig, 'adminCidrs' | 'turn'>): InboundRule[] {
  const rules: InboundRule[] = [
    { name: 'http', protocol: 'TCP', ports: 80 },
    { name: 'https', protocol: 'TCP', ports: 443 },
    { name: 'webrtc-media', protocol: 'UDP', ports: BBB_MEDIA_PORTS },
  ];
  if (config.turn.servers === 0) {
    rules.push(
      { name: 'turn-udp', protocol: 'UDP', ports: BUILT_IN_TURN_PORT },
      { name: 'turn-tcp', protocol: 'TCP', ports: BUILT_IN_TURN_PORT },
    );
  }
  return [...rules, ...sshRules(config.adminCidrs)];
}

/** SSH from each admin network, one rule per CIDR (an IONOS rule takes one source). */
export function sshRules(adminCidrs: readonly string[]): InboundRule[] {
  return adminCidrs.map((cidr, index) => ({ name: `ssh-admin-${index + 1}`, protocol: 'TCP', ports: 22, source: cidr }));
}
