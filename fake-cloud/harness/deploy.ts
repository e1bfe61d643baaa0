/**
 * An environment's stacks through Terraform against the fake cloud, in deployment
 * order: each stack initialized, planned (its plan kept as a file and read back with
 * `terraform show -json`) and, when asked, applied from that very plan file, before the
 * stacks that read its state are planned.
 */
import * as path from 'node:path';
import type { FakeCloudSession, StackWorkspace } from './session';
import { deploymentOrder } from './stack-order';
import type { TerraformResult } from './terraform';

export interface PlannedStack {
  readonly name: string;
  readonly workspace: StackWorkspace;
  /** Terraform's plan as it prints it. */
  readonly text: string;
  /** `terraform show -json` of the plan. */
  readonly plan: Record<string, any>;
}

export interface DeployOptions {
  /** Whether to apply a stack after planning it. @default every stack */
  readonly apply?: (stack: string) => boolean;
  /** Called with each stack's plan, once it is applied (when it is to be). */
  readonly onPlan?: (planned: PlannedStack) => void;
}

/** Workspaces for `stacks` below `stacksDirectory`, initialized side by side; `states`: see StackOptions. */
export async function initializeStacks(
  session: FakeCloudSession,
  stacksDirectory: string,
  stacks: readonly string[],
  states?: string,
): Promise<Map<string, StackWorkspace>> {
  const workspaces = await Promise.all(stacks.map((stack) => session.stack(path.join(stacksDirectory, stack), { backend: true, states })));
  await Promise.all(workspaces.map(async (workspace) => succeeded(workspace.name, 'init', await workspace.init())));
  return new Map(workspaces.map((workspace) => [workspace.name, workspace]));
}

export async function deployInOrder(
  session: FakeCloudSession,
  stacksDirectory: string,
  stacks: readonly string[],
  options: DeployOptions = {},
): Promise<Map<string, PlannedStack>> {
  const order = deploymentOrder(stacksDirectory, stacks);
  const workspaces = await initializeStacks(session, stacksDirectory, order);
  const planned = new Map<string, PlannedStack>();
  for (const name of order) {
    const workspace = workspaces.get(name)!;
    const planFile = path.join(workspace.directory, 'fake-cloud.tfplan');
    const result = await workspace.plan(planFile);
    if (result.code !== 0 && result.code !== 2) throw new Error(`${name}: terraform plan failed:\n${result.stderr}${result.stdout}`);
    // Reading the plan back and applying it need not wait for each other.
    const apply = options.apply?.(name) ?? true;
    const [plan] = await Promise.all([
      workspace.showPlan(planFile),
      apply ? workspace.run(['apply', '-input=false', '-lock=false', '-no-color', planFile]).then((applied) => succeeded(name, 'apply', applied)) : undefined,
    ]);
    const stack: PlannedStack = { name, workspace, text: result.stdout, plan };
    planned.set(name, stack);
    options.onPlan?.(stack);
  }
  return planned;
}

export function succeeded(stack: string, command: string, result: TerraformResult): TerraformResult {
  if (result.code !== 0) throw new Error(`${stack}: terraform ${command} failed (exit ${result.code}):\n${result.stderr}${result.stdout.slice(-4000)}`);
  return result;
}
