/**
 * Container image references in compose files and `docker run/create/pull` lines,
 * and whether each is pinned. Pinned: a digest (`@sha256:`), or a literal tag other
 * than `latest`, or a tag that Terraform fills in (`${tf:...}`), or a variable with a
 * pinned default (`${TAG:-1.2.3}`). A bare runtime variable is not pinned: the
 * reviewed file would not say what runs.
 */
import { PLACEHOLDER_PREFIX } from '../inspect/hcl-template';

export interface ImageReference {
  readonly line: number;
  readonly image: string;
}

const COMPOSE_IMAGE = /^\s*(?:-\s*)?image:\s*["']?([^"'\s#]+)["']?/;
/** Cheap first look: a line with neither word names no image. */
const MAYBE_IMAGE = /image|docker|podman/;
const DOCKER_COMMAND = /\b(?:docker|podman)\s+(?:container\s+)?(run|create|pull)\s+(.*)$/;

/** `docker run` options that take no value; every other option consumes the next word. */
const FLAGS_WITHOUT_VALUE = new Set([
  '-d', '--detach', '--rm', '-i', '--interactive', '-t', '--tty', '-it', '-ti', '-dit', '--privileged',
  '--init', '--read-only', '-P', '--publish-all', '--no-healthcheck', '--oom-kill-disable', '--sig-proxy',
  '-q', '--quiet', '-a', '--all-tags', '--disable-content-trust',
]);

function imageOfDockerArgs(args: string): string | undefined {
  const words = args.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  for (let position = 0; position < words.length; position += 1) {
    const word = words[position];
    if (!word.startsWith('-')) return word.replace(/^["']|["']$/g, '');
    if (word.includes('=') || FLAGS_WITHOUT_VALUE.has(word)) continue;
    position += 1;
  }
  return undefined;
}

export function imageReferences(text: string): ImageReference[] {
  const found: ImageReference[] = [];
  text.split('\n').forEach((line, position) => {
    if (!MAYBE_IMAGE.test(line)) return;
    const compose = COMPOSE_IMAGE.exec(line);
    if (compose) {
      found.push({ line: position + 1, image: compose[1] });
      return;
    }
    const docker = DOCKER_COMMAND.exec(line);
    const image = docker ? imageOfDockerArgs(docker[2]) : undefined;
    if (image) found.push({ line: position + 1, image });
  });
  return found;
}

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(image: string): string | undefined {
  if (image.includes('@sha256:') || image.includes(PLACEHOLDER_PREFIX)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'has no tag (means latest)';
  const tag = image.slice(colon + 1);
  if (tag === 'latest') return 'uses the latest tag';
  const variable = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}$/.exec(tag);
  if (variable) {
    const fallback = variable[1];
    if (!fallback) return 'takes its tag from a runtime variable without a pinned default';
    return fallback === 'latest' ? 'defaults its tag to latest' : undefined;
  }
  if (tag.includes('$')) return 'takes its tag from a runtime variable';
  return undefined;
}
