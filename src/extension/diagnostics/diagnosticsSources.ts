// What the diagnostics panel reads and asks of the rest of the extension. Kept narrow so the
// panel host depends on no concrete class (and tests can hand it small doubles).
import type * as vscode from 'vscode';
import type { History } from '../../core/history/historyTypes';
import type { EscalationVersions } from '../../core/report/buildEscalationReport';
import type { BreakerSnapshot, ManagerEvent, Route } from '../../core/types';
import type { BatchPanelSource } from '../batch/batchPanelSource';

export interface DiagnosticsSources {
  /** The live history (it may be replaced when the alert settings change: always call). */
  history(): History;
  /** Something was recorded in the history. */
  readonly onHistoryChange: vscode.Event<void>;
  /** Breaker states for the current chain. */
  breakers(): BreakerSnapshot[];
  /** Breakers, the chain or the primary model changed. */
  readonly onHealthChange: vscode.Event<void>;
  readonly onManagerEvent: vscode.Event<ManagerEvent>;
  primaryModel(): string | null;
  /** During an overload rehearsal, the simulator's scripted status page (read instead of Anthropic's); else null. */
  rehearsalStatusPageUrl(): string | null;
  resetBreakers(route?: Route): void;
  /** Makes `model` the primary model for the next requests. */
  useModel(model: string): Promise<void>;
  versions(): EscalationVersions;
  /** The batch lane (the Batches tab, batch API failures); absent in tests that do not need it. */
  readonly batches?: BatchPanelSource;
}
