import { Testing } from 'cdktf';
import { ScaleliteConfigPush, ScaleliteLoadBalancer, Scalelite } from '../../constructs/scalelite';
import { ManagedCertificate } from '../../constructs/tls';
import { NetworkStack } from '../../stacks';
import { PlatformStack } from '../../stacks/platform-stack';
import { exampleConfig, exampleWith } from '../../testing/synth';

const config = exampleConfig();

function scope() {
  const app = Testing.app();
  const network = new NetworkStack(app, config);
  const stack = new PlatformStack(app, config, 'frontend');
  const certificate = new ManagedCertificate(stack, 'Certificate', { config, names: ['scalelite.bbb.example.org'], purpose: 'lb' });
  return { app, network, stack, certificate };
}

describe('errors a caller can trigger', () => {
  it('a load balancer without backends', () => {
    const { network, stack, certificate } = scope();
    expect(
      () => new ScaleliteLoadBalancer(stack, 'Lb', { environment: 'example', network: network.network, certificate, targetIps: ['10.20.1.1'], backends: [] }),
    ).toThrow('example-frontend/Lb: backends: at least one is required');
  });

  it('a load balancer without nodes', () => {
    const { network, stack, certificate } = scope();
    const backend = { purpose: 'scalelite', host: 'scalelite.bbb.example.org', port: 80, healthPath: '/health_check', healthMatch: { type: 'STATUS_CODE', response: '200' } } as const;
    expect(
      () => new ScaleliteLoadBalancer(stack, 'Lb', { environment: 'example', network: network.network, certificate, targetIps: [], backends: [backend] }),
    ).toThrow('example-frontend/Lb: targetIps: at least one node is required');
  });

  it('a push with a file list per node missing', () => {
    const { network, stack } = scope();
    const scalelite = new Scalelite(stack, 'Scalelite', { config, network: network.network, data: network.data });
    expect(() => new ScaleliteConfigPush(stack, 'Push', { nodes: scalelite.nodes, files: [scalelite.nodeFiles[0]], bastion: scalelite.nodes[0] })).toThrow(
      'example-frontend/Push: files: one list per node expected (2), got 1',
    );
  });

  it('Greenlight on, but data services built without it', () => {
    const { network, stack } = scope();
    const lean = new NetworkStack(Testing.app(), exampleWith({ scalelite: { greenlight: false } }));
    expect(() => new Scalelite(stack, 'Scalelite', { config, network: network.network, data: lean.data })).toThrow(
      'example-frontend/Scalelite: scalelite.greenlight is on but the data services have no Greenlight database',
    );
  });
});
