// Writes the Markdown report and its SVG plots from a BenchResults.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { chatProviderLine } from '../chat/chatProviderFigures';
import { passthroughLine } from '../passthrough/passthroughFigures';
import { endpointSection } from '../endpoint/endpointFigures';
import { CLIENTS, type ClientName } from '../config';
import type { RunMetrics } from './metrics';
import type { BenchResults, ScenarioResult } from './results';
import { attemptsOverTimeSvg, latencyCdfSvg, type Band, type Series } from './svg';

export const CLIENT_COLORS: Readonly<Record<ClientName, string>> = {
  'sdk-default': '#7f7f7f',
  'sdk-retry5': '#1f77b4',
  'naive-loop': '#ff7f0e',
  portkey: '#9467bd',
  ours: '#2ca02c',
};

const fmtMs = (v: number | null): string => (v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const fmtPct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

function ranClients(scenario: ScenarioResult): { name: ClientName; metrics: RunMetrics }[] {
  const list: { name: ClientName; metrics: RunMetrics }[] = [];
  for (const name of CLIENTS) {
    const run = scenario.runs[name];
    if (run?.status === 'run') list.push({ name, metrics: run.metrics });
  }
  return list;
}

function topFailures(failures: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failures).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '–';
  return entries
    .slice(0, 3)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ');
}

function scenarioTable(scenario: ScenarioResult): string[] {
  const lines = [
    '| client | success | p50 | p95 | p99 | upstream attempts / request | primary load while failing | recovery → first primary success | served by fallbacks | upstream 429s | client CPU / request | failures |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const name of CLIENTS) {
    const run = scenario.runs[name];
    if (run === undefined) continue;
    if (run.status === 'not-run') {
      lines.push(`| ${name} | not run: ${run.reason.replace(/\|/g, '/')} |||||||||||`);
      continue;
    }
    const m = run.metrics;
    const cpu =
      m.gatewayCpuMsPerRequest === null
        ? `${m.clientCpuMsPerRequest.toFixed(2)} ms`
        : `${m.clientCpuMsPerRequest.toFixed(2)} ms (+ gateway ${m.gatewayCpuMsPerRequest.toFixed(2)} ms)`;
    lines.push(
      [
        '',
        name,
        `${fmtPct(m.successRate)} (${m.succeeded}/${m.requests})`,
        fmtMs(m.p50Ms),
        fmtMs(m.p95Ms),
        fmtMs(m.p99Ms),
        m.upstreamAttemptsPerRequest.toFixed(2),
        m.primaryLoadDuringFailure === null ? '–' : String(m.primaryLoadDuringFailure),
        m.recoveryAtMs === null ? '–' : m.recoveryToPrimarySuccessMs === null ? 'none seen' : fmtMs(m.recoveryToPrimarySuccessMs),
        fmtPct(m.fallbackShare),
        m.upstreamLimit429 === undefined || m.upstream429 === 0 ? String(m.upstream429) : `${m.upstream429} (${m.upstreamLimit429} over the limit)`,
        cpu,
        topFailures(m.failures),
        '',
      ].join(' | ').trim(),
    );
  }
  return lines;
}

function describeTimeline(scenario: ScenarioResult): string {
  const segments = scenario.primaryTimeline;
  const failing = segments.filter((s) => s.failing);
  if (failing.length === 0) return 'The primary never fails.';
  if (failing.length === segments.length) return 'The primary misbehaves for the whole run (no phases).';
  const spans = failing.map((s, i) => {
    const last = i === failing.length - 1 && s === segments[segments.length - 1];
    return `${(s.fromMs / 1000).toFixed(0)}–${last ? 'end' : `${(s.toMs / 1000).toFixed(0)} s`}`;
  });
  return `The primary fails during ${spans.join(', ')} and is healthy otherwise.`;
}

