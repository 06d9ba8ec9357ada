// A small test runner for suites that run inside the VS Code extension host (no mocha needed).
// Tests register with test(); run() is what the workbench calls, runs them one by one, reports
// through the console (relayed by the launcher) and rejects if any failed.
export interface InHostTestOptions {
  /** Milliseconds before the test counts as failed (default 30 s). */
  timeout?: number;
}

interface RegisteredTest {
  name: string;
  fn: () => unknown;
  timeoutMs: number;
}

const registered: RegisteredTest[] = [];

/** First line the suite prints; keep in sync with test/e2e/inhost/launcher.ts. */
export const SUITE_START_MARKER = '# in-host suite:';

export function test(name: string, fn: () => unknown, options: InHostTestOptions = {}): void {
  registered.push({ name, fn, timeoutMs: options.timeout ?? 30_000 });
}

function withTimeout(work: Promise<unknown>, ms: number, name: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return (error.stack ?? error.message).split('\n').slice(0, 8).join('\n    ');
  return String(error);
}

export async function run(): Promise<void> {
  const only = process.env.RC_INHOST_GREP;
  const selected = only ? registered.filter((t) => t.name.includes(only)) : registered;
  let passed = 0;
  let failed = 0;
  // The launcher relays everything from this line on (the workbench's own start-up chatter before it only on failure).
  console.log(`${SUITE_START_MARKER} ${selected.length} tests`);
  for (const t of selected) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      passed += 1;
      console.log(`✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.error(`✖ ${t.name} (${Date.now() - started} ms)\n    ${describeError(error)}`);
    }
  }
  console.log(`# tests ${selected.length}`);
  console.log(`# pass ${passed}`);
  console.log(`# fail ${failed}`);
  if (failed > 0) throw new Error(`${failed} of ${selected.length} in-host tests failed`);
}
