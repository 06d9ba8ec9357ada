import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnswerEventParams, parseAnsweringParams, parseAttachParams, parseBreakers, parseBrokerInfo, parseCredentialsParams, parseEventParams, parseHelloOptions, parseOutcome, parseRefusal, parseRequestEventParams, parseStreamParams } from '../../../src/broker/protocol';

const CHALLENGE = 'ab'.repeat(32);
const CONFIG = { models: ['claude-opus-5-5'], providers: [{ id: 'anthropic', baseURL: 'http://127.0.0.1:1', secretFields: ['apiKey'] }] };

describe('broker protocol validators', () => {
  it('accept the shapes both sides send', () => {
    assert.deepEqual(parseHelloOptions({ protocolVersion: 1, kind: 'window', name: 'x', challenge: CHALLENGE }), { protocolVersion: 1, kind: 'window', name: 'x', challenge: CHALLENGE });
    assert.equal(parseAttachParams({ config: CONFIG, historyFile: null })?.config.providers[0]?.id, 'anthropic');
    const stream = parseStreamParams({ managerId: 'm_1', request: { messages: [] }, priority: 'background', clientRequestId: 'rc_1', secrets: [{ apiKey: 'k' }] });
    assert.equal(stream?.priority, 'background');
    assert.equal(parseEventParams({ managerId: 'm_1', event: { type: 'attempt', time: 1 } })?.event.type, 'attempt');
    assert.equal(parseRequestEventParams({ clientRequestId: 'rc_1', event: { type: 'wait', time: 1 } })?.event.type, 'wait');
    assert.equal(parseOutcome({ ok: true, clientRequestId: 'rc_1', text: 'hi', attempts: [] })?.ok, true);
    const answering = { requestId: 'req_1', provider: 'anthropic', model: 'claude-sonnet-5-5' };
    assert.deepEqual(parseAnsweringParams({ clientRequestId: 'rc_1', answering }), { clientRequestId: 'rc_1', answering });
    assert.equal(parseAnsweringParams({ clientRequestId: 'rc_1', answering: { ...answering, requestId: null } })?.answering.requestId, null);
  });

  it('carry only anthropic-beta and anthropic-version as a request\'s pass-through headers', () => {
    const base = { managerId: 'm_1', request: {}, priority: 'interactive', clientRequestId: 'rc_1', secrets: [] };
    const headers = { 'anthropic-beta': 'a-2025-01-01,b-2025-02-02', 'anthropic-version': '2023-06-01' };
    assert.deepEqual(parseStreamParams({ ...base, headers })?.headers, headers);
    assert.equal(parseStreamParams(base)?.headers, undefined);
    for (const bad of [{ 'x-api-key': 'sk-ant-x' }, { authorization: 'Bearer t' }, { 'anthropic-beta': 7 }, { 'anthropic-beta': 'a\r\nx-api-key: k' }, { 'anthropic-beta': '' }, { 'anthropic-beta': 'b'.repeat(5000) }, 'anthropic-beta: a', null]) {
      assert.equal(parseStreamParams({ ...base, headers: bad }), null, JSON.stringify(bad));
    }
  });

  it('refuse anything else without throwing', () => {
    const hellos = [
      { protocolVersion: '1', kind: 'window', name: 'x', challenge: CHALLENGE },
      { protocolVersion: 1, kind: 'robot', name: 'x', challenge: CHALLENGE },
      { protocolVersion: 1, kind: 'window', name: 'x' },
      { protocolVersion: 1, kind: 'window', name: 'x', challenge: 'short' },
    ];
    for (const bad of [null, 42, 'x', [], ...hellos]) {
      assert.equal(parseHelloOptions(bad), null);
    }
    assert.equal(parseAttachParams({ config: { providers: [] }, historyFile: null }), null);
    assert.equal(parseAttachParams({ config: { providers: [{ id: 'anthropic', secretFields: ['api key'] }] }, historyFile: null }), null);
    assert.equal(parseAttachParams({ config: CONFIG, historyFile: '' }), null);
    assert.equal(parseStreamParams({ managerId: 'm_1', request: {}, priority: 'urgent', clientRequestId: 'rc_1', secrets: [] }), null);
    assert.equal(parseStreamParams({ managerId: 'm_1', request: {}, priority: 'interactive', clientRequestId: 'rc_1', secrets: [{ apiKey: 7 }] }), null);
    assert.equal(parseEventParams({ managerId: 'm_1', event: { type: 'attempt' } }), null);
    assert.equal(parseRequestEventParams({ clientRequestId: 'rc_1', event: { type: 'wait' } }), null);
    assert.equal(parseRequestEventParams({ clientRequestId: 7, event: { type: 'wait', time: 1 } }), null);
    assert.equal(parseRequestEventParams({ event: { type: 'wait', time: 1 } }), null);
    assert.equal(parseAnsweringParams({ clientRequestId: 'rc_1', answering: { requestId: 7, provider: 'anthropic', model: 'm' } }), null);
    assert.equal(parseAnsweringParams({ clientRequestId: 'rc_1', answering: { requestId: 'req_1', model: 'm' } }), null);
    assert.equal(parseAnsweringParams({ answering: { requestId: 'req_1', provider: 'anthropic', model: 'm' } }), null);
    assert.equal(parseOutcome({ ok: false, clientRequestId: 'rc_1', text: '', attempts: [] }), null);
    assert.equal(parseBreakers([{ provider: 'anthropic', model: 'm', state: 'melted', since: 0, nextProbeAt: null, consecutiveFailures: 0 }]), null);
  });

  it("carry an answer's events for a caller that asks for them: the API's of any type, the manager's known notices", () => {
    const base = { managerId: 'm_1', request: {}, priority: 'interactive', clientRequestId: 'rc_1', secrets: [] };
    assert.equal(parseStreamParams({ ...base, events: true })?.events, true);
    assert.equal(parseStreamParams(base)?.events, undefined);
    assert.equal(parseStreamParams({ ...base, events: 'yes' })?.events, undefined);
    const api = { source: 'api', event: { type: 'content_block_start', index: 2, content_block: { type: 'hologram_tool_result', frames: 3 } } };
    assert.deepEqual(parseAnswerEventParams({ clientRequestId: 'rc_1', event: api }), { clientRequestId: 'rc_1', event: api });
    const notice = { source: 'manager', notice: { type: 'incomplete', message: 'cut', error: { type: 'api_error', message: 'cut' } } };
    assert.deepEqual(parseAnswerEventParams({ clientRequestId: 'rc_1', event: notice })?.event, notice);
    for (const bad of [
      { source: 'api', event: { index: 0 } },
      { source: 'api', event: 'message_stop' },
      { source: 'manager', notice: { type: 'shrug', message: 'x' } },
      { source: 'manager', notice: { type: 'recovered' } },
      { source: 'manager', notice: { type: 'incomplete', message: 'x', error: { type: 7, message: 'x' } } },
      { source: 'elsewhere', event: { type: 'message_stop' } },
      null,
    ]) {
      assert.equal(parseAnswerEventParams({ clientRequestId: 'rc_1', event: bad }), null, JSON.stringify(bad));
    }
    assert.equal(parseAnswerEventParams({ event: api }), null);
    const info = { pid: 1, protocolVersion: 5, startedAt: 0, clients: { windows: 1, clis: 0 } };
    assert.equal(parseBrokerInfo({ ...info, answerEvents: true })?.answerEvents, true);
    assert.equal(parseBrokerInfo(info)?.answerEvents, undefined, 'a broker from before answer events');
  });

  it('reads a refusal from an initialize result, and nothing from a handshake or a malformed one', () => {
    assert.equal(parseRefusal({ capabilities: {}, refused: 'it already serves 64 connections' }), 'it already serves 64 connections');
    assert.equal(parseRefusal({ capabilities: {}, broker: { pid: 1 }, proof: 'ab' }), null);
    assert.equal(parseRefusal({ refused: '' }), null);
    assert.equal(parseRefusal({ refused: 'x'.repeat(501) }), null);
    assert.equal(parseRefusal({ refused: 7 }), null);
    assert.equal(parseRefusal(null), null);
  });

  it("take a client's credentials to name only in their request's shape, and refuse anything else", () => {
    const secrets = [{ apiKey: 'sk-ant-x' }];
    assert.deepEqual(parseCredentialsParams({ managerId: 'm1', secrets }), { managerId: 'm1', secrets });
    assert.deepEqual(parseCredentialsParams({ managerId: 'm1', secrets: [] }), { managerId: 'm1', secrets: [] });
    assert.equal(parseCredentialsParams({ managerId: 'm1' }), null);
    assert.equal(parseCredentialsParams({ managerId: 'm1', secrets: [{ apiKey: 7 }] }), null);
    assert.equal(parseCredentialsParams({ managerId: 'm1', secrets: [{ 'bad name': 'x' }] }), null);
    assert.equal(parseCredentialsParams({ secrets }), null);
    assert.equal(parseCredentialsParams(null), null);
  });
});
