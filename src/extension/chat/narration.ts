// What @claude says while the manager works, one line per event that changes what the user
// should know, never the same line twice in a row ("Opus overloaded — retrying in 2 s (attempt 2)",
// "Opus overloaded — trying Sonnet 5.5",
// "No response from Opus 5.5 for 6 s — trying a fresh connection"),
// and the line under a fallback answer ("Answered by Sonnet 5.5 — Opus overloaded"). Pure:
// fed the manager's events of one request, in order.
import type { ManagerEvent } from '../../core/types';
import { policyOf } from '../../core/errorClasses';
import { ERROR_CLASSES } from '../../shared/vocabulary';
import type { Translate } from '../translate';
import { PROVIDER_SHORT_NAMES } from '../../shared/vocabulary';
import { modelFamilyName, shortModelName } from '../../shared/modelNames';
import { stallMessage } from '../requestMessages';

/** Why a route was left, as a few words after the model's name: an error class's phrase, or one of these. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(ERROR_CLASSES.map((c) => [c, policyOf(c).phrase])),
  breaker_open: 'paused (circuit open)',
  unknown_model: 'not offered by the API',
  unfit: 'too small for this request',
  held: 'held by a rate limit',
  slow: 'slow to answer',
};

export function reasonWords(reason: string, t: Translate): string {
  return t(REASON_WORDS[reason] ?? reason.replace(/_/g, ' '));
}

function routeName(model: string, provider: string, firstProvider: string | null, t: Translate): string {
  const name = shortModelName(model);
  return firstProvider !== null && provider !== firstProvider
    ? t('{0} via {1}', name, PROVIDER_SHORT_NAMES[provider as keyof typeof PROVIDER_SHORT_NAMES] ?? provider)
    : name;
}

export class Narrator {
  private firstProvider: string | null = null;
  private firstLeft: { model: string; reason: string } | null = null;
  private current: { model: string; provider: string } | null = null;
  /** The route a hedge went to (the stall line said so; its fallback needs no second line). */
  private hedgedTo: string | null = null;
  /** The last line said: the same words twice in a row are said once. */
  private lastLine: string | null = null;

  constructor(private readonly t: Translate) {}

  /** The line to show for this event, or null (nothing new to say). */
  line(event: ManagerEvent): string | null {
    const line = this.lineFor(event);
    if (line === null || line === this.lastLine) return null;
    this.lastLine = line;
    return line;
  }

  private lineFor(event: ManagerEvent): string | null {
    const t = this.t;
    switch (event.type) {
      case 'attempt':
        this.firstProvider ??= event.provider;
        return null;
      case 'wait': {
        const seconds = Math.max(1, Math.round(event.delayMs / 1000));
        return t('{0} {1} — retrying in {2} s (attempt {3})', modelFamilyName(event.model), reasonWords(event.reason, t), seconds, event.nextAttempt);
      }
      case 'fallback': {
        this.firstProvider ??= event.from.provider;
        if (this.hedgedTo === `${event.to.provider}:${event.to.model}`) {
          // The hedge on the next route answered: the stall line already said so.
          this.hedgedTo = null;
          this.firstLeft ??= { model: event.from.model, reason: 'slow' };
          this.current = { model: event.to.model, provider: event.to.provider };
          return null;
        }
        this.firstLeft ??= { model: event.from.model, reason: event.reason };
        this.current = { model: event.to.model, provider: event.to.provider };
        return t(
          '{0} {1} — trying {2}',
          modelFamilyName(event.from.model),
          reasonWords(event.reason, t),
          routeName(event.to.model, event.to.provider, this.firstProvider, t),
        );
      }
      case 'stall':
        // A hedge on the next route: if it answers, the answer line says why ("— Opus slow to answer").
        if (event.to !== undefined) this.hedgedTo = `${event.to.provider}:${event.to.model}`;
        // The same words as the progress notification: "No response from Opus 5.5 for 6 s — trying a fresh connection".
        return stallMessage(event, t);
      default:
        return null;
    }
  }

  /** "Answered by Sonnet 5.5 — Opus overloaded" after a fallback; "Answered by Opus 5.5" otherwise. */
  answeredBy(model: string, provider: string): string {
    const t = this.t;
    const served = routeName(model, provider, this.firstProvider, t);
    if (this.firstLeft === null || (this.firstLeft.model === model && provider === this.firstProvider)) return t('Answered by {0}', served);
    return t('Answered by {0} — {1} {2}', served, modelFamilyName(this.firstLeft.model), reasonWords(this.firstLeft.reason, t));
  }

  /** The answered-by line for the route the request moved to last, or null before any fallback. */
  answeredByCurrent(): string | null {
    return this.current === null ? null : this.answeredBy(this.current.model, this.current.provider);
  }

  /** True once the request has left its first route. */
  get fellBack(): boolean {
    return this.firstLeft !== null;
  }
}
