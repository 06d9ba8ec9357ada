// The endpoint benchmark in its quick form: the real Claude Code CLI alone and through one local
// endpoint, side by side, on a primary outage (one session) and a rate-limit storm (five at once),
// then the endpoint's cost on the healthy scenario (SDK alone, our manager alone, through the endpoint).
//   node --import tsx --test bench/test/endpointBench.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINT_QUICK, measureEndpoint } from '../endpoint/endpointBench';
import { claudeCodeTable, comparisonLine, overheadLine } from '../endpoint/endpointFigures';

test('Claude Code through the endpoint answers the outage and the storm; alone it waits or fails; the endpoint\'s cost is measured', { timeout: 180_000 }, async (t) => {
  const figures = await measureEndpoint(ENDPOINT_QUICK);
  const overheads = [figures.overhead, ...(figures.overheadServed !== null ? [figures.overheadServed] : [])];
  for (const line of [...figures.comparisons.map(comparisonLine), ...overheads.map(overheadLine)]) t.diagnostic(line);
  assert.equal(figures.claudeCodeNotRun, null);
  const [outage, storm] = figures.comparisons;
  assert.ok(outage && storm, JSON.stringify(figures));
  const said = figures.comparisons.map(comparisonLine).join('\n');

  // Primary down for the whole run: alone, Claude Code has no fallback and fails; through the
  // endpoint the fallback answers.
  assert.equal(outage.alone.answered, 0, said);
  assert.ok(outage.alone.upstream529 >= 1, said);
  assert.equal(outage.endpoint.answered, 1, said);

  // Storm: five sessions each way. Start-up alone can take most of the cap on a busy machine, so
  // only what holds whatever the timing: sharing one endpoint never costs more answers, upstream
  // attempts or 429s than five sessions alone.
  assert.equal(storm.endpoint.sessions, 5);
  assert.ok(storm.endpoint.answered >= storm.alone.answered, said);
  assert.ok(storm.endpoint.upstream429 <= storm.alone.upstream429, said);

  const o = figures.overhead;
  assert.equal(o.requests, ENDPOINT_QUICK.overheadRequests);
  assert.ok(o.p50DirectMs > 0 && o.p50EndpointMs > 0 && o.ttftP50DirectMs > 0 && o.ttftP50EndpointMs > 0, JSON.stringify(o));
  assert.ok((o.p50ManagerMs ?? 0) > 0 && (o.ttftP50ManagerMs ?? 0) > 0, JSON.stringify(o));
  assert.match(overheadLine(o), /^Endpoint's cost \(healthy, 20 streamed requests per lane, interleaved, endpoint in-process\): through the endpoint p50 /);
  assert.equal(claudeCodeTable(figures.comparisons).length, 2 + 3 * 2);
});
