// Image and document blocks are validated as the API validates them and the
// answer says what it saw; cache_control breakpoints report cache creation on
// first use and cache reads on later identical prefixes, in message_start and
// in the final usage, on every wire format.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { SAMPLE_PDF_BASE64, SAMPLE_PNG_BASE64, attachmentSentence, canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import { anthropicClient, useSimulator, badRequest, providerClients, textOf } from './clients';

const PNG: Anthropic.ImageBlockParam = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: SAMPLE_PNG_BASE64 } };

describe('image and document blocks', { timeout: 60_000 }, () => {
  const fx = useSimulator('healthy');

  const ask = (content: Anthropic.ContentBlockParam[]): Promise<Anthropic.Message> =>
    fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 256, messages: [{ role: 'user', content }] });

  it('a valid base64 image is accepted and counted in the answer; URL and file sources too', async () => {
    const message = await ask([PNG, { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }, { type: 'text', text: 'What is this?' }]);
    assert.equal(textOf(message), `${attachmentSentence(2, 0)} ${canonicalAnswer('What is this?')}`);
    assert.match(textOf(message), /^I see 2 images\. /);
    assert.ok(message.usage.input_tokens >= 3200);
  });

  it('documents: PDF, plain text and content sources', async () => {
    const message = await ask([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: SAMPLE_PDF_BASE64 } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' }, title: 'notes' },
      { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Chunk' }] } },
      PNG,
      { type: 'text', text: 'Summarise.' },
    ]);
    assert.match(textOf(message), /^I see 1 image and 3 documents\. /);
  });

  it('a bad media type, empty data, data of another type or broken base64 is a 400 naming the field', async () => {
    const badType = await badRequest(ask([{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: SAMPLE_PNG_BASE64 } } as unknown as Anthropic.ImageBlockParam]));
    assert.match(badType.message, /messages\.0\.content\.0\.source\.base64\.media_type: Input should be 'image\/jpeg', 'image\/png', 'image\/gif' or 'image\/webp'/);
    const empty = await badRequest(ask([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }]));
    assert.match(empty.message, /source\.base64\.data: image data must not be empty/);
    const mismatch = await badRequest(ask([{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: SAMPLE_PNG_BASE64 } }]));
    assert.match(mismatch.message, /specified using the image\/jpeg media type, but the image appears to be a image\/png image/);
    const broken = await badRequest(ask([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } }]));
    assert.match(broken.message, /not valid base64/);
    const pdf = await badRequest(ask([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: SAMPLE_PNG_BASE64 } }]));
    assert.match(pdf.message, /The PDF specified was not valid/);
    const unknown = await badRequest(ask([{ type: 'video', source: {} } as unknown as Anthropic.ImageBlockParam]));
    assert.match(unknown.message, /Input tag 'video' found using 'type' does not match any of the expected tags/);
  });

  it('Vertex and Bedrock accept and refuse the same blocks', async () => {
    for (const provider of providerClients(fx.sim)) {
      const model = provider.model('claude-haiku-5-5');
      const message = await provider.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: [PNG, { type: 'text', text: 'Seen?' }] }] });
      assert.match(textOf(message), /^I see 1 image\. /, provider.name);
      const empty = await badRequest(
        provider.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }] }] }),
      );
      assert.match(empty.message, /image data must not be empty/, provider.name);
      const thinking = await badRequest(
        provider.messages.create({ model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }] }),
      );
      assert.match(thinking.message, /thinking is not supported on this model/, provider.name);
    }
  });

  it('count_tokens counts images and tools as the messages endpoint does', async () => {
    const counted = await fx.client.messages.countTokens({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: [PNG, { type: 'text', text: 'What?' }] }] });
    const answered = await ask([PNG, { type: 'text', text: 'What?' }]);
    assert.equal(counted.input_tokens, answered.usage.input_tokens);
  });
});

