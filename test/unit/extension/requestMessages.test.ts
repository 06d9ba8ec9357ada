import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialFix, failureNotice, progressMessage, questionLabel, refusedProvider } from '../../../src/extension/requestMessages';
import type { AttemptRecord } from '../../../src/core/types';
import { formatMessage } from '../../../src/extension/translate';

test('a wait event says the real wait: "retrying in 2.6 s", "in 0.2 s" for 185 ms, whole seconds from 10 s', { timeout: 5000 }, () => {
  const wait = (delayMs: number): string | null =>
    progressMessage(
      { type: 'wait', time: 0, clientRequestId: 'c1', provider: 'anthropic', model: 'claude-opus-5-5', delayMs, reason: 'overloaded', nextAttempt: 2 },
      formatMessage,
    );
  assert.equal(wait(2600), 'Overloaded — retrying in 2.6 s (attempt 2)');
  assert.equal(wait(185), 'Overloaded — retrying in 0.2 s (attempt 2)');
  assert.equal(wait(3), 'Overloaded — retrying in 0.1 s (attempt 2)');
  assert.equal(wait(1000), 'Overloaded — retrying in 1 s (attempt 2)');
  assert.equal(wait(12_400), 'Overloaded — retrying in 12 s (attempt 2)');
});

test('a question label is one line, cut with an ellipsis', { timeout: 5000 }, () => {
  assert.equal(questionLabel('  Why\n do   breakers help? '), 'Why do breakers help?');
  assert.equal(questionLabel('x'.repeat(60), 10), `${'x'.repeat(9)}…`);
});

test('a fallback event names the model now answering', { timeout: 5000 }, () => {
  const message = progressMessage(
    {
      type: 'fallback',
      time: 0,
      clientRequestId: 'c1',
      from: { provider: 'anthropic', model: 'claude-opus-5-5' },
      to: { provider: 'anthropic', model: 'claude-sonnet-5-5' },
      reason: 'overloaded',
    },
    formatMessage,
  );
  assert.equal(message, 'Fell back to claude-sonnet-5-5 (claude-opus-5-5 overloaded)');
});

test('a successful attempt or a breaker change leaves the message alone', { timeout: 5000 }, () => {
  assert.equal(
    progressMessage(
      { type: 'attempt', time: 0, provider: 'anthropic', model: 'm', attempt: 1, status: 200, errorClass: null, errorType: null, latencyMs: 5, requestId: 'r', clientRequestId: 'c' },
      formatMessage,
    ),
    null,
  );
  assert.equal(
    progressMessage({ type: 'breaker', time: 0, provider: 'anthropic', model: 'm', from: 'closed', to: 'open', nextProbeAt: 1 }, formatMessage),
    null,
  );
});

test('an auth failure offers Set API Key first, and the reason says the key was rejected', { timeout: 5000 }, () => {
  const notice = failureNotice({ class: 'auth', message: 'Invalid API key', requestIds: ['req_1'] }, formatMessage);
  assert.deepEqual(notice.actions, ['setApiKey', 'copyRequestIds', 'showDiagnostics']);
  assert.match(notice.message, /^Claude: Authentication failed — .*401\/403.* Invalid API key\. \(1 request ID to escalate\)$/);
});

test('an overload failure names the class and counts the request ids to escalate', { timeout: 5000 }, () => {
  const notice = failureNotice({ class: 'overloaded', message: '', requestIds: ['a', 'b', 'c'] }, formatMessage);
  assert.deepEqual(notice.actions, ['copyRequestIds', 'showDiagnostics']);
  assert.match(notice.message, /Overloaded — .*529.*\(3 request IDs to escalate\)$/);
});

test('with no request ids there is nothing to copy', { timeout: 5000 }, () => {
  const notice = failureNotice({ class: 'timeout', message: 'stalled after headers', requestIds: [] }, formatMessage);
  assert.deepEqual(notice.actions, ['showDiagnostics']);
});

