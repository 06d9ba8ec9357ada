import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { fetchStatusSummary, parseStatusSummary, StatusPageError } from '../../../src/core/status/statusSummary';
import { StatusPoller } from '../../../src/core/status/statusPoller';

const incidentSummary = {
  page: { id: 'p', name: 'Claude', url: 'https://status.claude.com', updated_at: '2026-11-22T05:00:00Z' },
  status: { indicator: 'major', description: 'Partial System Outage' },
  components: [],
  incidents: [
    { id: 'a', name: 'Old fixed thing', status: 'resolved', impact: 'minor', shortlink: 'https://stspg.io/a', updated_at: '2026-11-21T00:00:00Z' },
    { id: 'b', name: 'Elevated errors on Claude Opus', status: 'investigating', impact: 'major', shortlink: 'https://stspg.io/b', updated_at: '2026-11-22T05:00:00Z' },
    { id: 'c', name: 'Bad link', status: 'identified', shortlink: 'javascript:alert(1)' },
  ],
  scheduled_maintenances: [],
};

describe('status page summary parsing', () => {
  it('reports the open incidents only, newest first, with safe links', { timeout: 5000 }, () => {
    const summary = parseStatusSummary(incidentSummary);
    assert.equal(summary.indicator, 'major');
    assert.equal(summary.description, 'Partial System Outage');
    assert.deepEqual(
      summary.incidents.map((i) => [i.name, i.status, i.url]),
      [
        ['Elevated errors on Claude Opus', 'investigating', 'https://stspg.io/b'],
        ['Bad link', 'identified', null],
      ],
    );
  });

  it('names the field that is wrong', { timeout: 5000 }, () => {
    assert.throws(() => parseStatusSummary({ status: { indicator: 'meltdown' } }), /status\.indicator/);
    assert.throws(() => parseStatusSummary({ status: { indicator: 'none' }, incidents: [{ status: 'investigating' }] }), /incidents\[0\]\.name/);
    assert.throws(() => parseStatusSummary([]), StatusPageError);
  });

  it('never throws anything but StatusPageError on junk', { timeout: 10_000 }, () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          parseStatusSummary(junk);
        } catch (error) {
          assert.ok(error instanceof StatusPageError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('status page client over HTTP', () => {
  it('fetches, reports HTTP errors clearly, and polls only while needed', { timeout: 15_000 }, async () => {
    let hits = 0;
    let answer: { code: number; body: string } = { code: 200, body: JSON.stringify(incidentSummary) };
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(answer.code, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/summary.json`;
    try {
      const summary = await fetchStatusSummary(url);
      assert.equal(summary.incidents[0]?.name, 'Elevated errors on Claude Opus');

      answer = { code: 503, body: 'down' };
      await assert.rejects(fetchStatusSummary(url), /HTTP 503/);
      answer = { code: 200, body: '<html>' };
      await assert.rejects(fetchStatusSummary(url), /did not answer JSON/);
      await assert.rejects(fetchStatusSummary('file:///etc/passwd'), /must be http/);

      answer = { code: 200, body: JSON.stringify(incidentSummary) };
      hits = 0;
      const poller = new StatusPoller({ url, intervalMs: 50 });
      const readings: number[] = [];
      poller.onReading((r) => readings.push(r.summary?.incidents.length ?? -1));
      await new Promise((r) => setTimeout(r, 120));
      assert.equal(hits, 0, 'no polling before anyone needs it');
      poller.setNeeded('panel', true);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(hits >= 2, `polled repeatedly while needed (${hits})`);
      assert.equal(readings[0], 2);

      answer = { code: 500, body: '' };
      const failed = await poller.pollNow();
      assert.match(failed?.error ?? '', /HTTP 500/);
      assert.equal(failed?.summary?.incidents.length, 2, 'keeps the last good incidents');

      poller.setNeeded('panel', false);
      const stoppedAt = hits;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(hits, stoppedAt, 'stops when no longer needed');
      poller.dispose();
    } finally {
      // Kept-alive sockets would hold close() for the server's keep-alive timeout (5 s).
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
