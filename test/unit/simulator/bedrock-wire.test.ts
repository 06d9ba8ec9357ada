// The Bedrock wire pieces: event-stream framing checked by the AWS SDK's own
// codec (an independent implementation), and the model-id mapping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { chunkMessage, decodeEventStream, encodeEventStreamMessage, exceptionMessage } from '../../../src/simulator/aws-event-stream';
import { parseBedrockModelId, scenarioModelKey } from '../../../src/simulator/bedrock-model-id';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function headerValues(headers: Record<string, { type: string; value: unknown }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, header.value]));
}

describe('AWS event-stream framing', { timeout: 10_000 }, () => {
  it('a chunk decodes with the AWS codec (checksums verified) to base64 bytes of the event JSON', () => {
    const event = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' héllo' } };
    const decoded = codec.decode(chunkMessage(event));
    assert.deepEqual(headerValues(decoded.headers), { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' });
    const payload = JSON.parse(toUtf8(decoded.body)) as { bytes: string; p: string };
    assert.deepEqual(JSON.parse(Buffer.from(payload.bytes, 'base64').toString('utf8')), event);
    assert.ok(payload.p.length > 0);
  });

  it('an exception frame names its exception type', () => {
    const decoded = codec.decode(exceptionMessage('throttlingException', { message: 'Too many tokens' }));
    assert.equal(decoded.headers[':message-type']?.value, 'exception');
    assert.equal(decoded.headers[':exception-type']?.value, 'throttlingException');
    assert.deepEqual(JSON.parse(toUtf8(decoded.body)), { message: 'Too many tokens' });
  });

  it('the AWS codec rejects a frame with one flipped payload byte', () => {
    const frame = encodeEventStreamMessage({ ':message-type': 'event' }, Buffer.from('{"bytes":"e30="}'));
    frame[frame.length - 6] ^= 0x01;
    assert.throws(() => codec.decode(frame), /checksum|CRC/i);
    assert.throws(() => decodeEventStream(frame), /checksum/);
  });

  it('our decoder reads what the AWS codec encodes, several messages in one buffer', () => {
    const one = codec.encode({ headers: { ':event-type': { type: 'string', value: 'chunk' } }, body: fromUtf8('{"a":1}') });
    const two = codec.encode({ headers: { ':event-type': { type: 'string', value: 'chunk' } }, body: fromUtf8('{"b":2}') });
    const messages = decodeEventStream(Buffer.concat([one, two]));
    assert.deepEqual(messages.map((m) => m.payload.toString('utf8')), ['{"a":1}', '{"b":2}']);
  });
});

describe('Bedrock model ids', { timeout: 10_000 }, () => {
  it('maps profiles, versions and ARNs to the Anthropic id', () => {
    const cases: Array<[string, string]> = [
      ['anthropic.claude-opus-5-5', 'claude-opus-5-5'],
      ['global.anthropic.claude-opus-5-5', 'claude-opus-5-5'],
      ['global.anthropic.claude-opus-5-5-v1:0', 'claude-opus-5-5'],
      ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
      ['eu.anthropic.claude-haiku-5-5-v1', 'claude-haiku-5-5'],
      ['arn:aws:bedrock:us-east-1:123456789012:inference-profile%2Fus.anthropic.claude-opus-5-5', 'claude-opus-5-5'],
    ];
    for (const [segment, anthropicId] of cases) {
      const parsed = parseBedrockModelId(segment);
      assert.ok(parsed.ok, segment);
      assert.equal(parsed.value.anthropicId, anthropicId, segment);
    }
  });

  it('rejects ids that are not Anthropic models on Bedrock', () => {
    for (const segment of ['claude-opus-5-5', 'amazon.nova-pro-v1:0', 'anthropic.', '%E0%A4%A']) {
      assert.equal(parseBedrockModelId(segment).ok, false, segment);
    }
  });

  it('the most specific key the scenario names wins, phases included', () => {
    const id = parseBedrockModelId('global.anthropic.claude-opus-5-5-v1:0');
    assert.ok(id.ok);
    assert.equal(scenarioModelKey({}, id.value), 'claude-opus-5-5');
    assert.equal(scenarioModelKey({ models: { 'claude-opus-5-5': {} } }, id.value), 'claude-opus-5-5');
    assert.equal(scenarioModelKey({ models: { 'claude-opus-5-5': {}, 'anthropic.claude-opus-5-5': {} } }, id.value), 'anthropic.claude-opus-5-5');
    assert.equal(scenarioModelKey({ phases: [{ atMs: 0, models: { 'global.anthropic.claude-opus-5-5': {} } }] }, id.value), 'global.anthropic.claude-opus-5-5');
    assert.equal(scenarioModelKey({ models: { 'global.anthropic.claude-opus-5-5-v1:0': {}, 'anthropic.claude-opus-5-5': {} } }, id.value), 'global.anthropic.claude-opus-5-5-v1:0');
  });
});
