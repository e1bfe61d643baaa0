/**
 * The part of the IONOS Cloud API v6 the autoscaler needs: list a data center's
 * servers, power them on and off, and resize stopped ones. Every change is
 * asynchronous at IONOS (202 Accepted plus a Location header naming the request).
 */
import * as v from 'valibot';
import { firstIssueLine } from '../../../config/issues';
import { ResponseShapeError } from '../errors';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpSettings } from './http';

export const IONOS_API_URL = 'https://api.ionos.com/cloudapi/v6';

/** RUNNING, SHUTOFF, SHUTDOWN, CRASHED, BLOCKED, PAUSED, NOSTATE, SUSPENDED; kept open so a new value is "unknown", not an error. */
export type VmState = string;

export interface IonosServer {
  readonly id: string;
  readonly name: string;
  readonly vmState: VmState;
  /** AVAILABLE, or BUSY while a request on the server is being carried out. */
  readonly provisioningState: string;
  readonly cores: number;
  readonly ramMb: number;
  /** metadata.lastModifiedDate: the last change made to the server resource, when IONOS gives it. */
  readonly lastModified?: Date;
}

export interface AcceptedRequest {
  /** The Location header: the status URL of the asynchronous request, if given. */
  readonly requestStatusUrl?: string;
}

const serverItem = v.object({
  id: v.string(),
  metadata: v.optional(v.partial(v.object({ state: v.string(), lastModifiedDate: v.string() }))),
  properties: v.object({
    name: v.string(),
    cores: v.nullish(v.pipe(v.number(), v.integer())),
    ram: v.nullish(v.pipe(v.number(), v.integer())),
    vmState: v.string(),
  }),
});
const serverCollection = v.object({ items: v.array(serverItem) });

function ionosErrorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { messages?: Array<{ errorCode?: unknown }> };
    const code = parsed.messages?.[0]?.errorCode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export class IonosClient {
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(
    private readonly datacenterId: string,
    private readonly token: string,
    options: { baseUrl?: string; http?: HttpSettings } = {},
  ) {
    this.baseUrl = (options.baseUrl ?? IONOS_API_URL).replace(/\/+$/, '');
    this.http = new HttpClient('ionos', options.http ?? DEFAULT_HTTP_SETTINGS, ionosErrorCode);
  }

  private serversUrl(suffix = ''): string {
    return `${this.baseUrl}/datacenters/${encodeURIComponent(this.datacenterId)}/servers${suffix}`;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, accept: 'application/json' };
  }

  async listServers(): Promise<IonosServer[]> {
    const url = `${this.serversUrl()}?depth=1&limit=1000`;
    const response = await this.http.send({ method: 'GET', url, headers: this.headers() });
    const path = new URL(url).pathname;
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new ResponseShapeError('ionos', path, 'not JSON');
    }
    const parsed = v.safeParse(serverCollection, json);
    if (!parsed.success) throw new ResponseShapeError('ionos', path, firstIssueLine(serverCollection, parsed.issues));
    return parsed.output.items.map((item) => {
      // An unreadable date is left out rather than failing the listing: it only bounds a boot.
      const lastModified = item.metadata?.lastModifiedDate === undefined ? undefined : new Date(item.metadata.lastModifiedDate);
      return {
        id: item.id,
        name: item.properties.name,
        vmState: item.properties.vmState,
        provisioningState: item.metadata?.state ?? 'AVAILABLE',
        cores: item.properties.cores ?? 0,
        ramMb: item.properties.ram ?? 0,
        ...(lastModified && !Number.isNaN(lastModified.getTime()) && { lastModified }),
      };
    });
  }

  startServer(serverId: string): Promise<AcceptedRequest> {
    return this.post(`/${encodeURIComponent(serverId)}/start`);
  }

  stopServer(serverId: string): Promise<AcceptedRequest> {
    return this.post(`/${encodeURIComponent(serverId)}/stop`);
  }

  /** Hot-plugs (or, on a stopped server, sets) cores and RAM; RAM in MB as IONOS counts it. */
  async resizeServer(serverId: string, size: { cores: number; ramMb: number }): Promise<AcceptedRequest> {
    const response = await this.http.send({
      method: 'PATCH',
      url: this.serversUrl(`/${encodeURIComponent(serverId)}`),
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ cores: size.cores, ram: size.ramMb }),
    });
    return { requestStatusUrl: response.headers.get('location') ?? undefined };
  }

  private async post(suffix: string): Promise<AcceptedRequest> {
    const response = await this.http.send({ method: 'POST', url: this.serversUrl(suffix), headers: this.headers() });
    return { requestStatusUrl: response.headers.get('location') ?? undefined };
  }
}
