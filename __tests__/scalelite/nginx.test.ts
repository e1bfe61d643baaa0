/**
 * The nginx of a Scalelite node as its container sees it: the configuration the
 * Compose files mount, Scalelite's proxy template rendered the way the image's
 * nginx/start renders it (envsubst of SCALELITE_API_PORT and URL_HOST), under an
 * http block like the image's (Alpine: `include /etc/nginx/http.d/*.conf;`). The real
 * nginx checks it (`nginx -t`) and then serves it, with a backend that records what
 * nginx forwards. Docker's service names (scalelite-api, greenlight) resolve to this
 * machine, as Docker's DNS resolves them to the containers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { exampleConfig, synthEnvironment } from '../../testing/synth';
import { describeWithTool, run } from '../support/tools';

const { platform } = synthEnvironment(exampleConfig());
const files = Object.fromEntries(platform.frontend.scalelite.nodeFiles[0].map((file) => [file.path, file.content]));
const PROJECT = '/opt/scalelite';

/** Container path -> content of every file the Compose files mount into Scalelite's nginx. */
function mountedIntoNginx(): Record<string, string> {
  const mounted: Record<string, string> = {};
  for (const composeFile of ['docker-compose.yml', 'compose.greenlight.yml']) {
    const compose = yaml.load(files[`${PROJECT}/${composeFile}`]) as { services: Record<string, { volumes?: string[] }> };
    for (const volume of compose.services['scalelite-nginx'].volumes ?? []) {
      const [source, target] = volume.split(':');
      if (source.startsWith('./')) mounted[target] = files[`${PROJECT}/${source.slice(2)}`];
    }
  }
  return mounted;
}

/** What nginx/start does with http.d/scalelite-proxy.template: envsubst '$SCALELITE_API_PORT $URL_HOST'. */
function renderProxyTemplate(template: string, apiPort: number): string {
  return template.replace(/\$\{?(SCALELITE_API_PORT|URL_HOST)\}?/g, (_, name: string) => (name === 'SCALELITE_API_PORT' ? String(apiPort) : ''));
}

interface NginxTree {
  readonly root: string;
  readonly conf: string;
}

/** The container's /etc/nginx and /etc/bigbluebutton/nginx below `root`, for nginx to read as they are. */
function nginxTree(root: string, ports: { scalelite: number; greenlight: number; api: number; greenlightApp: number }): NginxTree {
  const mounted = mountedIntoNginx();
  const template = mounted['/etc/nginx/http.d/scalelite-proxy.template'];
  const inContainer: Record<string, string> = {
    ...mounted,
    '/etc/nginx/http.d/scalelite.conf': renderProxyTemplate(template, 3000),
    // Part of the image (recording playback locations); empty here, nothing of ours is in it.
    '/etc/nginx/http.d/scalelite.common': '',
  };
  delete inContainer['/etc/nginx/http.d/scalelite-proxy.template'];
  mkdirSync(path.join(root, 'etc/bigbluebutton/nginx'), { recursive: true });
  for (const [containerPath, content] of Object.entries(inContainer)) {
    const hostText = content
      .replaceAll('/etc/nginx/', `${root}/etc/nginx/`)
      .replaceAll('/etc/bigbluebutton/', `${root}/etc/bigbluebutton/`)
      .replaceAll('http://scalelite-api:3000', `http://127.0.0.1:${ports.api}`)
      .replaceAll('http://greenlight:3000', `http://127.0.0.1:${ports.greenlightApp}`)
      .replace(/listen \[::\]:\d+( default_server)?;\n/g, '')
      .replaceAll('listen 80 default_server;', `listen 127.0.0.1:${ports.scalelite} default_server;`)
      .replaceAll('listen 8080;', `listen 127.0.0.1:${ports.greenlight};`);
    const target = path.join(root, containerPath);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, hostText);
  }
  const temp = path.join(root, 'temp');
  mkdirSync(temp);
  const conf = path.join(root, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'master_process off;',
      `pid ${root}/nginx.pid;`,
      'error_log stderr;',
      'events {}',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${temp}/${kind};`),
      `    include ${root}/etc/nginx/http.d/*.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return { root, conf };
}

describeWithTool('nginx', "Scalelite's nginx on a node", () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nginx-'));
  const seen: IncomingHttpHeaders[] = [];
  let backends: Server[] = [];
  let nginx: ChildProcess | undefined;
  let ports: { scalelite: number; greenlight: number; api: number; greenlightApp: number };

  const listen = async (server: Server): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    backends.push(server);
    return (server.address() as AddressInfo).port;
  };
  const freePort = async (): Promise<number> => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return port;
  };
  const get = (port: number, requestPath: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: requestPath, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    const backend = () =>
      createServer((req, res) => {
        seen.push(req.headers);
        res.end('success');
      });
    ports = { api: await listen(backend()), greenlightApp: await listen(backend()), scalelite: await freePort(), greenlight: await freePort() };
    const tree = nginxTree(root, ports);
    nginx = spawn('nginx', ['-p', tree.root, '-c', tree.conf, '-e', 'stderr'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await get(ports.scalelite, '/health_check', { Host: 'scalelite.bbb.example.org' });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    seen.length = 0;
  });

  afterAll(async () => {
    nginx?.kill('SIGKILL');
    await Promise.all(backends.map((server) => new Promise((resolve) => server.close(resolve))));
    backends = [];
    rmSync(root, { recursive: true, force: true });
  });

  it('passes nginx -t as the container sees it', () => {
    const checkRoot = path.join(root, 'check');
    mkdirSync(checkRoot);
    const tree = nginxTree(checkRoot, ports);
    const result = run('nginx', ['-t', '-p', tree.root, '-c', tree.conf, '-e', 'stderr']);
    expect(result.stderr).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  it('tells Scalelite every request came over HTTPS, whatever the balancer forwards', async () => {
    await get(ports.scalelite, '/bigbluebutton/api/getRecordings?meetingID=a', { Host: 'scalelite.bbb.example.org' });
    await get(ports.scalelite, '/bigbluebutton/api/getRecordings?meetingID=b', { Host: 'scalelite.bbb.example.org', 'X-Forwarded-Proto': 'http' });
    expect(seen.map((headers) => [headers.host, headers['x-forwarded-proto'], headers['x-forwarded-port']])).toEqual([
      ['scalelite.bbb.example.org', 'https', '443'],
      ['scalelite.bbb.example.org', 'https', '443'],
    ]);
  });

  it("sends HSTS on Scalelite's own host and on Greenlight's", async () => {
    for (const port of [ports.scalelite, ports.greenlight]) {
      const response = await get(port, '/', { Host: 'scalelite.bbb.example.org' });
      expect(response.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    }
  });
});
