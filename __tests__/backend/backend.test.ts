import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, DataResource, S3Backend, TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { configureBackend, stateKey } from '../../stacks/backend';
import { describeWithTool } from '../support/tools';

const state = {
  backend: 's3' as const,
  bucket: 'bbb-example-tfstate',
  region: 'eu-central-3' as const,
  endpoint: 'https://s3.eu-central-3.ionoscloud.com',
};

function synthBackend(config: Parameters<typeof configureBackend>[1], stackName: string) {
  const stack = new TerraformStack(Testing.app(), stackName);
  configureBackend(stack, config);
  return JSON.parse(Testing.synth(stack)).terraform.backend;
}

describe('configureBackend with state configured', () => {
  const backend = synthBackend({ name: 'example', state }, 'example-network');

  it('uses the S3 backend only', () => {
    expect(Object.keys(backend)).toEqual(['s3']);
  });

  it('stores each stack at <env>/<part>.tfstate in the configured bucket', () => {
    expect(backend.s3).toMatchObject({ bucket: 'bbb-example-tfstate', key: 'example/network.tfstate', region: 'eu-central-3' });
  });

  it('talks to IONOS Object Storage with path-style URLs', () => {
    expect(backend.s3.endpoints).toEqual({ s3: 'https://s3.eu-central-3.ionoscloud.com' });
    expect(backend.s3.use_path_style).toBe(true);
    expect(backend.s3).not.toHaveProperty('endpoint');
  });

  it('skips every AWS-only check IONOS cannot answer', () => {
    expect(backend.s3).toMatchObject({
      skip_credentials_validation: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_s3_checksum: true,
    });
  });

  it('encrypts the state and locks it with a lock file', () => {
    expect(backend.s3.encrypt).toBe(true);
    expect(backend.s3.use_lockfile).toBe(true);
    expect(backend.s3).not.toHaveProperty('dynamodb_table');
  });

  it('carries no credentials: they come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', () => {
    for (const key of ['access_key', 'secret_key', 'token', 'profile', 'shared_credentials_files']) {
      expect(backend.s3).not.toHaveProperty(key);
    }
  });

  it('gives every stack of the environment its own key', () => {
    const keys = ['example-network', 'example-frontend', 'example-bbb', 'example-monitoring'].map(
      (name) => synthBackend({ name: 'example', state }, name).s3.key,
    );
    expect(keys).toEqual(['example/network.tfstate', 'example/frontend.tfstate', 'example/bbb.tfstate', 'example/monitoring.tfstate']);
  });
});

describe('configureBackend without state', () => {
  it('keeps a local state file per stack in terraform-state/ beside cdktf.out/', () => {
    const backend = synthBackend({ name: 'example', state: undefined }, 'example-bbb');
    expect(backend).toEqual({ local: { path: '../../../terraform-state/example-bbb.tfstate' } });
  });
});

describeWithTool('terraform', 'local state with the installed Terraform', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'local-state-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  /** Runs Terraform in a stack's directory the way cdktf does. */
  function terraform(stack: string, args: string[]) {
    const result = spawnSync('terraform', [...args, '-no-color'], {
      cwd: path.join(project, 'cdktf.out', 'stacks', stack),
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout;
  }

  it('lets a stack read what the stack before it wrote, and outlives cdktf.out/', () => {
    const app = new App({ outdir: path.join(project, 'cdktf.out') });
    const producer = new TerraformStack(app, 'example-network');
    const consumer = new TerraformStack(app, 'example-frontend');
    configureBackend(producer, { name: 'example', state: undefined });
    configureBackend(consumer, { name: 'example', state: undefined });
    // terraform_data is built into Terraform: nothing to download.
    const lan = new DataResource(producer, 'Lan', { input: { id: 'lan-id' } });
    new TerraformOutput(consumer, 'lan', { value: lan.output });
    app.synth();
    for (const stack of ['example-network', 'example-frontend']) {
      terraform(stack, ['init', '-input=false']);
      terraform(stack, ['apply', '-input=false', '-auto-approve']);
    }
    expect(JSON.parse(terraform('example-frontend', ['output', '-json', 'lan']))).toEqual({ id: 'lan-id' });
    // cdktf deletes the directories of stacks a synth did not write, and with them anything inside.
    expect(readdirSync(path.join(project, 'terraform-state')).sort()).toEqual(['example-frontend.tfstate', 'example-network.tfstate']);
  });
});

describe('cross-stack references', () => {
  it("read the producing stack's state object through the same endpoint", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'backend-'));
    try {
      const app = new App({ outdir });
      const producer = new TerraformStack(app, 'example-network');
      const consumer = new TerraformStack(app, 'example-bbb');
      configureBackend(producer, { name: 'example', state });
      configureBackend(consumer, { name: 'example', state });
      const lanId = new TerraformLocal(producer, 'lan', 'lan-id');
      new TerraformOutput(consumer, 'lan', { value: lanId.asString });
      app.synth();
      const consumerJson = JSON.parse(Testing.synth(consumer));
      const remote = Object.values(consumerJson.data.terraform_remote_state)[0] as { config: Record<string, unknown> };
      expect(remote.config).toMatchObject({ bucket: state.bucket, key: 'example/network.tfstate', endpoints: { s3: state.endpoint } });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('stateKey', () => {
  it('keeps a stack name that lacks the environment prefix', () => {
    expect(stateKey('example', 'shared')).toBe('example/shared.tfstate');
  });
});

describeWithTool('terraform', 'the synthesized backend block with the installed Terraform', () => {
  // Port 9 (discard) on loopback is closed: init gets past argument validation and
  // stops at the first request, without leaving the machine.
  const closedEndpoint = { ...state, endpoint: 'http://127.0.0.1:9' };

  function init(adjust?: (stack: TerraformStack) => void): string {
    const outdir = mkdtempSync(path.join(tmpdir(), 'backend-init-'));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'example-network');
      configureBackend(stack, { name: 'example', state: closedEndpoint });
      adjust?.(stack);
      app.synth();
      const result = spawnSync('terraform', ['init', '-input=false', '-no-color'], {
        cwd: path.join(outdir, 'stacks', 'example-network'),
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test-access-key',
          AWS_SECRET_ACCESS_KEY: 'test-secret-key',
          TF_CLI_CONFIG_FILE: '/dev/null',
          TF_IN_AUTOMATION: '1',
        },
      });
      return `${result.stdout}${result.stderr}`;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  it('accepts every argument, use_lockfile included, and goes on to contact the endpoint', () => {
    // Fewer retries against the closed port keep the test fast; the argument is standard.
    const output = init((stack) => (stack.node.findChild('backend') as S3Backend).addOverride('max_retries', 1));
    expect(output).not.toMatch(/Extraneous JSON object property|Unsupported argument|Invalid/);
    expect(output).toMatch(/127\.0\.0\.1:9/);
  });

  it('would reject an argument this Terraform does not know (the check can fail)', () => {
    const output = init((stack) => (stack.node.findChild('backend') as S3Backend).addOverride('use_lockfiles', true));
    expect(output).toMatch(/No argument or block type is named "use_lockfiles"/);
  });
});
