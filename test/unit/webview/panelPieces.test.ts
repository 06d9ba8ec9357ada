import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bannersFor, RETRIES_WONT_FIX } from '../../../src/webview/banners';
import { chartColumns } from '../../../src/webview/chartData';
import { filterFailures } from '../../../src/webview/failuresView';
import { formatPercent, formatProbe } from '../../../src/webview/format';
import { contentSecurityPolicy, panelHtml } from '../../../src/extension/diagnostics/panelHtml';
import { Throttle } from '../../../src/extension/diagnostics/throttle';
import { syntheticSnapshot } from '../../../bench/render/syntheticSnapshot';

describe('banners', () => {
  it('in a 529 storm during a posted incident, says retries will not fix it', { timeout: 5000 }, () => {
    const snapshot = syntheticSnapshot({ now: 1_800_000_000_000, window: '1h' });
    const banners = bannersFor(snapshot);
    assert.equal(banners[0]?.kind, 'incident');
    assert.ok(banners[0]?.text.startsWith(RETRIES_WONT_FIX));
    assert.match(banners[0]?.text ?? '', /Elevated errors on Claude Opus/);
    assert.ok(banners.some((b) => b.kind === 'alert' && /claude-opus-5-5: 31%.*above the 5\.0% threshold/.test(b.text)));
  });

  it('shows an incident without the storm wording when nothing is failing, and nothing when all is well', { timeout: 5000 }, () => {
    const base = syntheticSnapshot({ now: 1_800_000_000_000, window: '1h' });
    const calm = { ...base, alert: { ...base.alert, firing: [] } };
    const banners = bannersFor(calm);
    assert.equal(banners.length, 1);
    assert.doesNotMatch(banners[0]?.text ?? '', /retries/);
    assert.match(banners[0]?.text ?? '', /Anthropic status: “Elevated errors on Claude Opus”/);
    assert.deepEqual(bannersFor({ ...calm, anthropicStatus: null }), []);
  });
});

describe('chart columns and failure filters', () => {
  it('gives per-bucket 529 counts and rates, with gaps where there were no attempts', { timeout: 5000 }, () => {
    const c = chartColumns(
      {
        model: 'm',
        buckets: [
          { start: 60_000, attempts: 10, successes: 7, overloaded529: 2, rateLimited429: 1, server5xx: 0, other: 0 },
          { start: 120_000, attempts: 0, successes: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0, other: 0 },
        ],
        totals: { attempts: 10, successes: 7, overloaded529: 2, rateLimited429: 1, server5xx: 0, other: 0 },
      },
      0.05,
    );
    assert.deepEqual(c.x, [60, 120]);
    assert.deepEqual(c.overloaded529, [2, 0]);
    assert.deepEqual(c.rateLimited429, [1, 0]);
    assert.deepEqual(c.rate529Percent, [20, null]);
    assert.deepEqual(c.thresholdPercent, [5, 5]);
  });

  it('filters failures by model and class', { timeout: 5000 }, () => {
    const rows = syntheticSnapshot({ failures: 40 }).failures;
    const opus = filterFailures(rows, 'claude-opus-5-5', 'all');
    assert.ok(opus.length > 0 && opus.every((r) => r.model === 'claude-opus-5-5'));
    const opus529 = filterFailures(rows, 'claude-opus-5-5', 'overloaded');
    assert.ok(opus529.every((r) => r.errorClass === 'overloaded' && r.model === 'claude-opus-5-5'));
    assert.equal(filterFailures(rows, 'all', 'all').length, 40);
  });

  it('formats rates and probe countdowns', { timeout: 5000 }, () => {
    assert.equal(formatPercent(0.31), '31%');
    assert.equal(formatPercent(0.05), '5.0%');
    assert.equal(formatPercent(null), '—');
    assert.equal(formatProbe(10_000 + 65_000, 10_000), 'next probe in 1 min');
    assert.equal(formatProbe(5, 10), 'probed by the next request routed here');
    assert.equal(formatProbe(5, 10, 60_010), 'probed by the next request routed here; closes in 1 min if no request comes');
    assert.equal(formatProbe(null, 10, null), '');
  });
});

describe('panel HTML', () => {
  it('has a strict CSP: nonce scripts only, styles and fonts only from the extension', { timeout: 5000 }, () => {
    const html = panelHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123' });
    assert.equal(
      contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123'),
      "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; font-src https://x.vscode-cdn.net",
    );
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-abc123'/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/webview.js"><\/script>/);
    assert.doesNotMatch(html, /style="/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});

describe('live update throttle', () => {
  it('turns a storm of changes into at most one render per interval, the last change included', { timeout: 5000 }, () => {
    let now = 0;
    const timers: Array<{ at: number; run: () => void }> = [];
    let renders = 0;
    const throttle = new Throttle(() => renders++, 250, {
      now: () => now,
      setTimeout: (run, ms) => {
        const t = { at: now + ms, run };
        timers.push(t);
        return t;
      },
      clearTimeout: (handle) => timers.splice(timers.indexOf(handle as (typeof timers)[number]), 1),
    });
    // 1000 changes over 2 s (a 500/s storm).
    for (let i = 0; i < 1000; i++) {
      now = i * 2;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
      throttle.schedule();
    }
    now = 3000;
    for (const t of timers.splice(0)) t.run();
    assert.ok(renders <= 2000 / 250 + 2, `renders: ${renders}`);
    assert.ok(renders >= 8, 'still updates live during the storm');
    const before = renders;
    throttle.flush();
    assert.equal(renders, before + 1);
  });
});
