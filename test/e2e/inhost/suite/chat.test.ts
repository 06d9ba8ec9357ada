// Claude in VS Code's own chat, inside the real extension host, against the simulator on
// 127.0.0.1: this suite is "another extension" using vscode.lm — it selects our models,
// sends requests with tools, cancels one, meets an outage and a failure — and drives the
// @claude participant's handler with a recording response stream.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { canonicalAnswer, startSimulator } from '../../../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { meterTraffic } from './chatTrafficMeter';
import { test } from './runner';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const VENDOR = 'resilient-claude';
const KEY = 'sk-ant-inhost-chat-5d2c8e1b7a';
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';

async function hooks(): Promise<ResilientClaudeTestHooks> {
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const exported = await extension.activate();
  assert.ok(exported, 'in test mode the extension hands its parts to its own suite');
  return exported;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('resilientClaude');
}

/** Runs `body` with requests going to a simulator (at `url`, e.g. a relay in front of it) with our key. */
async function withSimulator(
  scenario: Scenario | string,
  body: (simulator: RunningSimulator, parts: ResilientClaudeTestHooks) => Promise<void>,
  route: (simulator: RunningSimulator) => Promise<{ url: string; close: () => Promise<void> }> = async (s) => ({ url: s.url, close: async () => undefined }),
): Promise<void> {
  const parts = await hooks();
  const simulator = await startSimulator({ scenario, apiKey: KEY });
  const relay = await route(simulator);
  try {
    await config().update('baseUrl', relay.url, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.baseUrl === relay.url, 'the base URL to apply');
    await parts.keys.set(KEY);
    parts.client.resetBreakers();
    await body(simulator, parts);
  } finally {
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await parts.keys.clear();
    parts.client.resetBreakers();
    await relay.close();
    await simulator.close();
  }
}

async function model(id: string): Promise<vscode.LanguageModelChat> {
  const [found] = await vscode.lm.selectChatModels({ vendor: VENDOR, id });
  assert.ok(found, `${id} is offered by ${VENDOR}`);
  return found;
}

function messageRequests(simulator: RunningSimulator): Array<{ model: string; outcome: string; requestId: string }> {
  return simulator.stats().requests.filter((r) => r.path === '/v1/messages');
}

interface Collected {
  text: string;
  calls: vscode.LanguageModelToolCallPart[];
  data: vscode.LanguageModelDataPart[];
}

async function collect(response: vscode.LanguageModelChatResponse): Promise<Collected> {
  const collected: Collected = { text: '', calls: [], data: [] };
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) collected.text += part.value;
    else if (part instanceof vscode.LanguageModelToolCallPart) collected.calls.push(part);
    else if (part instanceof vscode.LanguageModelDataPart) collected.data.push(part);
  }
  return collected;
}

const TOOLS: vscode.LanguageModelChatTool[] = [
  {
    name: 'get_weather',
    description: 'The weather in a city',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  { name: 'get_time', description: 'The time in a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } },
];

test('chat: vscode.lm offers our models, the configured chain first, with their limits', async () => {
  await withSimulator('healthy', async () => {
    const models = await vscode.lm.selectChatModels({ vendor: VENDOR });
    assert.deepEqual(models.slice(0, 4).map((m) => m.id), ['resilient-chain', OPUS, SONNET, HAIKU]);
    assert.equal(models[0]!.name, 'Claude (resilient)');
    const opus = models[1]!;
    assert.equal(opus.vendor, VENDOR);
    assert.equal(opus.family, 'claude-opus');
    assert.ok(opus.maxInputTokens > 0);
    const counted = await opus.countTokens('How many tokens is this sentence, roughly?');
    assert.ok(counted > 5 && counted < 40, `a local count (${counted})`);
  });
}, { timeout: 40_000 });

test('chat: sendRequest with tools yields text parts and one tool-call part per tool_use, and takes the results back', async () => {
  await withSimulator('healthy', async (simulator) => {
    const opus = await model(OPUS);
    const question = 'Weather and time in Paris? [[tool:get_weather {"city":"Paris"}]] [[tool:get_time {"city":"Paris"}]]';
    const first = await collect(await opus.sendRequest([vscode.LanguageModelChatMessage.User(question)], { tools: TOOLS }));
    assert.deepEqual(first.calls.map((c) => c.name), ['get_weather', 'get_time'], 'one tool-call part per tool_use, in order');
    assert.deepEqual(first.calls[0]!.input, { city: 'Paris' });
    assert.equal(new Set(first.calls.map((c) => c.callId)).size, 2);
    const usage = first.data.find((d) => d.mimeType === 'token_usage');
    assert.ok(usage, 'usage is reported as a token_usage data part');
    assert.ok((JSON.parse(new TextDecoder().decode(usage.data)) as { prompt_tokens: number }).prompt_tokens > 0);

    const second = await collect(
      await opus.sendRequest(
        [
          vscode.LanguageModelChatMessage.User(question),
          vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelTextPart(first.text), ...first.calls]),
          vscode.LanguageModelChatMessage.User(
            first.calls.map((c) => new vscode.LanguageModelToolResultPart(c.callId, [new vscode.LanguageModelTextPart(`${c.name}: fine`)])),
          ),
        ],
        { tools: TOOLS },
      ),
    );
    assert.equal(second.calls.length, 0, 'with the results in, the model answers in text');
    assert.ok(second.text.length > 0);
    const sent = messageRequests(simulator);
    assert.equal(sent.length, 2);
    assert.ok(sent.every((r) => r.outcome === 'ok'), JSON.stringify(sent));
  });
}, { timeout: 40_000 });

