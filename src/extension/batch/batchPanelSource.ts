// What the diagnostics panel reads of the batch lane and asks of it: the Batches
// tab's rows, failed Batches API calls for the failures table, the report section,
// and the tab's buttons.
import type * as vscode from 'vscode';
import type { BatchAction, BatchRow, FailureRow } from '../../webview/protocol';
import type { BatchCommands } from './batchCommands';
import type { BatchHost } from './batchHost';
import { EDITOR_CLIENT } from '../../core/requestClient';

export interface BatchPanelSource {
  rows(): BatchRow[];
  /** Failed Batches API calls, newest first. */
  failures(): FailureRow[];
  readonly onChange: vscode.Event<void>;
  /** Carries out a button of the Batches tab; resolves with what to tell the user. */
  act(action: BatchAction, localId: string): Promise<string>;
  /** True when `value` is an id the panel showed (copy requests are checked against it). */
  knows(kind: 'batchId' | 'requestId', value: string): boolean;
  reportSection(windowMs: number, now: number): string;
}

export function batchPanelSource(host: BatchHost, commands: BatchCommands): BatchPanelSource {
  return {
    rows: () =>
      host.list().map((r) => ({
        localId: r.localId,
        batchId: r.batchId,
        title: r.title,
        model: r.model,
        createdAt: r.createdAt,
        status: r.status,
        counts: r.counts,
        total: r.total,
        expiresAt: r.expiresAt,
        endedAt: r.endedAt,
        costUsd: r.estimate.costUsd,
        createRequestId: r.createRequestId,
        problem: r.problem?.message ?? null,
        resultsStored: r.resultsStored,
      })),
    failures: () =>
      host.calls
        .failures()
        .reverse()
        .map((c) => ({
          time: c.time,
          model: 'Message Batches API',
          provider: 'anthropic',
          status: c.status,
          errorClass: c.errorClass ?? 'transient',
          errorType: c.errorType,
          requestId: c.requestId,
          clientRequestId: c.batchId ?? c.op,
          client: EDITOR_CLIENT,
          message: c.message ?? '',
        })),
    onChange: host.onDidChange,
    act: async (action, localId) => {
      const record = host.get(localId);
      if (!record) return 'That batch is no longer kept here.';
      switch (action) {
        case 'openResults':
          await commands.openResults(localId);
          return `Opened the results of "${record.title}".`;
        case 'cancel':
          await commands.cancelBatch(localId);
          return host.get(localId) === undefined ? `Removed "${record.title}": its server is gone.` : `Asked the API to cancel "${record.title}".`;
        case 'refresh': {
          const after = await host.refresh(localId);
          return `Checked "${after.title}": ${after.status.replace('_', ' ')}.`;
        }
        case 'resubmit':
          await commands.resubmit(localId);
          return `Submitted "${record.title}" again.`;
        case 'remove':
          await commands.removeBatch(localId);
          return `Removed "${record.title}" from the list.`;
      }
    },
    knows: (kind, value) =>
      host.list().some((r) => (kind === 'batchId' ? r.batchId === value : r.createRequestId === value)) ||
      (kind === 'requestId' && host.calls.all().some((c) => c.requestId === value)),
    reportSection: (windowMs, now) => host.reportSection(windowMs, now),
  };
}
