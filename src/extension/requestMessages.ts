// Pure wording for a request in flight (progress messages that follow the
// manager's events) and for a request that finally failed.
import type { AttemptRecord, ErrorClass, ManagerEvent, Outcome, ProviderId } from '../core/types';
import type { Translate } from './translate';
import { PROVIDER_SHORT_NAMES } from '../shared/vocabulary';
import { describeClass, policyOf } from '../core/errorClasses';
import { shortModelName } from '../shared/modelNames';

const CLASS_LABEL = (errorClass: ErrorClass): string => policyOf(errorClass).label;
const CLASS_REASON = (errorClass: ErrorClass): string => policyOf(errorClass).reason;

export function classLabel(errorClass: ErrorClass, t: Translate): string {
  return t(CLASS_LABEL(errorClass));
}

/** A progress line for one manager event, or null when the event does not change what the user sees. */
export function progressMessage(event: ManagerEvent, t: Translate): string | null {
  switch (event.type) {
    case 'wait':
      return t('{0} — retrying in {1} s (attempt {2})', t(CLASS_LABEL(event.reason)), formatWaitSeconds(event.delayMs), event.nextAttempt);
    case 'fallback':
      return fallbackAnnouncement(event, t);
    case 'attempt':
      // A hedged pair's loser is aborted on purpose: the stall event already said what happens.
      return event.errorClass === null || event.errorClass === 'canceled' ? null : t('{0} on {1}', t(CLASS_LABEL(event.errorClass)), event.model);
    case 'stall':
      return stallMessage(event, t);
    default:
      return null;
  }
}

/** What a stall means for the user: "No response from Opus 5.5 for 6 s — trying a fresh connection",
 *  "… — trying Sonnet 5.5" when the hedge went to the next route, "The answer from Opus 5.5 stopped
 *  for 40 s — continuing on a fresh connection". Used by the progress notification and @claude. */
export function stallMessage(event: Extract<ManagerEvent, { type: 'stall' }>, t: Translate): string {
  const seconds = formatWaitSeconds(event.silentMs);
  if (event.phase === 'mid_stream') return t('The answer from {0} stopped for {1} s — continuing on a fresh connection', shortModelName(event.model), seconds);
  if (event.to !== undefined && (event.to.model !== event.model || event.to.provider !== event.provider)) {
    const to = event.to.provider !== event.provider ? t('{0} via {1}', shortModelName(event.to.model), PROVIDER_SHORT_NAMES[event.to.provider]) : shortModelName(event.to.model);
    return t('No response from {0} for {1} s — trying {2}', shortModelName(event.model), seconds, to);
  }
  return t('No response from {0} for {1} s — trying a fresh connection', shortModelName(event.model), seconds);
}

/** The real wait in seconds, as said: "0.2" for 185 ms, "1.5" under 10 s, whole seconds above. */
export function formatWaitSeconds(delayMs: number): string {
  const seconds = Math.max(0, delayMs) / 1000;
  if (seconds >= 10) return String(Math.round(seconds));
  const tenths = Math.max(0.1, Math.round(seconds * 10) / 10);
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}

/** A short form of the question for a notification title: one line, at most `max` characters. */
export function questionLabel(question: string, max = 48): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Says once, after a request, that it was answered by a fallback (the progress toast may have been too brief to see). */
export function fallbackAnnouncement(event: Extract<ManagerEvent, { type: 'fallback' }>, t: Translate): string {
  const to = event.to.provider !== event.from.provider ? t('{0} via {1}', event.to.model, PROVIDER_SHORT_NAMES[event.to.provider]) : event.to.model;
  const from = event.to.provider !== event.from.provider ? t('{0} via {1}', event.from.model, PROVIDER_SHORT_NAMES[event.from.provider]) : event.from.model;
  return t('Fell back to {0} ({1} {2})', to, from, t(reasonLabel(event.reason)));
}

/** Why a request left a route, in a few lowercase words ("overloaded", "circuit open"). */
function reasonLabel(reason: Extract<ManagerEvent, { type: 'fallback' }>['reason']): string {
  switch (reason) {
    case 'breaker_open':
      return 'circuit open';
    case 'unknown_model':
      return 'unknown model';
    case 'unfit':
      return 'cannot take this request';
    default:
      return CLASS_LABEL(reason).toLowerCase();
  }
}

export type FailureAction = 'setApiKey' | 'copyRequestIds' | 'showDiagnostics';

export interface FailureNotice {
  readonly message: string;
  readonly actions: readonly FailureAction[];
}

