import type { IConstruct } from 'constructs';
import { TerraformElement, TerraformVariable } from 'cdktf';
import { assetText } from '../inspect/assets';
import type { ElementIndex } from '../inspect/elements';
import { literalBoolean, literalString } from '../inspect/values';
import { textLeaves } from '../inspect/walk';
import { isIndirectValue, isSecretKey, literalSecretsInText } from '../text/secrets';
import type { PolicyRule } from '../rule';

function variableProblems(variable: TerraformVariable, index: ElementIndex): string[] {
  const body = index.body(variable);
  const fallback = literalString(body.default);
  if (!fallback) return [];
  const looksSecret = literalBoolean(body.sensitive) === true || isSecretKey(variable.friendlyUniqueId);
  return looksSecret ? [`variable '${variable.friendlyUniqueId}' has a literal default; supply it through TF_VAR_${variable.friendlyUniqueId}`] : [];
}

function elementProblems(element: TerraformElement, index: ElementIndex): string[] {
  return textLeaves(element, index).flatMap(({ path, key, text }) => {
    if (isSecretKey(key) && !text.includes('\n')) {
      return isIndirectValue(text) ? [] : [`argument ${path} holds a literal secret; use a random_password, a sensitive variable or the environment`];
    }
    return literalSecretsInText(text).map((finding) => `argument ${path} ${finding}`);
  });
}

export const noLiteralSecrets: PolicyRule = {
  id: 'SECRET-LITERAL',
  severity: 'error',
  reason:
    'a literal secret ends up in git, cdktf.out and every plan log; generated secrets come from the random provider, operator secrets from sensitive variables or the environment',
  check(node: IConstruct, index: ElementIndex): string[] {
    const asset = assetText(node);
    if (asset) return literalSecretsInText(asset.text).map((finding) => `file ${asset.path} ${finding}`);
    if (node instanceof TerraformVariable) return variableProblems(node, index);
    if (TerraformElement.isTerraformElement(node)) return elementProblems(node, index);
    return [];
  },
};
