import type { IConstruct } from 'constructs';
import { TerraformElement } from 'cdktf';
import { assetText } from '../inspect/assets';
import type { ElementIndex } from '../inspect/elements';
import { textLeaves } from '../inspect/walk';
import { imageReferences, unpinnedReason } from '../text/images';
import type { PolicyRule } from '../rule';

function problemsIn(text: string, where: string): string[] {
  return imageReferences(text).flatMap(({ line, image }) => {
    const reason = unpinnedReason(image);
    return reason ? [`${where} line ${line}: image ${image} ${reason}`] : [];
  });
}

export const imagesPinned: PolicyRule = {
  id: 'IMAGE-PINNED',
  severity: 'error',
  reason: 'an unpinned image changes under a running platform: a rebuilt VM or a restarted service silently runs different code than the one tested',
  check(node: IConstruct, index: ElementIndex): string[] {
    const asset = assetText(node);
    if (asset) return problemsIn(asset.text, `file ${asset.path}`);
    if (!TerraformElement.isTerraformElement(node)) return [];
    return textLeaves(node, index).flatMap(({ path, text }) => problemsIn(text, `argument ${path}`));
  },
};
