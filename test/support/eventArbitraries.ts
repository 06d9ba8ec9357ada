// Valid Messages API event sequences, generated: every block type the API reference describes
// (text with citations, thinking, redacted thinking, the tool-call-like blocks with streamed JSON
// input, server tool results, MCP results, compaction, container uploads) and types no code has
// seen yet, with every stop reason, message-level fields and usage counters. The last tool input
// may be cut short, as a max_tokens stop leaves it.
import fc from 'fast-check';
import type { ApiStreamEvent } from '../../src/core/types';

const word = fc.stringMatching(/^[A-Za-z0-9 .,'"\\\n-]{0,12}$/);
const id = (prefix: string) => fc.stringMatching(/^[A-Za-z0-9]{4,10}$/).map((s) => `${prefix}_${s}`);
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => ({ value: v }));

/** A JSON text cut into the chunks input_json_delta carries. */
function chunks(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

const citation = fc.oneof(
  fc.record({ type: fc.constant('char_location'), cited_text: word, document_index: fc.nat(3), document_title: fc.option(word), start_char_index: fc.nat(50), end_char_index: fc.nat(50) }),
  fc.record({ type: fc.constant('web_search_result_location'), cited_text: word, url: word.map((w) => `https://example.com/${encodeURIComponent(w)}`), title: word, encrypted_index: word }),
);

type BlockEvents = (index: number) => ApiStreamEvent[];

const start = (index: number, block: Record<string, unknown>): ApiStreamEvent => ({ type: 'content_block_start', index, content_block: block });
const delta = (index: number, d: Record<string, unknown>): ApiStreamEvent => ({ type: 'content_block_delta', index, delta: d });
const stop = (index: number): ApiStreamEvent => ({ type: 'content_block_stop', index });

const text: fc.Arbitrary<BlockEvents> = fc
  .record({ pieces: fc.array(fc.oneof(word.map((t) => ({ t })), citation.map((c) => ({ c }))), { maxLength: 6 }), citationsKey: fc.constantFrom('absent', 'null') })
  .map(({ pieces, citationsKey }) => (i) => [
    start(i, citationsKey === 'null' ? { type: 'text', text: '', citations: null } : { type: 'text', text: '' }),
    ...pieces.map((p) => ('t' in p ? delta(i, { type: 'text_delta', text: p.t }) : delta(i, { type: 'citations_delta', citation: p.c }))),
    stop(i),
  ]);

const thinking: fc.Arbitrary<BlockEvents> = fc
  .record({ pieces: fc.array(word, { maxLength: 5 }), signature: word })
  .map(({ pieces, signature }) => (i) => [start(i, { type: 'thinking', thinking: '', signature: '' }), ...pieces.map((t) => delta(i, { type: 'thinking_delta', thinking: t })), delta(i, { type: 'signature_delta', signature }), stop(i)]);

const redacted: fc.Arbitrary<BlockEvents> = word.map((data) => (i) => [start(i, { type: 'redacted_thinking', data }), stop(i)]);

/** tool_use, server_tool_use, mcp_tool_use: input streamed as JSON (`cut`: the stream ends inside it). */
const toolCall = (cut: boolean): fc.Arbitrary<BlockEvents> =>
  fc
    .record({ type: fc.constantFrom('tool_use', 'server_tool_use', 'mcp_tool_use'), id: id('toolu'), name: word, input: json, cuts: fc.array(fc.nat(400), { maxLength: 5 }), keep: fc.nat(400), caller: fc.boolean() })
    .map((t) => (i) => {
      const whole = JSON.stringify(t.input);
      const sent = cut ? whole.slice(0, t.keep % (whole.length + 1)) : whole;
      const block: Record<string, unknown> = { type: t.type, id: t.id, name: t.name, input: {} };
      if (t.type === 'mcp_tool_use') block['server_name'] = 'docs';
      if (t.caller && t.type === 'tool_use') block['caller'] = { type: 'direct' };
      return [start(i, block), ...chunks(sent, t.cuts).map((p) => delta(i, { type: 'input_json_delta', partial_json: p })), stop(i)];
    });

const resultTypes = ['web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result', 'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'mcp_tool_result', 'container_upload', 'tool_search_tool_result'];

const serverResult: fc.Arbitrary<BlockEvents> = fc
  .record({ type: fc.constantFrom(...resultTypes), id: id('srvtoolu'), content: fc.jsonValue({ maxDepth: 3 }), extra: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }) })
  .map((r) => (i) => [start(i, { ...r.extra, type: r.type, tool_use_id: r.id, content: r.content }), stop(i)]);

const compaction: fc.Arbitrary<BlockEvents> = fc
  .record({ content: fc.option(word), encrypted: fc.option(word, { nil: undefined }) })
  .map((c) => (i) => [start(i, { type: 'compaction', content: null }), delta(i, { type: 'compaction_delta', content: c.content, ...(c.encrypted !== undefined ? { encrypted_content: c.encrypted } : {}) }), stop(i)]);

const unknown: fc.Arbitrary<BlockEvents> = fc
  .record({ type: fc.stringMatching(/^future_[a-z]{1,8}$/), body: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), deltas: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }) })
  .map((u) => (i) => [start(i, { ...u.body, type: u.type }), ...u.deltas.map((d) => delta(i, { type: 'future_delta', value: d })), stop(i)]);

