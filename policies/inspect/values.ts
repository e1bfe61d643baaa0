/**
 * Reading synthesized arguments. A resource's `toTerraform()` output is what lands in
 * cdk.tf.json (escape-hatch overrides, provisioners and meta-arguments included), but
 * with cdktf tokens still unresolved: a literal stays a plain value, anything Terraform
 * computes stays a token. That split is exactly what the rules need ("is this a literal
 * secret?", "which LAN does this reference point at?"). A reference token still names
 * its target and origin stack; once resolved in a consuming stack, a cross-stack
 * reference becomes a remote-state lookup that no longer says which LAN it is.
 */
import { Token, Tokenization } from 'cdktf';

export type Block = Record<string, unknown>;

/** A string with no Terraform expression in it, or undefined. */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !Token.isUnresolved(value) ? value : undefined;
}

export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && !Token.isUnresolved(value)) return value;
  const text = literalString(value);
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

export function literalBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = literalString(value)?.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/** True when the value is (or contains) something Terraform computes at apply time. */
export function isExpression(value: unknown): boolean {
  return value !== null && value !== undefined && (Tokenization.isResolvable(value) || Token.isUnresolved(value));
}

/** Nested blocks synthesize as an object (max one) or a list; overrides may use either. */
export function blocks(value: unknown): Block[] {
  if (value === null || value === undefined || Tokenization.isResolvable(value)) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is Block => typeof item === 'object' && item !== null && !Tokenization.isResolvable(item));
}

/** The first nested block, e.g. a server's `nic` or `volume`. */
export function firstBlock(value: unknown): Block | undefined {
  return blocks(value)[0];
}

/** A list argument that Terraform will see as non-empty (literal items or a computed list). */
export function isNonEmptyList(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (isExpression(value) && !Array.isArray(value)) return true;
  return Array.isArray(value) && value.length > 0;
}