/** The command that mends refused credentials of a provider, and its button's title. */
export function credentialFix(provider: ProviderId | null, t: Translate): { readonly command: string; readonly title: string } {
  switch (provider) {
    case 'bedrock':
      return { command: 'resilientClaude.setAwsCredentials', title: t('Set AWS Credentials') };
    case 'vertex':
      return { command: 'resilientClaude.setVertexToken', title: t('Set Vertex Access Token') };
    default:
      return { command: 'resilientClaude.setApiKey', title: t('Set API Key') };
  }
}

/** The provider whose credentials were refused last in a request (null: none was, or no attempt went out). */
export function refusedProvider(attempts: readonly AttemptRecord[]): ProviderId | null {
  return [...attempts].reverse().find((a) => a.errorClass === 'auth')?.provider ?? null;
}

/** The error notification for a failed request: class, plain reason, and what the user can do. */
export function failureNotice(
  error: { readonly class: ErrorClass; readonly message: string; readonly requestIds: readonly string[] },
  t: Translate,
): FailureNotice {
  const reason = t(CLASS_REASON(error.class));
  const plain = withoutRepeatedHead(error.class, error.message);
  const detail = plain && plain !== reason ? ` ${trimSentence(plain)}` : '';
  const ids = error.requestIds.length;
  const idNote = ids === 0 ? '' : ids === 1 ? t(' (1 request ID to escalate)') : t(' ({0} request IDs to escalate)', ids);
  const actions: FailureAction[] = [];
  if (error.class === 'auth') actions.push('setApiKey');
  if (ids > 0) actions.push('copyRequestIds');
  actions.push('showDiagnostics');
  return { message: t('Claude: {0} — {1}{2}{3}', t(CLASS_LABEL(error.class)), reason, detail, idNote), actions };
}

/** The notice already says the class and why: the manager's own head ("Claude is overloaded
 *  (529 overloaded_error): Overloaded.") is cut down to what it adds ("Last error: 529
 *  overloaded_error — Overloaded."). */
function withoutRepeatedHead(errorClass: ErrorClass, message: string): string {
  const head = describeClass(errorClass);
  const at = message.indexOf(`${head} (`);
  if (at < 0) return message;
  const rest = message.slice(at + head.length + 2);
  const close = rest.indexOf(')');
  if (close < 0) return message;
  const tag = rest.slice(0, close);
  const said = rest.slice(close + 1).replace(/^:\s*/, '').trim();
  const before = message.slice(0, at);
  return `${before}${/Last error:\s*$/.test(before) ? '' : 'Last error: '}${tag}${said ? ` — ${said}` : ''}`;
}

function trimSentence(text: string): string {
  const t = text.trim();
  const short = t.length > 200 ? `${t.slice(0, 197)}…` : t;
  return /[.!?…]$/.test(short) ? short : `${short}.`;
}

/** The line written under an answer: who answered, after how many attempts, and the request id. */
export function answerNote(outcome: Outcome, t: Translate): string {
  if (!outcome.ok) {
    const cls = outcome.error.class;
    return cls === 'canceled' ? `\n\n---\n*${t('Canceled.')}*\n` : `\n\n---\n*${t('Failed: {0}.', CLASS_LABEL(cls))}*\n`;
  }
  const firstAttempt = outcome.attempts[0];
  const first = firstAttempt?.model;
  const otherProvider = firstAttempt !== undefined && firstAttempt.provider !== outcome.provider;
  const served = otherProvider ? t('{0} via {1}', outcome.model, PROVIDER_SHORT_NAMES[outcome.provider]) : outcome.model;
  const from = otherProvider ? t('{0} via {1}', firstAttempt.model, PROVIDER_SHORT_NAMES[firstAttempt.provider]) : first;
  const requestId = [...outcome.attempts].reverse().find((a) => a.requestId !== null)?.requestId ?? null;
  const parts = [
    first !== undefined && (first !== outcome.model || otherProvider)
      ? t('Answered by {0} (fell back from {1})', served, from ?? first)
      : t('Answered by {0}', outcome.model),
    outcome.attempts.length === 1 ? t('1 attempt') : t('{0} attempts', outcome.attempts.length),
  ];
  if (requestId !== null) parts.push(t('request ID {0}', requestId));
  const incomplete = outcome.incomplete ? ` — ${t('incomplete: the answer was cut off and could not be continued')}` : '';
  return `\n\n---\n*${parts.join(' · ')}${incomplete}*\n`;
}