const block = fc.oneof(text, thinking, redacted, toolCall(false), serverResult, compaction, unknown);

const stopReason = fc.constantFrom('end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded', 'a_stop_reason_added_later');

const usageStart = fc.record(
  { input_tokens: fc.nat(5000), output_tokens: fc.nat(5), cache_creation_input_tokens: fc.option(fc.nat(900)), cache_read_input_tokens: fc.option(fc.nat(900)), cache_creation: fc.option(fc.record({ ephemeral_5m_input_tokens: fc.nat(99), ephemeral_1h_input_tokens: fc.nat(99) })), service_tier: fc.constantFrom('standard', 'priority') },
  { requiredKeys: ['input_tokens', 'output_tokens'] },
);
const usageDelta = fc.record(
  { output_tokens: fc.nat(5000), input_tokens: fc.option(fc.nat(5000)), server_tool_use: fc.option(fc.record({ web_search_requests: fc.nat(5), web_fetch_requests: fc.nat(5) })), cache_read_input_tokens: fc.option(fc.nat(900)) },
  { requiredKeys: ['output_tokens'] },
);

/** A whole answer's events, in order. */
export const answerEvents: fc.Arbitrary<ApiStreamEvent[]> = fc
  .record({
    id: id('msg'),
    model: fc.constantFrom('claude-opus-5-5', 'claude-sonnet-5-5'),
    usage: usageStart,
    extra: fc.record({ container: fc.option(fc.record({ id: id('container'), expires_at: fc.constant('2026-12-07T09:00:00Z') })), stop_details: fc.constant(null) }, { requiredKeys: [] }),
    blocks: fc.array(block, { maxLength: 6 }),
    cutTool: fc.option(toolCall(true), { nil: undefined }),
    reason: stopReason,
    stopSequence: fc.option(word),
    usage2: usageDelta,
    container: fc.option(fc.record({ id: id('container'), expires_at: fc.constant('2026-12-07T10:00:00Z') }), { nil: undefined }),
    contextManagement: fc.option(fc.record({ applied_edits: fc.array(fc.record({ type: fc.constant('clear_tool_uses_20250919'), cleared_tool_uses: fc.nat(4) }), { maxLength: 2 }) }), { nil: undefined }),
    pings: fc.boolean(),
    futureEvent: fc.boolean(),
  })
  .map((a) => {
    const events: ApiStreamEvent[] = [
      { type: 'message_start', message: { id: a.id, type: 'message', role: 'assistant', model: a.model, content: [], stop_reason: null, stop_sequence: null, ...a.extra, usage: a.usage } },
    ];
    const makers = a.cutTool ? [...a.blocks, a.cutTool] : a.blocks;
    makers.forEach((make, i) => events.push(...make(i)));
    if (a.futureEvent) events.push({ type: 'future_event', detail: 'kept verbatim' });
    events.push({
      type: 'message_delta',
      delta: { stop_reason: a.cutTool ? 'max_tokens' : a.reason, stop_sequence: a.stopSequence, ...(a.container ? { container: a.container } : {}) },
      usage: a.usage2,
      ...(a.contextManagement ? { context_management: a.contextManagement } : {}),
    });
    events.push({ type: 'message_stop' });
    return events;
  });
