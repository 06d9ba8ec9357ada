// A client that resumes an interrupted answer by prefilling what it already has
// receives exactly the rest: nothing lost, nothing repeated.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const QUESTION = 'Explain retry budgets.';

describe('continuation by assistant prefill', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  let client: Anthropic;

  before(async () => {
    sim = await startSimulator({
      scenario: { models: { 'claude-opus-5-5': { sequence: ['midstream'], midStreamAfterTokens: 5 } } },
    });
    client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
  });
  after(() => sim.close());

  it('partial text from a broken stream plus the continuation on another model equals the full answer', async () => {
    const broken = client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 128, messages: [{ role: 'user', content: QUESTION }] });
    let partial = '';
    broken.on('text', (delta) => (partial += delta));
    await assert.rejects(broken.finalMessage(), Anthropic.APIError);
    assert.ok(partial.length > 0 && canonicalAnswer(QUESTION).startsWith(partial));

    const rest = await client.messages
      .stream({
        model: 'claude-sonnet-5-5',
        max_tokens: 128,
        messages: [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: partial },
        ],
      })
      .finalText();
    assert.equal(partial + rest, canonicalAnswer(QUESTION));
  });

  it('a prefill that ends mid-word continues mid-word', async () => {
    const full = canonicalAnswer(QUESTION);
    const cut = full.indexOf(' ', 10) - 2;
    const message = await client.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 128,
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: [{ type: 'text', text: full.slice(0, cut) }] },
      ],
    });
    const block = message.content[0];
    assert.equal(full.slice(0, cut) + (block?.type === 'text' ? block.text : ''), full);
  });

  it('a prefill ending in whitespace is rejected as the API does', async () => {
    await assert.rejects(
      client.messages.create({
        model: 'claude-haiku-5-5',
        max_tokens: 128,
        messages: [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: 'Partial answer ' },
        ],
      }),
      Anthropic.BadRequestError,
    );
  });
});
