/**
 * cdktf records a complete stack trace (with an unlimited frame count) for every
 * token it creates, to show where a token came from if it later fails to resolve.
 * Cross-stack references create such tokens by the hundred thousand for a large
 * pool, and recording them was most of synth time (8 of 10 s for 200 servers).
 * While stacks are built and synthesized, explicit trace captures are skipped.
 * Errors still carry their message, and `new Error()` still records its own stack:
 * only `Error.captureStackTrace` calls, which cdktf makes for tokens, are affected.
 */
export function withoutTokenStackTraces<T>(work: () => T): T {
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = () => undefined;
  try {
    return work();
  } finally {
    Error.captureStackTrace = capture;
  }
}
