/**
 * The VMs' SSH servers as Terraform's provisioners meet them. Terraform's ssh
 * communicator (hashicorp/terraform v1.11.4 internal/communicator/ssh) dials through an
 * HTTP proxy when a connection names one (`proxy_host`, `proxy_port`; CONNECT, see
 * http_proxy.go), and through the bastion's direct-tcpip channel when it names a
 * bastion. The harness routes every connection through this proxy, which serves each
 * target itself: nothing leaves the machine, and the stand-in knows which host Terraform
 * meant. Like a fresh IONOS VM it accepts only the keys the fake cloud gave that server
 * (its `ssh_keys`) and only on an address the server has; a bastion reaches only
 * servers on a LAN it shares. It records what arrives: files by scp (`scp -vt <dir>`,
 * communicator.go scpUploadFile), scripts run by remote-exec (uploaded, `chmod 0777`,
 * run), every command.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as SshServer, utils as sshUtils, type AuthContext, type Connection, type ServerChannel } from 'ssh2';
import type { CloudStore } from '../cloud/store';
import { isObject, type ObjectValue, type Value } from '../values/value';

export interface PushedFileRecord {
  readonly path: string;
  readonly content: Buffer;
  readonly mode: string;
}

export interface SshSessionRecord {
  /** The address Terraform connected to. */
  readonly host: string;
  /** The server the address belongs to, by name. */
  readonly server: string;
  readonly user: string;
  /** The bastion's address when the session came through one. */
  readonly via?: string;
  readonly uploads: PushedFileRecord[];
  /** Commands in the order they ran; a script's text for each script remote-exec ran. */
  readonly commands: string[];
  readonly scripts: string[];
}

interface Target {
  readonly host: string;
  readonly serverName: string;
  readonly authorizedKeys: readonly string[];
  readonly lans: readonly number[];
}

export class SshStandIn {
  readonly sessions: SshSessionRecord[] = [];
  /** Connections refused, with the reason, for the tests to see. */
  readonly refusals: string[] = [];
  private readonly proxy: HttpServer;
  private readonly hostKey = sshUtils.generateKeyPairSync('ed25519').private;
  private openSockets = new Set<Duplex>();

  private constructor(private readonly cloud: CloudStore) {
    this.proxy = createServer((_request, response) => {
      response.writeHead(405).end();
    });
    this.proxy.on('connect', (request, socket: Duplex, head: Buffer) => this.connect(String(request.url), socket, head));
  }

  static async start(cloud: CloudStore): Promise<SshStandIn> {
    const standIn = new SshStandIn(cloud);
    await new Promise<void>((resolve) => standIn.proxy.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get port(): number {
    const address = this.proxy.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async close(): Promise<void> {
    for (const socket of this.openSockets) socket.destroy();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
  }

  private connect(authority: string, socket: Duplex, head: Buffer): void {
    const host = authority.replace(/:\d+$/, '');
    const target = this.targetAt(host);
    if (!target || !authority.endsWith(':22')) {
      this.refusals.push(`${authority}: no server of the fake cloud listens there`);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
    // Terraform reads this answer through a buffer it then drops (http_proxy.go:
    // http.ReadResponse(bufio.NewReader(c), req)): a greeting that arrives with the
    // answer is lost, and the handshake fails ("overflow reading version string").
    // The server greets once the client has sent its own version, as it does first.
    const greet = (first: Buffer) => {
      socket.unshift(first);
      this.serve(socket, target);
    };
    this.openSockets.add(socket);
    if (head.length > 0) greet(head);
    else socket.once('data', greet);
  }

  private serve(socket: Duplex, target: Target, via?: Target): void {
    this.openSockets.add(socket);
    socket.once('close', () => this.openSockets.delete(socket));
    // A server object per connection, so each knows the host it stands in for.
    const server = new SshServer({ hostKeys: [this.hostKey] }, (client: Connection) => this.handleClient(client, target, via));
    server.injectSocket(socket as never);
  }

  private handleClient(client: Connection, target: Target, via?: Target): void {
    let user = '';
    client.on('authentication', (context: AuthContext) => {
      user = context.username;
      if (context.method !== 'publickey') return context.reject(['publickey']);
      const offered = sshUtils.parseKey(context.key.data);
      if (offered instanceof Error) return context.reject(['publickey']);
      const known = target.authorizedKeys.some((line) => {
        const authorized = sshUtils.parseKey(line.trim().split(/\s+/).slice(0, 2).join(' '));
        return !(authorized instanceof Error) && authorized.getPublicSSH().equals(offered.getPublicSSH());
      });
      if (!known) {
        this.refusals.push(`${target.host} (${target.serverName}): key not among the server's ssh_keys`);
        return context.reject(['publickey']);
      }
      if (!context.signature) return context.accept();
      return offered.verify(context.blob!, context.signature, context.hashAlgo) ? context.accept() : context.reject(['publickey']);
    });
    client.on('ready', () => {
      const record: SshSessionRecord = { host: target.host, server: target.serverName, user, via: via?.host, uploads: [], commands: [], scripts: [] };
      this.sessions.push(record);
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty) => acceptPty?.());
        session.on('exec', (acceptExec, _reject, info) => this.exec(acceptExec(), info.command.trim(), record));
      });
      client.on('tcpip', (accept, reject, info) => {
        const next = this.targetAt(info.destIP);
        const sharedLan = next && next.lans.some((lan) => target.lans.includes(lan));
        if (!next || info.destPort !== 22 || !sharedLan) {
          this.refusals.push(`${info.destIP}:${info.destPort} via ${target.host}: not reachable from the bastion`);
          return reject();
        }
        this.serve(accept(), next, target);
      });
    });
    client.on('error', () => undefined);
  }