function writePlots(scenario: ScenarioResult, plotsDir: string): { cdf: string; attempts: string; primary: string } {
  const runs = ranClients(scenario);
  const cdfSeries: Series[] = runs.map((r) => ({ name: r.name, color: CLIENT_COLORS[r.name], values: r.metrics.latenciesMs }));
  const attemptSeries: Series[] = runs.map((r) => ({ name: r.name, color: CLIENT_COLORS[r.name], values: r.metrics.attemptsPerSecond }));
  const primarySeries: Series[] = runs.map((r) => ({ name: r.name, color: CLIENT_COLORS[r.name], values: r.metrics.primaryAttemptsPerSecond }));
  // Shade the primary's failure phases only when the scenario has phases to tell apart.
  const phased = scenario.primaryTimeline.some((s) => s.failing) && scenario.primaryTimeline.some((s) => !s.failing);
  const bands: Band[] = scenario.primaryTimeline
    .filter((s) => phased && s.failing)
    .map((s) => ({ fromX: s.fromMs / 1000, toX: s.toMs / 1000, label: 'primary failing' }));
  const cdf = join(plotsDir, `${scenario.name}-latency-cdf.svg`);
  const attempts = join(plotsDir, `${scenario.name}-attempts.svg`);
  const primary = join(plotsDir, `${scenario.name}-primary-attempts.svg`);
  writeFileSync(cdf, latencyCdfSvg(`${scenario.name}: latency CDF (successful requests)`, cdfSeries));
  writeFileSync(attempts, attemptsOverTimeSvg(`${scenario.name}: upstream attempts per second (all models)`, attemptSeries, bands));
  writeFileSync(primary, attemptsOverTimeSvg(`${scenario.name}: attempts per second on the primary model`, primarySeries, bands));
  return { cdf, attempts, primary };
}

