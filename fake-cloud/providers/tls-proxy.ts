/**
 * The checks terraform-provider-tls v4.1.0 makes on its configuration's `proxy` block
 * (provider.go Schema, attribute_validator/url_with_scheme.go), in the words of
 * terraform-plugin-framework-validators v0.17.0 (listvalidator.SizeBetween,
 * ConflictsWith, AlsoRequires): at most one block; `url` a URL with a host and the
 * scheme http, https or socks5; `from_env` not with `url`, `username` or `password`;
 * `username` only with `url`, `password` only with `username`. The framework runs each
 * attribute's checks in no fixed order.
 */
import type { Diagnostics } from '../engine/diagnostics';
import { isObject, isUnknown, type ObjectValue, type Value } from '../values/value';

const PROXY_SCHEMES = ['http', 'https', 'socks5'];

export function checkProxyBlocks(config: ObjectValue, diagnostics: Diagnostics): void {
  const blocks = Array.isArray(config.proxy) ? config.proxy : [];
  if (blocks.length > 1) {
    diagnostics.error('Invalid Attribute Value', `Attribute proxy list must contain at least 0 elements and at most 1 elements, got: ${blocks.length}`, ['proxy']);
  }
  blocks.forEach((block, index) => {
    if (isObject(block)) checkProxy(block, index, diagnostics);
  });
}

function checkProxy(proxy: ObjectValue, index: number, diagnostics: Diagnostics): void {
  const name = (attribute: string) => `proxy[${index}].${attribute}`;
  const set = (attribute: string) => (proxy[attribute] ?? null) !== null;
  const known = (attribute: string) => !isUnknown(proxy[attribute]);
  const combination = (attribute: string, detail: string) => diagnostics.error('Invalid Attribute Combination', detail, ['proxy', index, attribute]);
  const conflicts = (attribute: string, others: readonly string[]) => {
    if (!set(attribute) || !known(attribute) || others.some((other) => !known(other))) return;
    for (const other of others.filter(set)) combination(attribute, `Attribute ${JSON.stringify(name(other))} cannot be specified when ${JSON.stringify(name(attribute))} is specified`);
  };
  const requires = (attribute: string, other: string) => {
    if (set(attribute) && known(attribute) && known(other) && !set(other)) {
      combination(attribute, `Attribute ${JSON.stringify(name(other))} must be specified when ${JSON.stringify(name(attribute))} is specified`);
    }
  };
  checkUrl(proxy.url ?? null, ['proxy', index, 'url'], diagnostics);
  conflicts('url', ['from_env']);
  requires('username', 'url');
  requires('password', 'username');
  conflicts('from_env', ['url', 'username', 'password']);
}

/** UrlWithScheme as Go's url.Parse sees a URL: `scheme://[user@]host[:port]/...`, the scheme in lower case. */
function checkUrl(value: Value, path: readonly (string | number)[], diagnostics: Diagnostics): void {
  if (typeof value !== 'string') return;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1].toLowerCase() ?? '';
  const shown = scheme ? `${scheme}${value.slice(scheme.length)}` : value;
  const authority = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)/.exec(value)?.[1];
  const host = authority?.slice(authority.lastIndexOf('@') + 1) ?? '';
  const port = /^(?:\[[^\]]*\]|[^:]*)(:.*)?$/.exec(host)?.[1];
  if (port !== undefined && !/^:\d*$/.test(port)) {
    diagnostics.error('Invalid URL', `Parsing URL ${JSON.stringify(value)} failed: parse ${JSON.stringify(value)}: invalid port ${JSON.stringify(port)} after host`, path);
  } else if (host === '') {
    diagnostics.error('Invalid URL', `URL ${JSON.stringify(shown)} contains no host`, path);
  } else if (!PROXY_SCHEMES.includes(scheme)) {
    diagnostics.error(
      'Invalid URL scheme',
      `URL ${JSON.stringify(shown)} expected to use scheme from [${PROXY_SCHEMES.map((each) => JSON.stringify(each)).join(' ')}], got: ${JSON.stringify(scheme)}`,
      path,
    );
  }
}
