// The soak's figures and its Markdown page (bench/results/soak.md): the heap after each 1,000
// requests, the growth after warm-up, the slope over the second half, and (with a census) what
// grew by constructor.
export interface HeapSample {
  readonly requests: number;
  readonly heapMb: number;
}

export interface SoakFigures {
  readonly warmUpMb: number;
  readonly endMb: number;
  readonly growthMb: number;
  readonly peakMb: number;
  /** Least-squares slope of the heap over the second half of the run, in MB per 10,000 requests. */
  readonly slopeMbPer10k: number;
}

export function soakFigures(samples: readonly HeapSample[], warmUp: number): SoakFigures {
  const after = samples.filter((s) => s.requests >= warmUp);
  const warm = after[0] ?? samples[0];
  const last = samples[samples.length - 1];
  const half = samples.filter((s) => s.requests >= last.requests / 2);
  return {
    warmUpMb: warm.heapMb,
    endMb: last.heapMb,
    growthMb: last.heapMb - warm.heapMb,
    peakMb: Math.max(...after.map((s) => s.heapMb)),
    slopeMbPer10k: slope(half) * 10_000,
  };
}

function slope(points: readonly HeapSample[]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.requests, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.heapMb, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.requests - meanX) * (p.heapMb - meanY);
    den += (p.requests - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export function soakSummary(total: number, seconds: number, figures: SoakFigures, warmUp: number): string {
  return (
    `${total} requests in ${seconds} s\n` +
    `heap after warm-up (${warmUp}): ${figures.warmUpMb.toFixed(2)} MB; at the end: ${figures.endMb.toFixed(2)} MB; ` +
    `growth ${figures.growthMb.toFixed(2)} MB; peak after warm-up ${figures.peakMb.toFixed(2)} MB\n` +
    `slope over the second half: ${figures.slopeMbPer10k.toFixed(3)} MB per 10,000 requests\n`
  );
}

export function soakMarkdown(input: {
  readonly date: string;
  readonly total: number;
  readonly seconds: number;
  readonly warmUp: number;
  readonly samples: readonly HeapSample[];
  readonly figures: SoakFigures;
  readonly growth: readonly { name: string; count: number; bytes: number }[] | null;
  readonly setup: string;
}): string {
  const { figures } = input;
  const every = Math.max(1, Math.round(input.samples.length / 25));
  const rows = input.samples.filter((_, i) => i % every === every - 1 || i === input.samples.length - 1);
  const lines = [
    `# Soak (${input.date})`,
    '',
    input.setup,
    '',
    `${input.total} requests in ${input.seconds} s. Heap after warm-up (${input.warmUp} requests) ${figures.warmUpMb.toFixed(2)} MB, ` +
      `at the end ${figures.endMb.toFixed(2)} MB (growth ${figures.growthMb.toFixed(2)} MB; goal: under 8 MB), peak after warm-up ` +
      `${figures.peakMb.toFixed(2)} MB, slope over the second half ${figures.slopeMbPer10k.toFixed(3)} MB per 10,000 requests.`,
    '',
    '| requests | heap in use (MB) |',
    '|---:|---:|',
    ...rows.map((s) => `| ${s.requests} | ${s.heapMb.toFixed(2)} |`),
  ];
  if (input.growth !== null) {
    lines.push('', `What grew from warm-up to the end, by constructor (heap snapshots):`, '', '| constructor | objects | bytes |', '|---|---:|---:|');
    for (const row of input.growth.slice(0, 12)) lines.push(`| ${row.name.replace(/\|/g, '\\|')} | ${row.count} | ${row.bytes} |`);
  }
  return `${lines.join('\n')}\n`;
}
