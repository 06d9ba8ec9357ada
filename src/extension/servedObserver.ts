// Watches every manager event, real or rehearsed: records it in the history (apart for
// a rehearsal), logs it, remembers the last server request id and which model and
// provider served the last successful request ("served by"), warns once about an
// unknown or deprecated model, and re-emits the event for the status bar and progress.
import * as vscode from 'vscode';
import type { ManagerEvent, ProviderId } from '../core/types';
import { PROVIDERS } from '../shared/vocabulary';
import type { HistoryHost } from './historyHost';

export class ServedObserver implements vscode.Disposable {
  private readonly events = new vscode.EventEmitter<ManagerEvent>();
  private readonly warnedModels = new Set<string>();
  private lastRequestIdSeen: string | null = null;
  private lastRehearsalRequestIdSeen: string | null = null;
  /** The model and provider that answered the last successful request (both from that request's events). */
  private served: { readonly model: string; readonly provider: ProviderId } | null = null;
  /** The provider of each request's last successful attempt, until its 'request' event arrives. */
  private readonly answeredOn = new Map<string, ProviderId>();
  /** Counts resets of "served from"; a request started before the last reset (Switch Model) does not set it again. */
  private servedEpoch = 0;
  private readonly startedInEpoch = new Map<string, number>();

  /** Every manager event, as it happens. */
  readonly onEvent = this.events.event;

  constructor(
    private readonly history: HistoryHost,
    private readonly log: vscode.LogOutputChannel,
    /** Called when a breaker moved or "served by" changed. */
    private readonly healthChanged: () => void,
  ) {}

  /** The provider that answered the last successful request, null before any. */
  get lastServedProvider(): ProviderId | null {
    return this.served?.provider ?? null;
  }

  get lastServedModel(): string | null {
    return this.served?.model ?? null;
  }

  /** The server request id of the last real (not rehearsal) attempt in this window. */
  get lastRequestId(): string | null {
    return this.lastRequestIdSeen;
  }

  /** The simulator's request id of the last rehearsed attempt (the caller asks only while a rehearsal runs). */
  get lastRehearsalRequestId(): string | null {
    return this.lastRehearsalRequestIdSeen;
  }

  /** A new rehearsal begins: the last one's request id is not its. */
  rehearsalBegins(): void {
    this.lastRehearsalRequestIdSeen = null;
  }

  /** A request starts now: it sets "served by" only if no reset comes before it ends. */
  requestStarts(clientRequestId: string): void {
    this.startedInEpoch.set(clientRequestId, this.servedEpoch);
  }

  /** Forgets "served by" (a new primary, a reset, a rehearsal started or stopped); requests running now do not set it again. */
  forgetServed(): void {
    this.served = null;
    this.servedEpoch += 1;
  }

  observe(event: ManagerEvent, rehearsed: boolean): void {
    if (rehearsed) this.history.recordRehearsal(event);
    else this.history.record(event);
    switch (event.type) {
      case 'attempt':
        if (event.requestId !== null) {
          if (rehearsed) this.lastRehearsalRequestIdSeen = event.requestId;
          else this.lastRequestIdSeen = event.requestId;
        }
        if (event.errorClass === null) {
          this.answeredOn.set(event.clientRequestId, event.provider);
          this.log.debug(`Attempt ${event.attempt} on ${event.model} succeeded (${event.latencyMs} ms, ${event.requestId ?? 'no request id'}).`);
        } else {
          this.log.warn(
            `Attempt ${event.attempt} on ${event.model}${event.provider === 'anthropic' ? '' : ` (${event.provider})`}: ${event.errorClass}` +
              ` (${event.status ?? 'no status'}, ${event.errorType ?? 'unknown'}) ${event.requestId ?? 'no request id'}`,
          );
        }
        break;
      case 'breaker':
        this.log.info(`Circuit breaker for ${event.model}: ${event.from} → ${event.to}.`);
        this.healthChanged();
        break;
      case 'hold':
        // A hold met by another window or client on this window's credential shows here too.
        this.healthChanged();
        break;
      case 'fallback':
        this.log.info(`Fell back from ${event.from.provider}:${event.from.model} to ${event.to.provider}:${event.to.model} (${event.reason}).`);
        break;
      case 'wait':
        this.log.info(`Waiting ${event.delayMs} ms before attempt ${event.nextAttempt} on ${event.model} (${event.reason}).`);
        break;
      case 'warning':
        this.log.warn(event.message);
        this.warnAboutModel(event);
        break;
      case 'request':
        this.log.info(
          event.ok
            ? `Request ${event.clientRequestId} answered by ${event.model} after ${event.attempts} attempt(s), ${event.latencyMs} ms.`
            : `Request ${event.clientRequestId} failed: ${event.errorClass} after ${event.attempts} attempt(s).`,
        );
        this.noteServed(event);
        break;
    }
    this.events.fire(event);
  }

  /** "Served from": the model and the provider of one and the same request, unless it began before a reset. */
  private noteServed(event: Extract<ManagerEvent, { type: 'request' }>): void {
    const provider = providerOfRequest(event) ?? this.answeredOn.get(event.clientRequestId) ?? null;
    const epoch = this.startedInEpoch.get(event.clientRequestId) ?? this.servedEpoch;
    this.answeredOn.delete(event.clientRequestId);
    this.startedInEpoch.delete(event.clientRequestId);
    if (!event.ok || event.model === null || provider === null || epoch !== this.servedEpoch) return;
    this.served = { model: event.model, provider };
    this.healthChanged();
  }

  private warnAboutModel(event: Extract<ManagerEvent, { type: 'warning' }>): void {
    if ((event.code !== 'unknown_model' && event.code !== 'deprecated_model') || event.model === undefined) return;
    const key = `${event.code}:${event.model}`;
    if (this.warnedModels.has(key)) return;
    this.warnedModels.add(key);
    const switchModel = vscode.l10n.t('Switch Model…');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('Resilient Claude: {0}', event.message), switchModel)
      .then((choice) => {
        if (choice === switchModel) void vscode.commands.executeCommand('resilientClaude.switchModel');
      });
  }

  dispose(): void {
    this.events.dispose();
  }
}

/** The provider named by a 'request' event, when the manager's events carry it. */
function providerOfRequest(event: Extract<ManagerEvent, { type: 'request' }>): ProviderId | null {
  const provider: unknown = (event as { readonly provider?: unknown }).provider;
  return PROVIDERS.find((p) => p === provider) ?? null;
}
