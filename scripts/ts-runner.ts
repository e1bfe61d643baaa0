/** How the npm scripts run a TypeScript file: Node with tsx's CommonJS hook (no ES-module loader thread to start). */
export const TS_RUNNER: readonly [string, ...string[]] = [process.execPath, '--require', require.resolve('tsx/cjs')];
