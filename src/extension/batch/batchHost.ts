// The extension's batch lane: one BatchLane over the workspace's stored batches,
// talking to the same endpoint and key as live requests (the rehearsal simulator
// while a rehearsal runs). It resumes stored batches at activation, pauses polling
// while the window has been out of focus for long, logs every Batches API call and
// tells the user when a batch ends or cannot be submitted.
import * as vscode from 'vscode';
import { BatchCallLog } from '../../core/batch/batchCallLog';
import { BatchClient } from '../../core/batch/batchClient';
import { BatchApiError, missingKeyProblem } from '../../core/batch/batchErrors';
import { BatchLane, LIVE_ENDPOINT } from '../../core/batch/batchLane';
import type { BatchDraft } from '../../core/batch/batchLane';
import { batchReportSection } from '../../core/batch/batchReport';
import { isActive } from '../../core/batch/batchTypes';
import type { BatchApiCall, BatchOperation, BatchProblem, BatchRecord } from '../../core/batch/batchTypes';
import type { ClaudeClient } from '../claudeClient';
import { readBatchSettings } from './batchSettings';
import { folderBlobStore } from './folderBlobStore';
import { WorkspaceBatchStore } from './workspaceBatchStore';

/** Polling pauses once the window has been out of focus this long, and catches up on focus. */
const UNFOCUSED_PAUSE_MS = 10 * 60_000;
const MAX_POLL_MS = 10 * 60_000;