  private exec(channel: ServerChannel, command: string, record: SshSessionRecord): void {
    record.commands.push(command);
    const words = shellWords(command);
    if (words[0] === 'scp' && words[1] === '-vt' && words.length === 3) return receiveFile(channel, words[2], record);
    const chmod = /^chmod 0777 (\S+)$/.exec(command);
    const script = record.uploads.find((upload) => upload.path === (chmod ? chmod[1] : command));
    if (!script) return finish(channel, 127, `sh: 1: ${command.split(' ')[0]}: not found\n`);
    if (!chmod) record.scripts.push(script.content.toString('utf8'));
    finish(channel, 0);
  }

  /** The server (and its LANs) that holds `host` on one of its NICs, from the cloud's records. */
  private targetAt(host: string): Target | undefined {
    const servers = this.cloud.list('ionoscloud_server');
    const nics: { serverId: string; nic: ObjectValue }[] = [];
    for (const [id, server] of servers) for (const nic of elements(server.nic).filter(isObject)) nics.push({ serverId: id, nic });
    for (const nic of this.cloud.list('ionoscloud_nic').values()) nics.push({ serverId: String(nic.server_id), nic });
    const holder = nics.find(({ nic }) => elements(nic.ips).some((ip) => ip === host));
    const server = holder && servers.get(holder.serverId);
    if (!holder || !server) return undefined;
    const lans = nics.filter(({ serverId }) => serverId === holder.serverId).map(({ nic }) => Number(nic.lan));
    const keys = [...elements(server.ssh_keys), ...elements(firstOf(server.volume)?.ssh_keys)].filter((key): key is string => typeof key === 'string');
    return { host, serverName: String(server.name), authorizedKeys: keys, lans };
  }
}

/** The sink side of scp for one file: `C<mode> <size> <name>`, the bytes, a NUL; each step acknowledged. */
function receiveFile(channel: ServerChannel, directory: string, record: SshSessionRecord): void {
  let pending: Buffer = Buffer.alloc(0);
  let header: { mode: string; size: number; name: string } | undefined;
  let body: Buffer[] = [];
  let received = 0;
  channel.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length > 0) {
      if (!header) {
        const end = pending.indexOf(0x0a);
        if (end < 0) return;
        const line = pending.subarray(0, end).toString('utf8');
        pending = pending.subarray(end + 1);
        const match = /^C(\d{4}) (\d+) (.+)$/.exec(line);
        if (!match) return finish(channel, 1, `scp: protocol error: ${line}\n`);
        header = { mode: match[1], size: Number(match[2]), name: match[3] };
        body = [];
        received = 0;
        channel.write(Buffer.from([0]));
        continue;
      }
      // The file's bytes, then the NUL that ends it.
      const wanted = header.size + 1 - received;
      const part = pending.subarray(0, wanted);
      body.push(part);
      received += part.length;
      pending = pending.subarray(part.length);
      if (received < header.size + 1) return;
      const content = Buffer.concat(body).subarray(0, header.size);
      record.uploads.push({ path: `${directory.replace(/\/$/, '')}/${header.name}`, content, mode: header.mode });
      header = undefined;
      channel.write(Buffer.from([0]));
    }
  });
  channel.on('end', () => finish(channel, 0));
}

function finish(channel: ServerChannel, status: number, error = ''): void {
  if (error) channel.stderr.write(error);
  channel.exit(status);
  channel.end();
}

/** The words of a command as shquot.POSIXShell quotes them (`'scp' '-vt' '/tmp'`). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  for (let index = 0; index < command.length; index += 1) {
    const character = command[index];
    if (character === "'") {
      const end = command.indexOf("'", index + 1);
      current = (current ?? '') + command.slice(index + 1, end < 0 ? command.length : end);
      index = end < 0 ? command.length : end;
    } else if (character === '\\' && index + 1 < command.length) {
      current = (current ?? '') + command[index + 1];
      index += 1;
    } else if (/\s/.test(character)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + character;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

function elements(value: Value | undefined): Value[] {
  return Array.isArray(value) ? value : [];
}

function firstOf(value: Value | undefined): ObjectValue | undefined {
  const first = elements(value)[0];
  return isObject(first) ? first : undefined;
}
