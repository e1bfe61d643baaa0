/**
 * Terraform's plans made readable and stable. A plan (`terraform show -json`) becomes,
 * per resource, its action and the arguments a reviewer judges it by; what differs from
 * run to run or hides a secret is left out or named: sensitive values, values known only
 * after apply, rendered files (multi-line or long text, content hashes), the session's
 * own SSH key, and ids and addresses the fake cloud handed out, which are written as the
 * resource they belong to (`<ionoscloud_datacenter.Network_Datacenter_6351191F>`).
 */
import { readFileSync } from 'node:fs';

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op';

export interface ResourceChangeSummary {
  readonly action: Action;
  readonly arguments: Record<string, unknown>;
}

/** What names a value the cloud assigned: an id, a reserved address, a LAN number. */
export interface ValueLabels {
  readonly values: ReadonlyMap<string, string>;
  readonly lans: ReadonlyMap<string, string>;
}

const LONGEST_ARGUMENT = 120;
const CONTENT_HASH = /^[0-9a-f]{40,}$/;
/** Arguments that carry the session's key or a rendered file under another name. */
const LEFT_OUT = new Set(['ssh_keys', 'user_data', 'timeouts']);
/** Arguments that hold a LAN's number. */
const LAN_ARGUMENTS = new Set(['lan', 'lan_id', 'listener_lan', 'target_lan']);

function actionOf(actions: readonly string[]): Action {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  return (actions[0] === 'no-op' ? 'no-op' : actions[0]) as Action;
}

export function summarizePlan(plan: Record<string, any>, labels: ValueLabels): Record<string, ResourceChangeSummary> {
  const summary: Record<string, ResourceChangeSummary> = {};
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === 'data') continue;
    const action = actionOf(change.change.actions);
    const after = action === 'delete' ? change.change.before : change.change.after;
    const kept = keep(after, change.change.after_unknown, change.change.after_sensitive, labels, '');
    summary[change.address] = { action, arguments: (kept ?? {}) as Record<string, unknown> };
  }
  return summary;
}

function keep(value: unknown, unknown: unknown, sensitive: unknown, labels: ValueLabels, key: string): unknown {
  if (unknown === true || sensitive === true || value === null || value === undefined) return undefined;
  if (LEFT_OUT.has(key)) return undefined;
  if (LAN_ARGUMENTS.has(key) && (typeof value === 'number' || typeof value === 'string')) return labels.lans.get(String(value)) ?? value;
  if (typeof value === 'string') {
    if (value.includes('\n') || value.length > LONGEST_ARGUMENT || CONTENT_HASH.test(value)) return undefined;
    return labels.values.get(value) ?? value;
  }
  if (Array.isArray(value)) {
    const items = value
      .map((item, index) => keep(item, element(unknown, index), element(sensitive, index), labels, key))
      .filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([name, item]) => [name, keep(item, field(unknown, name), field(sensitive, name), labels, name)] as const)
      .filter(([, item]) => item !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

function element(marks: unknown, index: number): unknown {
  return Array.isArray(marks) ? marks[index] : marks;
}

function field(marks: unknown, name: string): unknown {
  return marks !== null && typeof marks === 'object' && !Array.isArray(marks) ? (marks as Record<string, unknown>)[name] : marks;
}

/** Labels for what the fake cloud assigned, from the states of applied stacks. */
export function labelsFromStates(stateFiles: readonly string[]): ValueLabels {
  const values = new Map<string, string>();
  const lans = new Map<string, string>();
  for (const file of stateFiles) {
    const state = JSON.parse(readFileSync(file, 'utf8'));
    for (const resource of state.resources ?? []) {
      if (resource.mode !== 'managed') continue;
      const address = `${resource.type}.${resource.name}`;
      for (const { attributes } of resource.instances ?? []) {
        if (resource.type.startsWith('random_') || resource.type === 'null_resource') continue;
        if (typeof attributes.id === 'string') values.set(attributes.id, `<${address}>`);
        if (resource.type === 'ionoscloud_lan') lans.set(String(attributes.id), `<${address}>`);
        if (resource.type === 'ionoscloud_ipblock') {
          (attributes.ips ?? []).forEach((ip: string, index: number) => values.set(ip, `<${address}.ips[${index}]>`));
        }
      }
    }
  }
  return { values, lans };
}

export interface PlannedChange {
  readonly address: string;
  readonly action: Action;
}

/** The resource changes in `terraform plan -json`'s messages ("planned_change"). */
export function changesFromPlanMessages(stdout: string): PlannedChange[] {
  return changeMessages(stdout, 'planned_change');
}

/**
 * The changes made outside Terraform that a plan's refresh found ("resource_drift";
 * hashicorp/terraform v1.11.4 internal/command/views/operation.go OperationJSON.Plan).
 */
export function driftFromPlanMessages(stdout: string): PlannedChange[] {
  return changeMessages(stdout, 'resource_drift');
}

function changeMessages(stdout: string, type: string): PlannedChange[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((message) => message.type === type)
    .map((message) => ({ address: message.change.resource.addr, action: planMessageAction(message.change.action) }));
}

function planMessageAction(action: string): Action {
  return action === 'noop' ? 'no-op' : (action as Action);
}
