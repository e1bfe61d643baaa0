import { evaluateTemplate } from '../../policies/inspect/hcl-template';
import { decodeBase64Text } from '../../policies/inspect/text';
import { isInternetCidr } from '../../policies/text/cidr';
import { passwordLogin } from '../../policies/text/cloud-config';
import { imageReferences, unpinnedReason } from '../../policies/text/images';
import { isSecretKey, literalSecretsInText } from '../../policies/text/secrets';

describe('secret heuristics', () => {
  it.each([
    ['LOADBALANCER_SECRET=abc123', 'LOADBALANCER_SECRET is set to a literal'],
    ['  password: "hunter22"', 'password is set to a literal'],
    ['export API_KEY=0123abcd', 'API_KEY is set to a literal'],
    ['redis://default:hunter22@redis:6379/0', 'a password inside a URL'],
    ['redis://:hunter22@redis:6379/0', 'a password inside a URL'],
    ['SMTP_PASS=hunter22', 'SMTP_PASS is set to a literal'],
    ['  auth_pass: hunter22', 'auth_pass is set to a literal'],
    ['-----BEGIN RSA PRIVATE KEY-----', 'a PEM private key'],
  ])('flags %s', (line, finding) => {
    expect(literalSecretsInText(line)).toEqual([`line 1: ${finding}`]);
  });

  it.each([
    'LOADBALANCER_SECRET=${tf:random_password.lb.result}',
    'SECRET_KEY_BASE=${SECRET_KEY_BASE}',
    'password: {{ grafana_password }}',
    'POSTGRES_PASSWORD_FILE=/run/secrets/db',
    'token_ttl: 3600',
    'lock_passwd: true',
    'sudo: ALL=(ALL) NOPASSWD:ALL',
    'PasswordAuthentication no',
    'echo "$TOKEN" | docker login --password-stdin',
    'SECRET=$(openssl rand -hex 32)',
    'redis://default:${tf:random_password.redis.result}@redis:6379/0',
    'redis://:${tf:random_password.redis.result}@redis:6379/0',
    'passive_ports=30000-30100',
    'bypass: proxy.internal',
    'compass=north',
    'https://example.org:443/path@v2',
  ])('does not flag %s', (line) => {
    expect(literalSecretsInText(line)).toEqual([]);
  });

  it('tells credential keys from keys that describe one', () => {
    expect(['password', 'image_password', 'plain_text_password', 'token', 'secret_key', 'bbbSecret'].every(isSecretKey)).toBe(true);
    expect(['password_file', 'ssh_key_path', 'token_ttl', 'secret_name', 'ssh_pwauth', 'nopasswd'].some(isSecretKey)).toBe(false);
  });

  it('counts pass and pwd only as whole words of a key', () => {
    expect(['pass', 'SMTP_PASS', 'auth_pass', 'smtp-pass', 'dbPwd', 'SMTPPass', 'PWD', 'admin.pass'].every(isSecretKey)).toBe(true);
    expect(['passive', 'PASSIVE_PORTS', 'bypass', 'compass', 'passenger', 'OLDPWD', 'pass_file'].some(isSecretKey)).toBe(false);
  });
});

describe('image heuristics', () => {
  it('finds images in compose files and docker commands, skipping option values', () => {
    const text = [
      'services:',
      '  a:',
      '    image: nginx:1.27.0',
      '  - image: "redis:7"',
      'docker run -d --name x -p 80:80 -e A=b --rm my/app:2.0 serve',
      'docker container create -v /a:/b other/app',
      'docker pull grafana/grafana',
    ].join('\n');
    expect(imageReferences(text)).toEqual([
      { line: 3, image: 'nginx:1.27.0' },
      { line: 4, image: 'redis:7' },
      { line: 5, image: 'my/app:2.0' },
      { line: 6, image: 'other/app' },
      { line: 7, image: 'grafana/grafana' },
    ]);
  });

  it.each([
    ['nginx', 'has no tag (means latest)'],
    ['registry:5000/nginx', 'has no tag (means latest)'],
    ['nginx:latest', 'uses the latest tag'],
    ['nginx:${TAG}', 'takes its tag from a runtime variable without a pinned default'],
    ['nginx:${TAG:-latest}', 'defaults its tag to latest'],
    ['nginx:v$TAG', 'takes its tag from a runtime variable'],
  ])('%s %s', (image, reason) => {
    expect(unpinnedReason(image)).toBe(reason);
  });

  it.each(['nginx:1.27.0', 'registry:5000/nginx:1.2', 'nginx@sha256:0123', 'nginx:${TAG:-1.27.0}', 'nginx:${tf:var.version}'])(
    'accepts %s',
    (image) => {
      expect(unpinnedReason(image)).toBeUndefined();
    },
  );
});

