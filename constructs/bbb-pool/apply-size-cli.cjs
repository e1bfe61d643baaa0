#!/usr/bin/env node
/*
 * Applies the configured size (bbb.cores / bbb.ramGb) to the pool's servers through
 * the IONOS Cloud API. Terraform ignores cores and RAM of BBB servers (the autoscaler
 * resizes them at run time), so a changed size is applied here, on purpose, by a
 * null_resource whose trigger is the configured size.
 *
 * Only stopped servers are resized: shrinking a running server would cut meetings,
 * and stopping one is the autoscaler's decision (it drains first). Running servers of
 * another size are listed and the run fails, so Terraform retries on the next deploy.
 *
 * Input (environment): DATACENTER_ID, SERVERS (JSON [{ "name", "id" }]), CORES,
 * RAM_MB, and IONOS_TOKEN or IONOS_USERNAME + IONOS_PASSWORD like the provider.
 * IONOS_API_URL overrides the endpoint as it does for the provider.
 */
'use strict';

const DEFAULT_API_URL = 'https://api.ionos.com/cloudapi/v6';

class UsageError extends Error {}

function apiBase(env) {
  const url = (env.IONOS_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
  return url.endsWith('/cloudapi/v6') ? url : `${url}/cloudapi/v6`;
}

function authorization(env) {
  if (env.IONOS_TOKEN) return `Bearer ${env.IONOS_TOKEN}`;
  if (env.IONOS_USERNAME && env.IONOS_PASSWORD) {
    return `Basic ${Buffer.from(`${env.IONOS_USERNAME}:${env.IONOS_PASSWORD}`).toString('base64')}`;
  }
  throw new UsageError('IONOS credentials missing: set IONOS_TOKEN (or IONOS_USERNAME and IONOS_PASSWORD) as for the provider');
}

function positiveInteger(env, key) {
  const value = Number(env[key]);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${key} must be a positive integer, got "${env[key] ?? ''}"`);
  return value;
}

function readInput(env) {
  if (!env.DATACENTER_ID) throw new UsageError('DATACENTER_ID is not set');
  let servers;
  try {
    servers = JSON.parse(env.SERVERS ?? '');
  } catch {
    throw new UsageError('SERVERS must be a JSON list of { "name", "id" }');
  }
  if (!Array.isArray(servers) || servers.some((server) => typeof server?.id !== 'string' || typeof server?.name !== 'string')) {
    throw new UsageError('SERVERS must be a JSON list of { "name", "id" }');
  }
  return {
    datacenterId: env.DATACENTER_ID,
    servers,
    cores: positiveInteger(env, 'CORES'),
    ramMb: positiveInteger(env, 'RAM_MB'),
    pollIntervalMs: Number(env.APPLY_SIZE_POLL_MS || 5000),
    pollAttempts: Number(env.APPLY_SIZE_POLL_ATTEMPTS || 120),
  };
}

async function request(api, method, url, body) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: api.authorization,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) {
    let detail = text.slice(0, 200);
    try {
      const message = JSON.parse(text).messages?.[0];
      if (message) detail = `${message.errorCode ?? ''} ${message.message ?? ''}`.trim();
    } catch {
      // not an IONOS error document; the raw text is the best detail there is
    }
    throw new Error(`IONOS API ${method} ${new URL(url).pathname}: HTTP ${response.status} ${detail}`);
  }
  return { json: text ? JSON.parse(text) : undefined, location: response.headers.get('location') };
}

async function waitForRequest(api, statusUrl, input) {
  for (let attempt = 0; attempt < input.pollAttempts; attempt += 1) {
    const { json } = await request(api, 'GET', statusUrl);
    const status = json?.metadata?.status;
    if (status === 'DONE') return;
    if (status === 'FAILED') throw new Error(`IONOS request failed: ${json.metadata.message ?? 'no message'}`);
    await new Promise((resolve) => setTimeout(resolve, input.pollIntervalMs));
  }
  throw new Error(`IONOS request did not finish after ${input.pollAttempts} checks: ${statusUrl}`);
}

async function applySize(env, log) {
  const input = readInput(env);
  const api = { base: apiBase(env), authorization: authorization(env) };
  const collection = `${api.base}/datacenters/${encodeURIComponent(input.datacenterId)}/servers`;
  const { json } = await request(api, 'GET', `${collection}?depth=1&limit=1000`);
  const byId = new Map((json?.items ?? []).map((item) => [item.id, item]));

  const pending = [];
  for (const server of input.servers) {
    const item = byId.get(server.id);
    if (!item) {
      pending.push(`${server.name}: not found in data center ${input.datacenterId}`);
      continue;
    }
    const { cores, ram, vmState } = item.properties;
    if (cores === input.cores && ram === input.ramMb) continue;
    const from = `${cores} cores / ${ram} MB`;
    if (vmState !== 'SHUTOFF' || (item.metadata?.state ?? 'AVAILABLE') !== 'AVAILABLE') {
      pending.push(`${server.name}: ${vmState} with ${from}; drain and stop it, then deploy again`);
      continue;
    }
    log(`${server.name}: ${from} -> ${input.cores} cores / ${input.ramMb} MB`);
    const patch = await request(api, 'PATCH', `${collection}/${encodeURIComponent(server.id)}`, {
      cores: input.cores,
      ram: input.ramMb,
    });
    if (patch.location) await waitForRequest(api, patch.location, input);
  }
  return pending;
}

async function main() {
  try {
    const pending = await applySize(process.env, (line) => console.log(line));
    if (pending.length > 0) {
      console.error(`Not resized (${pending.length}):\n  ${pending.join('\n  ')}`);
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

main();