const LONG_SYSTEM = `You are a careful assistant. ${'Resilience matters in every request. '.repeat(120)}`;

describe('prompt cache usage', { timeout: 60_000 }, () => {
  const fx = useSimulator('healthy');

  it('first request creates the cache, identical prefixes read it (message_start and final usage), on every wire format', async () => {
    for (const provider of providerClients(fx.sim)) {
      fx.sim.reset();
      const body = (question: string): Anthropic.MessageCreateParamsNonStreaming => ({
        model: provider.model('claude-opus-5-5'),
        max_tokens: 256,
        system: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: question }],
      });
      const prefixTokens = Math.ceil(LONG_SYSTEM.length / 4);
      const starts: Anthropic.Usage[] = [];
      const first = provider.messages.stream(body('First question?'));
      first.on('streamEvent', (event) => {
        if (event.type === 'message_start') starts.push(event.message.usage);
      });
      const one = await first.finalMessage();
      assert.equal(one.usage.cache_creation_input_tokens, prefixTokens, provider.name);
      assert.equal(one.usage.cache_read_input_tokens, 0, provider.name);
      assert.equal(one.usage.cache_creation?.ephemeral_5m_input_tokens, prefixTokens, provider.name);
      assert.equal(starts[0]?.cache_creation_input_tokens, prefixTokens, provider.name);

      const two = await provider.messages.stream(body('Second question?')).finalMessage();
      assert.equal(two.usage.cache_read_input_tokens, prefixTokens, provider.name);
      assert.equal(two.usage.cache_creation_input_tokens, 0, provider.name);
      assert.ok(two.usage.input_tokens > 0 && two.usage.input_tokens < 20, provider.name);
      const json = await provider.messages.create(body('Third?'));
      assert.equal(json.usage.cache_read_input_tokens, prefixTokens, provider.name);
    }
  });

  it('a growing conversation reads the earlier turn from the cache (lookback) and writes the new part', async () => {
    fx.sim.reset();
    const turn1: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral', ttl: '1h' } }] }];
    const one = await fx.client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: turn1 });
    assert.equal(one.usage.cache_creation?.ephemeral_1h_input_tokens, one.usage.cache_creation_input_tokens);
    const turn2: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: LONG_SYSTEM }] },
      { role: 'assistant', content: textOf(one) },
      { role: 'user', content: [{ type: 'text', text: 'And then?', cache_control: { type: 'ephemeral' } }] },
    ];
    const two = await fx.client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 64, messages: turn2 });
    assert.equal(two.usage.cache_read_input_tokens, one.usage.cache_creation_input_tokens);
    assert.ok((two.usage.cache_creation_input_tokens ?? 0) > 0);
    // Another model has its own cache.
    const other = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 64, messages: turn1 });
    assert.equal(other.usage.cache_read_input_tokens, 0);
  });

  it('prefixes below the minimum are not cached; more than four breakpoints are a 400', async () => {
    const short = await fx.client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Short.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(short.usage.cache_creation_input_tokens, 0);
    const marks = Array.from({ length: 5 }, (_, i) => ({ type: 'text' as const, text: `part ${i}`, cache_control: { type: 'ephemeral' as const } }));
    const err = await badRequest(fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: marks }] }));
    assert.match(err.message, /A maximum of 4 blocks with cache_control may be provided\. Found 5\./);
  });

  it('the scenario can lower the minimum (cacheMinTokens)', async () => {
    const small = await startSimulator({ scenario: { defaults: { cacheMinTokens: 1 } } });
    try {
      const client = anthropicClient(small);
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: 'claude-opus-5-5',
        max_tokens: 64,
        system: [{ type: 'text', text: 'A short system prompt.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Hi' }],
      };
      assert.equal((await client.messages.create(body)).usage.cache_creation_input_tokens, 6);
      assert.equal((await client.messages.create(body)).usage.cache_read_input_tokens, 6);
    } finally {
      await small.close();
    }
  });
});
