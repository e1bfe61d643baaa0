/**
 * Scalelite's server management API (>= 1.5.1, /scalelite/api/). The checksum covers
 * the action name and the query string only; the JSON body is not signed.
 */
import * as v from 'valibot';
import { firstIssueLine } from '../../../config/issues';
import { ApiError, ResponseShapeError } from '../errors';
import { type ChecksumAlgorithm, signedUrl } from './checksum';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpSettings } from './http';
import { parseBbbResponse } from './xml';

export type ScaleliteState = 'enabled' | 'cordoned' | 'disabled';
export type ScaleliteStateChange = 'enable' | 'cordon' | 'disable';

export interface ScaleliteServer {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly state: ScaleliteState;
  /** Scalelite's placement load, or undefined while the poller has not measured it. */
  readonly load?: number;
  readonly loadMultiplier: number;
  readonly online: boolean;
}

const decimal = v.pipe(
  v.union([v.number(), v.string()]),
  v.check((value) => !Number.isNaN(Number(value)), (issue) => `not a number: ${String(issue.input)}`),
  v.transform(Number),
);

const serverJson = v.object({
  id: v.string(),
  url: v.string(),
  secret: v.string(),
  state: v.picklist(['enabled', 'cordoned', 'disabled']),
  load: v.nullish(v.union([v.number(), v.string()])),
  load_multiplier: v.nullish(decimal),
  online: v.picklist(['online', 'offline']),
});
const serverList = v.array(serverJson);

function toServer(json: v.InferOutput<typeof serverJson>): ScaleliteServer {
  const load = json.load === null || json.load === undefined ? NaN : Number(json.load);
  return {
    id: json.id,
    url: json.url,
    secret: json.secret,
    state: json.state,
    load: Number.isNaN(load) ? undefined : load,
    loadMultiplier: json.load_multiplier ?? 1,
    online: json.online === 'online',
  };
}

function scaleliteErrorCode(body: string): string | undefined {
  return parseBbbResponse(body)?.messageKey;
}

export class ScaleliteClient {
  private readonly http: HttpClient;
  private readonly algorithm: ChecksumAlgorithm;

  constructor(
    private readonly apiUrl: string,
    private readonly secret: string,
    options: { http?: HttpSettings; algorithm?: ChecksumAlgorithm } = {},
  ) {
    this.http = new HttpClient('scalelite', options.http ?? DEFAULT_HTTP_SETTINGS, scaleliteErrorCode);
    this.algorithm = options.algorithm ?? 'sha256';
  }

  async getServers(): Promise<ScaleliteServer[]> {
    try {
      const json = await this.call('getServers', 'GET');
      const parsed = v.safeParse(serverList, json);
      if (!parsed.success) throw this.shapeError('getServers', firstIssueLine(serverList, parsed.issues));
      return parsed.output.map(toServer);
    } catch (error) {
      // Scalelite answers an empty server list with 404 "No servers are configured".
      if (error instanceof ApiError && error.status === 404 && /No servers/i.test(error.bodyExcerpt)) return [];
      throw error;
    }
  }

  /** Scalelite adds every new server disabled. */
  async addServer(server: { url: string; secret: string; loadMultiplier: number }): Promise<ScaleliteServer> {
    const json = await this.call(
      'addServer',
      'POST',
      { server: { url: server.url, secret: server.secret, load_multiplier: server.loadMultiplier } },
      false,
    );
    const parsed = v.safeParse(serverJson, json);
    if (!parsed.success) throw this.shapeError('addServer', firstIssueLine(serverJson, parsed.issues));
    return toServer(parsed.output);
  }

  async updateServer(
    id: string,
    change: { state?: ScaleliteStateChange; loadMultiplier?: number; secret?: string },
  ): Promise<void> {
    const server: Record<string, unknown> = {};
    if (change.state) server.state = change.state;
    if (change.loadMultiplier !== undefined) server.load_multiplier = change.loadMultiplier;
    if (change.secret !== undefined) server.secret = change.secret;
    await this.call('updateServer', 'POST', { id, server });
  }

  async deleteServer(id: string): Promise<void> {
    await this.call('deleteServer', 'POST', { id });
  }

  private shapeError(action: string, problem: string): ResponseShapeError {
    return new ResponseShapeError('scalelite', `/${action}`, problem);
  }

  private async call(action: string, method: 'GET' | 'POST', body?: unknown, idempotent = true): Promise<unknown> {
    const url = signedUrl(this.apiUrl, action, {}, this.secret, this.algorithm);
    const response = await this.http.send({
      method,
      url,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      idempotent,
    });
    const path = new URL(url).pathname;
    // Scalelite reports a checksum or parameter problem as a BBB XML document with HTTP 200.
    const xml = parseBbbResponse(response.text);
    if (xml) {
      throw new ApiError('scalelite', path, response.status, `${xml.messageKey ?? ''}: ${xml.message ?? ''}`, xml.messageKey);
    }
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      throw new ResponseShapeError('scalelite', path, 'not JSON');
    }
  }
}