test('chat: a 529 outage on Opus is answered by the fallback, and the text is only the model\'s', async () => {
  await withSimulator({ name: 'opus-outage', models: { [OPUS]: { p529: 1 } } }, async (simulator) => {
    const prompt = 'Explain circuit breakers in one line.';
    // "Claude (resilient)", the chain entry: what the picker selects unless the user picks a model.
    const answer = await collect(await (await model('resilient-chain')).sendRequest([vscode.LanguageModelChatMessage.User(prompt)]));
    const sent = messageRequests(simulator);
    assert.ok(sent.some((r) => r.model === OPUS && r.outcome === '529'), 'Opus answered 529');
    assert.equal(sent.at(-1)?.model, SONNET, 'Sonnet answered');
    assert.equal(answer.text, canonicalAnswer(prompt), 'no note of ours inside the answer');
  });
}, { timeout: 60_000 });

test('chat: a failure surfaces as a LanguageModelError carrying the request ids', async () => {
  await withSimulator({ name: 'all-overloaded', defaults: { p529: 1 } }, async (simulator) => {
    await config().update('retry.maxAttempts', 3, vscode.ConfigurationTarget.Global);
    try {
      let caught: unknown;
      try {
        await collect(await (await model(OPUS)).sendRequest([vscode.LanguageModelChatMessage.User('Anyone there?')]));
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof vscode.LanguageModelError, `a LanguageModelError (got ${String(caught)})`);
      const ids = messageRequests(simulator).map((r) => r.requestId);
      assert.equal(ids.length, 3);
      for (const id of ids) assert.ok(caught.message.includes(id), `the message names ${id}: ${caught.message}`);
      assert.match(caught.message, /Overloaded/);
    } finally {
      await config().update('retry.maxAttempts', undefined, vscode.ConfigurationTarget.Global);
    }
  });
}, { timeout: 60_000 });

test('chat: cancelling a request stops its upstream traffic at once, ends the connection and makes no further attempt', async () => {
  let meter: Awaited<ReturnType<typeof meterTraffic>> | undefined;
  const slow: Scenario = { name: 'slow-stream', defaults: { tokensPerSecond: 8, outputTokens: 400 } };
  await withSimulator(
    slow,
    async (simulator) => {
      const source = new vscode.CancellationTokenSource();
      const response = await (await model(OPUS)).sendRequest([vscode.LanguageModelChatMessage.User('Tell me a long story.')], {}, source.token);
      let cancelledAt = 0;
      const finished = (async () => {
        try {
          for await (const part of response.stream) {
            if (part instanceof vscode.LanguageModelTextPart && cancelledAt === 0) {
              cancelledAt = Date.now();
              source.cancel();
            }
          }
        } catch {
          // A cancelled response may end with a cancellation error.
        }
      })();
      await finished;
      assert.ok(cancelledAt > 0, 'some text arrived before the cancel');
      const connections = meter!.connections.filter((c) => c.bytesDown > 0);
      await until(() => connections.every((c) => c.closedAt !== null), 'the upstream connection to close', 8_000);
      const endedAfter = Math.max(...connections.map((c) => c.endedAt! - cancelledAt));
      const closedAfter = Math.max(...connections.map((c) => c.closedAt! - cancelledAt));
      const lastByte = Math.max(...connections.map((c) => (c.lastByteAt ?? cancelledAt) - cancelledAt));
      console.log(`# upstream ended ${endedAfter} ms after the cancel, closed after ${closedAfter} ms; last bytes ${lastByte} ms after it`);
      // No answer bytes flow after the cancel. From a plain Node client (in-process, or through the
      // broker) the connection also ends within 100 ms; here, through the shared broker (the
      // default), its end was seen 2.3–2.9 s after the cancel (reported; the bound stays loose).
      assert.ok(lastByte < 1_000, `bytes still came ${lastByte} ms after the cancel`);
      assert.ok(endedAfter < 5_000, `ended ${endedAfter} ms after the cancel`);
      const bytes = connections.reduce((n, c) => n + c.bytesDown, 0);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(connections.reduce((n, c) => n + c.bytesDown, 0), bytes, 'no bytes after the close');
      assert.equal(messageRequests(simulator).length, 1, 'no further attempt after the cancel');
      source.dispose();
    },
    async (simulator) => {
      meter = await meterTraffic(simulator.url);
      return meter;
    },
  );
}, { timeout: 60_000 });

