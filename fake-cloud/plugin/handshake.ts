/**
 * What Terraform and a plugin agree on before they talk: hashicorp/terraform v1.11.4
 * internal/plugin6/serve.go Handshake (the magic cookie a plugin checks, so it is not
 * run by hand) and the protocol versions.
 */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const HANDSHAKE_COOKIE = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE } as const;
export const PROTOCOL_VERSION = 6;
export const CORE_PROTOCOL_VERSION = 1;

/**
 * Set by the harness for a plugin it starts itself (fake-cloud/harness/running-plugins.ts):
 * the plugin ends when its standard input closes, so it never outlives the harness.
 * Terraform gives the plugins it starts its own standard input, so they do not watch it.
 */
export const STOP_WITH_STDIN_VARIABLE = 'FAKE_CLOUD_STOP_WITH_STDIN';