test('a stall says what happens: "No response from Opus 5.5 for 6 s — trying a fresh connection"', { timeout: 5000 }, () => {
  const stall = (phase: 'first_token' | 'mid_stream', silentMs: number, model = 'claude-opus-5-5'): string | null =>
    progressMessage({ type: 'stall', time: 0, clientRequestId: 'c1', provider: 'anthropic', model, silentMs, phase, action: phase === 'first_token' ? 'hedge' : 'reconnect' }, formatMessage);
  assert.equal(stall('first_token', 6_020), 'No response from Opus 5.5 for 6 s — trying a fresh connection');
  assert.equal(stall('first_token', 300), 'No response from Opus 5.5 for 0.3 s — trying a fresh connection');
  assert.equal(stall('first_token', 52), 'No response from Opus 5.5 for 0.1 s — trying a fresh connection', 'a quick cut is not called a second');
  assert.equal(stall('mid_stream', 35_400, 'claude-sonnet-4-5-20250929'), 'The answer from Sonnet 4.5 stopped for 35 s — continuing on a fresh connection');
  assert.equal(stall('first_token', 6_000, 'my-proxy-model'), 'No response from my-proxy-model for 6 s — trying a fresh connection');
  const elsewhere = (to: { provider: 'anthropic' | 'bedrock'; model: string }): string | null =>
    progressMessage({ type: 'stall', time: 0, clientRequestId: 'c1', provider: 'anthropic', model: 'claude-opus-5-5', silentMs: 6_000, phase: 'first_token', action: 'hedge', to }, formatMessage);
  assert.equal(elsewhere({ provider: 'anthropic', model: 'claude-sonnet-5-5' }), 'No response from Opus 5.5 for 6 s — trying Sonnet 5.5');
  assert.equal(elsewhere({ provider: 'bedrock', model: 'claude-opus-5-5' }), 'No response from Opus 5.5 for 6 s — trying Opus 5.5 via Bedrock');
  // The loser of a hedged pair is aborted on purpose: no "Canceled on …" line.
  assert.equal(
    progressMessage({ type: 'attempt', time: 0, clientRequestId: 'c1', provider: 'anthropic', model: 'claude-opus-5-5', attempt: 1, latencyMs: 700, status: null, errorClass: 'canceled', errorType: 'hedge_lost', requestId: null }, formatMessage),
    null,
  );
});

test('a failure notice says the class once: the manager\'s own head is cut to what it adds', { timeout: 5000 }, () => {
  const notice = failureNotice(
    { class: 'overloaded', message: 'Gave up after 3 attempts. Claude is overloaded (529 overloaded_error): Overloaded.', requestIds: ['a'] },
    formatMessage,
  );
  assert.equal(notice.message.includes('Claude is overloaded'), false);
  assert.match(notice.message, /Gave up after 3 attempts\. Last error: 529 overloaded_error — Overloaded\./);
  const chain = failureNotice(
    { class: 'rate_limited', message: 'No model in the chain could answer. Last error: ' + 'X', requestIds: [] },
    formatMessage,
  );
  assert.match(chain.message, /No model in the chain could answer\. Last error: X\./);
  const nested = failureNotice({ class: 'timeout', message: 'No model in the chain could answer. Last error: Claude did not answer in time (stall)', requestIds: [] }, formatMessage);
  assert.equal(nested.message.match(/Last error/g)?.length, 1);
});

test('refused credentials are mended where they live: the provider that refused them names the button', { timeout: 5000 }, () => {
  const attempt = (provider: 'anthropic' | 'bedrock' | 'vertex', errorClass: 'auth' | 'overloaded' | null) =>
    ({ time: 0, provider, model: 'claude-opus-5-5', attempt: 1, status: errorClass === 'auth' ? 401 : 529, errorClass, errorType: null, requestId: null, clientRequestId: 'c', latencyMs: 1 }) as unknown as AttemptRecord;
  assert.equal(refusedProvider([attempt('anthropic', 'overloaded'), attempt('vertex', 'auth')]), 'vertex');
  assert.equal(refusedProvider([attempt('bedrock', 'auth'), attempt('vertex', 'overloaded')]), 'bedrock');
  assert.equal(refusedProvider([]), null);
  assert.deepEqual(credentialFix('vertex', formatMessage), { command: 'resilientClaude.setVertexToken', title: 'Set Vertex Access Token' });
  assert.deepEqual(credentialFix('bedrock', formatMessage), { command: 'resilientClaude.setAwsCredentials', title: 'Set AWS Credentials' });
  assert.deepEqual(credentialFix(null, formatMessage), { command: 'resilientClaude.setApiKey', title: 'Set API Key' });
  assert.deepEqual(credentialFix('anthropic', formatMessage), { command: 'resilientClaude.setApiKey', title: 'Set API Key' });
});