export function writeReport(results: BenchResults, markdownPath: string, plotsDir: string): void {
  mkdirSync(plotsDir, { recursive: true });
  mkdirSync(dirname(markdownPath), { recursive: true });
  const rel = (file: string): string => relative(dirname(markdownPath), file).split('\\').join('/');
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Generated by \`${results.command}\` on ${results.generatedAt} ` +
      `(${results.profile} profile, ${results.durationS.toFixed(0)} s, ${results.machine.cpus} CPUs, Node ${results.machine.node}, ` +
      `1-minute load average ${results.machine.loadAverage.start.toFixed(1)} at the start and ${results.machine.loadAverage.end.toFixed(1)} at the end). ` +
      `Code measured: commit \`${results.source.commit.slice(0, 12)}\`${results.source.srcDirty === true ? ' with uncommitted changes in src/' : ''}. Raw figures: \`bench/results/\`.`,
    '',
  );
  if (results.profile === 'quick') {
    out.push('> **Quick profile:** a 3-second smoke run of the pipeline with a 3-second harness deadline. Its numbers are not comparable with the full run and are not published.', '');
  }
  out.push(
    '## Running it',
    '',
    '- `npm run bench` — the full run (every client × every scenario; about 6 minutes on 2 cores); writes `bench/results/<date>.json`, this file and the plots in `bench/results/plots/`. `sh bench/snapshot-run.sh` does the same on the committed tree (HEAD) in a scratch copy, which is how the published figures were made.',
    '- `npm run bench -- --quick` — a smoke run with 3-second windows (about a minute); writes to `bench/results/quick/` (not committed) and leaves this file alone.',
    '- `--clients a,b` and `--scenarios x,y` restrict a run (written to `bench/results/partial/`); `--sequential` runs clients one after another instead of side by side. Tests of the drivers and metrics: `node --import tsx --test bench/test/*.test.ts`.',
    '',
  );
  out.push('## Method', '');
  out.push(
    results.mode === 'side-by-side'
      ? '- Every client has its own simulator (`src/simulator`, all in the harness process) running the same scenario with the same seed. For each scenario the clients run **side by side**: each simulator is switched to the scenario and reset (phase clock from t = 0) as its client starts, with starts staggered by a fraction of the arrival interval. Background load on the machine therefore hits every client alike, and each simulator\'s request log belongs to one client.'
      : '- Every client has its own simulator (`src/simulator`, in the harness process) running the same scenario with the same seed; clients run **one after another**, each simulator switched to the scenario and reset (phase clock from t = 0) as its client starts.',
    `- Open-loop arrivals at a steady **${results.ratePerSecond} requests/s** for the scenario's window, identical for every client; each request is a streamed Messages call (\`max_tokens\` large enough for the whole answer) with a distinct prompt (the same prompts for every client). \`slow-prefill\` is the exception: 0.5 requests/s for 60 s (its first tokens take 3–12 s) with prompts padded to between a dozen and ~6,300 words, so the time to first token varies with prompt size.`,
    `- Every request has a harness deadline of ${(results.requestDeadlineMs / 1000).toFixed(0)} s (same for all clients): a request still running then is aborted and counted as a failure (\`harness-deadline\`). The SDK's own timeout only covers response headers, so a stalled stream would otherwise hang.`,
    '- Success = the client returned an answer **and** the text equals the simulator\'s canonical answer for that prompt (a duplicated or truncated stream counts as a failure: `wrong-answer`).',
    '- Latency percentiles (nearest rank) are over successful requests, measured end to end in the client process. Upstream attempts, 429s and the load on the primary come from the simulator\'s own request log (`stats()`), counting Messages calls only; of the 429s, those over a model\'s request limit are counted apart (in brackets) from the scenario\'s stray ones.',
    '- Each client runs in its own child process (`bench/lib/worker.ts`); client CPU / request is that process\'s `process.cpuUsage()` over the run divided by requests. The Portkey gateway runs in another process; its CPU (from `/proc`) is shown separately.',
    `- Model chain: ${results.chain.map((m) => `\`${m}\``).join(' → ')}. Before each scenario every client sends a few warm-up requests on a throwaway client against a healthy simulator (warm code paths; the measured client starts with cold connections).`,
    '',
  );
  out.push('### Clients', '');
  out.push(
    '- **sdk-default** — official SDK (`@anthropic-ai/sdk`), primary model only, default retries (2).',
    '- **sdk-retry5** — the same with `maxRetries: 5`.',
    '- **naive-loop** — up to 5 attempts per model on HTTP 529 only, sleeping `min(2^attempt + U(0,1), 30)` s between them (attempt from 0; real time, not scaled), then the next model of the chain; the SDK\'s own 2 retries stay on underneath; any other error ends the request.',
    '- **portkey** — the official SDK (default retries) pointed at a local Portkey gateway (`@portkey-ai/gateway`, its Node server build, loopback only) with `x-portkey-config`: fallback strategy over the chain, each target `provider: anthropic`, `custom_host` = the simulator, `retry: {attempts: 5, on_status_codes: [429,500,502,503,504,529]}`.',
    '- **ours** — `createRequestManager(defaultManagerConfig())` pointed at the simulator, via `stream()`; the core bundled by esbuild as the extension, broker and CLI ship it (`bench/lib/shippedCore.ts`), not run file by file under tsx, whose keepNames wrappers were about a quarter of the manager\'s own CPU in a profile (a cost no user pays).',
    '',
  );
  for (const [name, info] of Object.entries(results.clients)) {
    if (info.status === 'not-run') out.push(`> **${name} not run:** ${info.reason}`, '');
  }
  out.push('## Summary', '', 'Success rate · p95 latency of successful requests · upstream attempts per request.', '');
  out.push(`| client | ${results.scenarios.map((sc) => sc.name).join(' | ')} |`, `|---|${results.scenarios.map(() => '---|').join('')}`);
  for (const name of CLIENTS) {
    const cells = results.scenarios.map((sc) => {
      const run = sc.runs[name];
      if (run === undefined) return '';
      if (run.status === 'not-run') return 'not run';
      const m = run.metrics;
      return `${fmtPct(m.successRate)} · ${fmtMs(m.p95Ms)} · ${m.upstreamAttemptsPerRequest.toFixed(2)}`;
    });
    if (cells.some((c) => c !== '')) out.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  out.push('');
  const hedged = results.scenarios.map((sc) => {
    const run = sc.runs.ours;
    return run?.status === 'run' && run.metrics.hedgeRate !== undefined && run.metrics.hedgeRate !== null ? `${sc.name} ${fmtPct(run.metrics.hedgeRate)}` : null;
  });
  if (hedged.some((h) => h !== null)) {
    out.push(`Hedges (ours: a second attempt beside a late first token, per request): ${hedged.filter((h) => h !== null).join(' · ')}.`, '');
  }
  out.push('## Goals', '', '| goal | met | figure |', '|---|---|---|');
  for (const g of results.goals) out.push(`| ${g.goal} | ${g.met === null ? 'not measured' : g.met ? 'met' : 'not met'} | ${g.figure} |`);
  out.push('');
  for (const scenario of results.scenarios) {
    out.push(`## ${scenario.name}`, '', scenario.description, '');
    out.push(`Window: ${(scenario.windowMs / 1000).toFixed(0)} s of arrivals. ${describeTimeline(scenario)}`, '');
    out.push(...scenarioTable(scenario), '');
    const plots = writePlots(scenario, plotsDir);
    out.push(
      `![${scenario.name} latency CDF](${rel(plots.cdf)})`,
      '',
      `![${scenario.name} attempts over time](${rel(plots.attempts)})`,
      '',
      `![${scenario.name} attempts on the primary over time](${rel(plots.primary)})`,
      '',
    );
  }
  out.push('## Caveats', '');
  out.push(
    `- Samples are modest (${results.ratePerSecond} requests/s for ${Math.min(...results.scenarios.map((x) => x.windowMs)) / 1000}–${Math.max(...results.scenarios.map((x) => x.windowMs)) / 1000} s per scenario): p99 rests on the slowest one or two requests, and differences of a few percent in healthy latency are within run-to-run noise on a shared 2-core machine (other work ran on it during the benchmark).`,
    '- The Portkey gateway\'s Node build (on `@hono/node-server`) fails every *streamed* `/v1/messages` call with HTTP 500 "Something went wrong" (`TypeError: immutable` when it appends its `x-portkey-*` headers to the upstream fetch response). `bench/lib/portkey-launch.mjs` gives upstream responses mutable headers before the gateway sees them — a compatibility shim that changes no routing or retry behaviour — and binds the gateway to 127.0.0.1. Without the shim the portkey column would be 0% everywhere.',
    '- The Portkey client keeps the SDK\'s default 2 retries on top of the gateway\'s, as a user pointing the SDK at the gateway would.',
    '- A stalled stream (flaky-network) hangs every SDK-based client until the harness deadline, because the SDK\'s timeout stops at response headers. Ours cuts a body that sent no byte 50 ms after its headers once the route is learned to send its first event with them (else after twice the hedge threshold) and retries a broken connection at once; it hedges a first token that is later than the route usually takes (one second attempt on a fresh connection — on the next route when this one is failing — from a budget of 10% of requests); its upstream attempts include the hedges.',
    '- The naive loop\'s sleeps are real (not time-scaled); scenario windows were chosen so its retries fit in the harness deadline.',
    '',
  );
  out.push('## The extension itself', '');
  const ext = results.extension;
  if (ext === null) {
    out.push('Not measured.', '');
  } else {
    if (ext.problem !== null) out.push(`Problem: ${ext.problem}`, '');
    if (ext.bundles.length > 0) {
      out.push('Production bundles (`node esbuild.mjs --production`, built into a scratch directory):', '', '| file | bytes | gzip |', '|---|---|---|');
      for (const b of ext.bundles) out.push(`| dist/${b.file} | ${b.bytes.toLocaleString('en-US')} | ${b.gzipBytes.toLocaleString('en-US')} |`);
      out.push('');
    }
    if (ext.activation !== null) {
      const a = ext.activation;
      out.push(
        `Start-up, median of ${a.samples} cold Node processes: loading dist/extension.js (with \`vscode\` answered by a stub) ${fmtMs(a.loadMs)}; ` +
          `activate() ${a.activateMs === null ? 'not measured' : fmtMs(a.activateMs)}. ${a.note}`,
        '',
      );
    }
  }
  out.push('## Diagnostics panel render', '');
  if (results.render.status === 'run') {
    out.push('From `bench/render/renderBench.ts` (headless Chromium):', '', '```json', JSON.stringify(results.render.figures, null, 2), '```', '');
  } else {
    out.push(`Not run: ${results.render.reason}`, '');
  }
  if (results.chatProvider !== undefined) {
    out.push('## Chat provider', '');
    out.push(results.chatProvider.status === 'run' ? chatProviderLine(results.chatProvider.figures) : `Not run: ${results.chatProvider.reason}`, '');
  }
  if (results.passthrough !== undefined) {
    out.push('## Healthy path: the manager against the bare SDK', '');
    out.push(results.passthrough.status === 'run' ? passthroughLine(results.passthrough.figures) : `Not run: ${results.passthrough.reason}`, '');
    out.push(
      'One process, the simulator in another; requests one at a time, the SDK\'s and the manager\'s alternating request by request, in rounds (the order swapped each round). ' +
        'CPU per request is each round\'s mean; the figure is the median over the rounds, shown with the lowest and highest round, so a pause elsewhere on the machine that lands in one round does not move it. ' +
        'Then the same without the network: fetch replays the simulator\'s recorded answer from memory (2,000 requests each, same rounds), leaving only the two clients\' own CPU, with no socket or wake-up cost, whose noise on a loaded machine is larger than the manager\'s whole share. ' +
        'The scenario table\'s client CPU is a different figure: a whole 30 s run of each client\'s worker process, side by side with the others, harness included.',
      '',
    );
  }
  if (results.endpoint !== undefined) {
    out.push('## Claude Code and the local endpoint', '');
    if (results.endpoint.status === 'run') out.push(...endpointSection(results.endpoint.figures));
    else out.push(`Not run: ${results.endpoint.reason}`, '');
  }
  writeFileSync(markdownPath, out.join('\n'));
}
