import { synthEnvironment } from '../../testing/synth';
import { exampleConfig } from './fixtures';
import { pushOf, pushedFiles } from './synth-monitoring';

const stack = synthEnvironment(exampleConfig()).stacks['example-monitoring'];

describe('monitoring stack', () => {
  it('gives operators the Grafana URL and the generated admin password, marked sensitive', () => {
    expect(stack.output.grafana_url.value).toBe('https://grafana.bbb.example.org/');
    expect(stack.output.grafana_admin_password).toMatchObject({ sensitive: true, value: expect.stringMatching(/random_password\./) });
  });

  it('delivers the BBB pool inventory from the BBB stack to the autoscaler', () => {
    const inventory = pushedFiles(pushOf(stack, 'Config'))['/etc/bbb-autoscaler/inventory.json'];
    // One state output of the BBB stack, not two lookups per server.
    expect(inventory).toMatch(/^\$\{join\("", \[data\.terraform_remote_state\.cross-stack-reference-input-example-bbb\.outputs\.cross-stack-output-local\w+Inventory\w*\]\)\}$/);
  });
});
