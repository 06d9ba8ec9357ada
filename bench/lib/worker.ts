// A client worker: a child process that runs one client against the simulator
// with open-loop arrivals, so its CPU time is its own.
import { createClient } from '../clients/factory';
import type { RequestRecord, RunCommand, WarmupCommand, WorkerCommand, WorkerReply } from './protocol';

function reply(message: WorkerReply): void {
  process.send?.(message);
}

function sleepUntil(target: number): Promise<void> {
  const delay = target - performance.now();
  return delay <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, delay));
}

async function run(command: RunCommand): Promise<void> {
  const client = await createClient(command.client, command.env);
  const count = Math.max(1, Math.round((command.windowMs / 1000) * command.ratePerSecond));
  const intervalMs = 1000 / command.ratePerSecond;
  const records: RequestRecord[] = [];
  const pending: Promise<void>[] = [];
  let worstArrivalLagMs = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const t0 = performance.now();
  for (let index = 0; index < count; index += 1) {
    const target = t0 + index * intervalMs;
    await sleepUntil(target);
    worstArrivalLagMs = Math.max(worstArrivalLagMs, performance.now() - target);
    const controller = new AbortController();
    let deadlineHit = false;
    const timer = setTimeout(() => {
      deadlineHit = true;
      controller.abort();
    }, command.deadlineMs);
    const sentAt = Date.now();
    const padding = command.promptPaddingWords ? ` Context: ${'budget '.repeat((index % 10) * command.promptPaddingWords).trim()}` : '';
    const prompt = `${command.promptPrefix} request ${index}: summarise why retries need a budget.${padding}`;
    pending.push(
      client
        .send(prompt, controller.signal)
        .then((result) => {
          records.push({
            index,
            sentAt,
            latencyMs: result.latencyMs,
            ok: result.ok && !deadlineHit,
            model: result.model,
            attempts: result.attempts ?? null,
            hedges: result.hedges ?? null,
            error: deadlineHit ? 'harness-deadline' : (result.error ?? null),
            prompt,
            text: result.text ?? null,
            deadlineHit,
          });
        })
        .catch((error: unknown) => {
          records.push({
            index,
            sentAt,
            latencyMs: Date.now() - sentAt,
            ok: false,
            model: null,
            attempts: null,
            error: deadlineHit ? 'harness-deadline' : error instanceof Error ? error.message.slice(0, 60) : 'unknown',
            prompt,
            text: null,
            deadlineHit,
          });
        })
        .finally(() => clearTimeout(timer)),
    );
  }
  await Promise.all(pending);
  const endedAt = Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  await client.close();
  records.sort((a, b) => a.index - b.index);
  reply({ type: 'result', records, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, startedAt, endedAt, worstArrivalLagMs });
}

async function warmup(command: WarmupCommand): Promise<void> {
  const client = await createClient(command.client, command.env);
  let ok = 0;
  for (let index = 0; index < command.requests; index += 1) {
    const result = await client.send(`warm-up request ${index}`, AbortSignal.timeout(10_000));
    if (result.ok) ok += 1;
  }
  await client.close();
  reply({ type: 'warmed', ok });
}

process.on('message', (message: WorkerCommand) => {
  (message.type === 'run' ? run(message) : warmup(message)).catch((error: unknown) => {
    reply({ type: 'failure', message: error instanceof Error ? error.message : String(error) });
  });
});
