// Tool call ids between VS Code and the Messages API. The API accepts `^[a-zA-Z0-9_-]+$` for a
// tool_use id; VS Code passes along whatever id the model (or another provider, earlier in the
// conversation) gave. Ids the API gave us (toolu_…) pass unchanged, so a round trip is exact;
// others are mapped the same way for the tool_use and its tool_result within one request.

const VALID = /^[a-zA-Z0-9_-]{1,200}$/;

export class ToolCallIds {
  private readonly mapped = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The API id for a VS Code call id: the same every time within this request, and unique. */
  toApi(callId: string): string {
    const known = this.mapped.get(callId);
    if (known !== undefined) return known;
    let id = VALID.test(callId) ? callId : callId.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 180) || 'call';
    const base = id;
    for (let n = 1; this.used.has(id); n++) id = `${base}_${n}`;
    this.mapped.set(callId, id);
    this.used.add(id);
    return id;
  }

  /** True when a tool_use with this VS Code call id has been converted already. */
  has(callId: string): boolean {
    return this.mapped.has(callId);
  }
}