describe('internet sources', () => {
  it.each([[''], ['0.0.0.0/0'], ['::/0'], ['0.0.0.0/1'], ['128.0.0.0/7']])('%s is the internet', (source) => {
    expect(isInternetCidr(source)).toBe(true);
  });

  it.each([['198.51.100.0/24'], ['203.0.113.7'], ['10.0.0.0/8'], ['2001:db8::/32']])('%s is not', (source) => {
    expect(isInternetCidr(source)).toBe(false);
  });
});

describe('cloud-config password login', () => {
  it.each([
    ['#cloud-config\nssh_pwauth: false\n', 'disabled'],
    ['#cloud-config\nssh_pwauth: "no"\n', 'disabled'],
    ['#cloud-config\nssh_pwauth: true\n', 'enabled'],
    ['#cloud-config\nssh_pwauth: unchanged\n', 'enabled'],
    ['#cloud-config\npackages: [curl]\n', 'unset'],
    ['#!/bin/bash\n', 'not-cloud-config'],
    ['#cloud-config\nssh_pwauth: [\n', 'invalid'],
  ])('%j is %s', (text, state) => {
    expect(passwordLogin(text)).toBe(state);
  });
});

describe('base64 user_data', () => {
  it('decodes readable text and leaves everything else alone', () => {
    expect(decodeBase64Text(Buffer.from('#cloud-config\nssh_pwauth: false\n').toString('base64'))).toBe('#cloud-config\nssh_pwauth: false\n');
    expect(decodeBase64Text('#cloud-config')).toBeUndefined();
    expect(decodeBase64Text(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]).toString('base64'))).toBeUndefined();
  });
});

describe('synthesized template evaluation', () => {
  it('evaluates literals, escapes, join() and base64encode(), keeping references as placeholders', () => {
    const source = '${base64encode(join("", ["#cloud-config\\nsecret: ", random_password.lb.result, "\\nshell: $${HOME} %%{x} \\"q\\" \\u00e9\\n"]))}';
    expect(evaluateTemplate(source)).toEqual({
      text: '#cloud-config\nsecret: ${tf:random_password.lb.result}\nshell: ${HOME} %{x} "q" é\n',
      base64Encoded: true,
      opaque: false,
    });
  });

  it('treats a template that is one computed expression as opaque', () => {
    expect(evaluateTemplate('${data.cloudinit_config.vm.rendered}')).toEqual({
      text: '${tf:data.cloudinit_config.vm.rendered}',
      base64Encoded: false,
      opaque: true,
    });
    expect(evaluateTemplate('${var.a == "x" ? "y" : "z"}')?.opaque).toBe(true);
  });

  it('keeps literal text around interpolations and rejects what it cannot read', () => {
    expect(evaluateTemplate('host=${ionoscloud_server.a.primary_ip}:443')?.text).toBe('host=${tf:ionoscloud_server.a.primary_ip}:443');
    expect(evaluateTemplate('%{ for x in var.list }x%{ endfor }')).toBeUndefined();
    expect(evaluateTemplate('${"unterminated')).toBeUndefined();
  });
});

describe('secret heuristics on comments and numbers in templates', () => {
  it('ignores comment lines that mention secrets', () => {
    expect(literalSecretsInText('# Holds the API and TURN secrets: root only\n// token: see vault')).toEqual([]);
  });

  it('evaluates function calls with number arguments', () => {
    expect(evaluateTemplate('${join("", ["ip=", element(ionoscloud_ipblock.a.ips, 0)])}')?.text).toBe('ip=${tf:element(ionoscloud_ipblock.a.ips, 0)}');
  });
});

describe('secret heuristics on compact JSON', () => {
  it('checks every key of a line, not only the first', () => {
    const inventory = JSON.stringify({ scalelite: { secret: '${tf:random_password.lb.result}' }, servers: [{ name: 'bbb-01', bbbSecret: 'literal-secret-1' }] });
    expect(literalSecretsInText(inventory)).toEqual(['line 1: bbbSecret is set to a literal']);
  });
});
