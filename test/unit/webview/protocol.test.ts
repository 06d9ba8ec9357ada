import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_PANEL_STATE,
  ERROR_CLASSES,
  HISTORY_WINDOWS,
  PANEL_TABS,
  PROVIDERS,
  panelStateOrDefault,
  parsePanelState,
  parseWebviewMessage,
} from '../../../src/webview/protocol';
import type { PanelState, WebviewToHost } from '../../../src/webview/protocol';

const models = fc.constantFrom('claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'anthropic.claude-opus-5-5');
const validState: fc.Arbitrary<PanelState> = fc.record({
  window: fc.constantFrom(...HISTORY_WINDOWS),
  modelFilter: fc.oneof(fc.constant('all'), models),
  classFilter: fc.constantFrom('all' as const, ...ERROR_CLASSES),
  tab: fc.constantFrom(...PANEL_TABS),
}, { noNullPrototype: true });
const requestIds = fc.stringMatching(/^req_[A-Za-z0-9]{4,30}$/);

const validMessage: fc.Arbitrary<WebviewToHost> = fc.oneof(
  validState.map((state) => ({ type: 'ready' as const, state })),
  validState.map((state) => ({ type: 'stateChanged' as const, state })),
  fc.record({
    type: fc.constant('copyId' as const),
    kind: fc.constantFrom('requestId' as const, 'clientRequestId' as const),
    value: requestIds,
    copyKey: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  }, { noNullPrototype: true }),
  fc.record({ type: fc.constantFrom('copyReport' as const, 'exportJson' as const), window: fc.constantFrom(...HISTORY_WINDOWS) }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('resetBreaker' as const), provider: fc.constantFrom(...PROVIDERS), model: models }, { noNullPrototype: true }),
  fc.record({ type: fc.constant('useModel' as const), model: models }, { noNullPrototype: true }),
  fc.constantFrom({ type: 'resetAllBreakers' as const }, { type: 'refreshStatus' as const }),
);

describe('webview → host message validation', () => {
  it('accepts every well-formed message and returns an equal, separate copy', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const parsed = parseWebviewMessage(message);
        assert.deepEqual(parsed, message);
        assert.notEqual(parsed, message);
      }),
    );
  });

  it('never throws and never accepts random junk', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true }), (junk) => {
        const parsed = parseWebviewMessage(junk);
        // Random values almost never form a valid message; when one does, it must round-trip exactly.
        if (parsed !== undefined) assert.deepEqual(parsed, junk);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a valid message with any one field replaced by junk or an extra field added', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(validMessage, fc.anything(), fc.string(), (message, junk, extraKey) => {
        const keys = Object.keys(message).filter((k) => k !== 'type');
        for (const key of keys) {
          const broken = { ...message, [key]: junk };
          const parsed = parseWebviewMessage(broken);
          if (parsed !== undefined) assert.deepEqual(parsed, broken); // junk happened to be valid
        }
        if (!(extraKey in message)) {
          assert.equal(parseWebviewMessage({ ...message, [extraKey]: junk }), undefined);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects ids that could smuggle text onto the clipboard', { timeout: 5000 }, () => {
    for (const value of ['', ' req_1', 'req_1\nrm -rf /', 'x'.repeat(500), 'sk-ant-api03 secret', '<img src=x>']) {
      assert.equal(parseWebviewMessage({ type: 'copyId', kind: 'requestId', value, copyKey: 'k1' }), undefined, value);
    }
  });

  it('ignores getters and prototype tricks', { timeout: 5000 }, () => {
    let getterRan = false;
    const sneaky = Object.defineProperty({ type: 'useModel' }, 'model', {
      enumerable: true,
      get() {
        getterRan = true;
        return 'claude-opus-5-5';
      },
    });
    assert.equal(parseWebviewMessage(sneaky), undefined);
    assert.equal(getterRan, false);
    const inherited = Object.create({ model: 'claude-opus-5-5' }) as object;
    Object.assign(inherited, { type: 'useModel' });
    assert.equal(parseWebviewMessage(inherited), undefined);
    assert.equal(parseWebviewMessage(JSON.parse('{"type":"useModel","model":"m","__proto__":{"x":1}}')), undefined);
  });
});

describe('restored panel state', () => {
  it('keeps a valid state and replaces anything else with the defaults', { timeout: 20_000 }, () => {
    fc.assert(fc.property(validState, (state) => assert.deepEqual(panelStateOrDefault(state), state)));
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const restored = panelStateOrDefault(junk);
        assert.ok(parsePanelState(restored), 'always a usable state');
        if (parsePanelState(junk) === undefined) assert.deepEqual(restored, DEFAULT_PANEL_STATE);
      }),
      { numRuns: 1000 },
    );
  });
});