interface Recorded {
  progress: string[];
  markdown: string;
  buttons: vscode.Command[];
}

/** A ChatResponseStream that records what the participant says (the parts @claude uses). */
function recordingStream(): { stream: vscode.ChatResponseStream; recorded: Recorded } {
  const recorded: Recorded = { progress: [], markdown: '', buttons: [] };
  const stream = {
    markdown(value: string | vscode.MarkdownString) {
      recorded.markdown += typeof value === 'string' ? value : value.value;
    },
    progress(value: string) {
      recorded.progress.push(value);
    },
    button(command: vscode.Command) {
      recorded.buttons.push(command);
    },
    anchor() {},
    filetree() {},
    reference() {},
    push() {},
  };
  return { stream: stream as unknown as vscode.ChatResponseStream, recorded };
}

test('chat: @claude narrates a fallback, streams the answer, ends with its buttons and keeps only the answer for next turn', async () => {
  await withSimulator({ name: 'opus-outage', models: { [OPUS]: { p529: 1 } } }, async (simulator) => {
    const parts = await hooks();
    const chain = await model('resilient-chain');
    const prompt = 'What does a circuit breaker do?';
    const { stream, recorded } = recordingStream();
    const request = { prompt, command: undefined, references: [], toolReferences: [], model: chain } as unknown as vscode.ChatRequest;
    const source = new vscode.CancellationTokenSource();
    const result = await parts.chat.participant.handler(request, { history: [] }, stream, source.token);
    // Who answered, and why, is said once: above the answer, where it stays when the progress folds.
    assert.equal(recorded.markdown, `*Answered by Sonnet 5.5 — Opus overloaded*\n\n${canonicalAnswer(prompt)}`);
    assert.ok(recorded.progress.some((p) => /^Opus overloaded/.test(p)), recorded.progress.join(' | '));
    assert.ok(!recorded.progress.some((p) => p.startsWith('Answered by')), recorded.progress.join(' | '));
    assert.deepEqual(recorded.buttons.map((b) => b.title), ['Copy Request IDs (' + messageRequests(simulator).length + ')', 'Show Diagnostics']);
    const metadata = (result as vscode.ChatResult).metadata?.['resilientClaude'] as { answer: string; requestIds: string[] };
    assert.equal(metadata.answer, canonicalAnswer(prompt));
    assert.deepEqual(metadata.requestIds, messageRequests(simulator).map((r) => r.requestId));
    source.dispose();
  });
}, { timeout: 60_000 });

test('chat: with no API key, a request fails at once as LanguageModelError NoPermissions saying how to set one', async () => {
  const parts = await hooks();
  await parts.keys.clear();
  const [chain] = await vscode.lm.selectChatModels({ vendor: VENDOR, id: 'resilient-chain' });
  assert.ok(chain, 'the chain entry is listed even without a key');
  let caught: unknown;
  try {
    await collect(await chain.sendRequest([vscode.LanguageModelChatMessage.User('hi')]));
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof vscode.LanguageModelError, String(caught));
  assert.equal(caught.code, vscode.LanguageModelError.NoPermissions().code);
  assert.match(caught.message, /Set API Key/);
}, { timeout: 30_000 });