export class BatchHost implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly ended = new vscode.EventEmitter<BatchRecord>();
  private readonly gone = new vscode.EventEmitter<BatchRecord>();
  readonly store: WorkspaceBatchStore;
  readonly calls: BatchCallLog;
  private lane: BatchLane;
  private cached: { identity: string; client: BatchClient } | null = null;
  private unfocusedSince: number | null = null;

  /** A batch was stored, submitted, polled, canceled or ended. */
  readonly onDidChange = this.changed.event;
  /** A batch ended and its results are stored. */
  readonly onDidEnd = this.ended.event;
  /** A batch's server is gone (a stopped rehearsal): it can never end, only be removed. */
  readonly onDidGo = this.gone.event;

  constructor(
    memento: vscode.Memento,
    storageFolder: vscode.Uri,
    private readonly claude: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new WorkspaceBatchStore(memento, folderBlobStore(storageFolder));
    this.calls = new BatchCallLog(this.store.calls(), (calls) => void this.store.putCalls(calls));
    this.unfocusedSince = vscode.window.state.focused ? null : Date.now();
    this.lane = this.newLane();
    this.disposables.push(
      this.changed,
      this.ended,
      this.gone,
      vscode.window.onDidChangeWindowState((state) => this.onFocus(state.focused)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('resilientClaude.batch.pollSeconds')) this.restartLane();
      }),
    );
  }

  /** Picks up the batches stored by an earlier window of this workspace. */
  async resume(): Promise<void> {
    const kept = this.store.list();
    if (kept.length > 0) this.log.info(`Batches: ${kept.filter(isActive).length} running of ${kept.length} kept; picking them up.`);
    await this.lane.resume();
    this.changed.fire();
  }

  list(): BatchRecord[] {
    return this.lane.list();
  }

  get(localId: string): BatchRecord | undefined {
    return this.lane.get(localId);
  }

  results(localId: string): ReturnType<BatchLane['results']> {
    return this.lane.results(localId);
  }

  submit(draft: BatchDraft): Promise<BatchRecord> {
    return this.lane.submit(draft);
  }

  resubmit(localId: string): Promise<BatchRecord> {
    return this.lane.resubmit(localId);
  }

  cancel(localId: string): Promise<BatchRecord> {
    return this.lane.cancel(localId);
  }

  refresh(localId: string): Promise<BatchRecord> {
    return this.lane.refresh(localId);
  }

  remove(localId: string): Promise<void> {
    return this.lane.remove(localId).then(() => this.changed.fire());
  }

  markNotified(localId: string): Promise<void> {
    return this.lane.markNotified(localId);
  }

  /** The Message Batches part of an escalation report. */
  reportSection(windowMs: number, now = Date.now()): string {
    return batchReportSection(this.calls.all(), this.list(), windowMs, now);
  }

  private newLane(): BatchLane {
    const pollMs = readBatchSettings().pollSeconds * 1000;
    const lane = new BatchLane({
      store: this.store,
      client: (op, endpoint) => this.clientFor(op, endpoint),
      endpoint: () => endpointLabel(this.claude.routes.rehearsalUrl),
      schedule: { initialMs: pollMs, maxMs: Math.max(pollMs, MAX_POLL_MS), factor: 1.5 },
      paused: () => this.unfocusedSince !== null && Date.now() - this.unfocusedSince > UNFOCUSED_PAUSE_MS,
    });
    lane.onEvent((event) => {
      if (event.type === 'ended') {
        const c = event.record.counts;
        this.log.info(`Batch ${event.record.batchId} ended: ${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} canceled.`);
        this.ended.fire(event.record);
      }
      if (event.type === 'gone') {
        this.log.warn(`Batch ${event.record.batchId ?? event.record.localId} is gone: ${event.record.problem?.message ?? ''}`);
        this.gone.fire(event.record);
      }
      this.changed.fire();
    });
    return lane;
  }

  private restartLane(): void {
    this.lane.dispose();
    this.lane = this.newLane();
    void this.lane.resume();
  }

  private onFocus(focused: boolean): void {
    if (!focused) {
      this.unfocusedSince ??= Date.now();
      return;
    }
    const wasPaused = this.unfocusedSince !== null && Date.now() - this.unfocusedSince > UNFOCUSED_PAUSE_MS;
    this.unfocusedSince = null;
    if (wasPaused) for (const record of this.list().filter(isActive)) void this.lane.refresh(record.localId);
  }

  /**
   * A client for the endpoint a batch went to: the configured API for live batches (even while a
   * rehearsal runs), the rehearsal's simulator for its own batches while it still runs; rebuilt
   * when the endpoint or key changes.
   */
  private async clientFor(op: BatchOperation, label: string): Promise<BatchClient> {
    const rehearsal = rehearsalUrlOf(label);
    const endpoint = rehearsal === null ? this.claude.routes.liveEndpoint() : this.claude.routes.rehearsalAt(rehearsal);
    if (endpoint === null) throw new BatchApiError(rehearsalGoneProblem(op), null);
    const key = await endpoint.apiKey();
    if (!key) throw new BatchApiError(missingKeyProblem(op), null);
    const identity = JSON.stringify([endpoint.baseURL ?? '', endpoint.headers, key]);
    if (this.cached?.identity === identity) return this.cached.client;
    const client = await BatchClient.create({
      apiKey: key,
      ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
      headers: endpoint.headers,
      onCall: (call) => this.onCall(call),
    });
    this.cached = { identity, client };
    return client;
  }

  private onCall(call: BatchApiCall): void {
    this.calls.add(call);
    const what = `Batches API ${call.op}${call.batchId ? ` ${call.batchId}` : ''} (try ${call.attempt})`;
    if (call.ok) this.log.debug(`${what}: ok in ${call.latencyMs} ms, ${call.requestId ?? 'no request id'}.`);
    else this.log.warn(`${what}: ${call.errorClass} (${call.status ?? 'no status'}, ${call.errorType ?? 'unknown'}) ${call.requestId ?? 'no request id'}.`);
    if (!call.ok) this.changed.fire();
  }

  dispose(): void {
    this.lane.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

const REHEARSAL_PREFIX = 'rehearsal:';

/** The batch's endpoint label for where new work goes. */
function endpointLabel(rehearsalUrl: string | null): string {
  return rehearsalUrl === null ? LIVE_ENDPOINT : `${REHEARSAL_PREFIX}${rehearsalUrl}`;
}

function rehearsalUrlOf(label: string): string | null {
  return label.startsWith(REHEARSAL_PREFIX) ? label.slice(REHEARSAL_PREFIX.length) : null;
}

/** A rehearsal batch after its rehearsal stopped: the simulator that held it is gone. */
function rehearsalGoneProblem(op: BatchOperation): BatchProblem {
  return {
    time: Date.now(),
    op,
    kind: 'endpoint_gone',
    errorClass: null,
    status: null,
    requestId: null,
    message: 'This batch was sent to an overload rehearsal that has stopped (or to the rehearsal of a window since reloaded); the simulated batch went with it, so it can never end. Remove it from the list.',
  };
}

/** The next step for a problem, in the user's words. */
export function nextStep(problem: BatchProblem): string {
  switch (problem.kind) {
    case 'missing_api_key':
      return vscode.l10n.t('Set your key with "Resilient Claude: Set API Key", then submit the batch again.');
    case 'invalid_api_key':
      return vscode.l10n.t('Check the key ("Resilient Claude: Set API Key"), then submit the batch again.');
    case 'no_batch_access':
      return vscode.l10n.t('Use a key whose workspace may use the Message Batches API, then submit the batch again.');
    case 'not_found':
      return vscode.l10n.t('It may have been made with another key.');
    case 'endpoint_gone':
      return '';
    case 'api_error':
      return '';
  }
}
