/** Runs a command's work; a failure prints `<name>: <reason>` (no stack trace) and exits 1. */
export function runCommand(name: string, work: () => Promise<unknown>): void {
  work().catch((error: unknown) => {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
