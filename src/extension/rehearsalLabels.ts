// The line under every answer a rehearsal gave (answer documents and @claude replies): the
// simulator wrote it, not Claude. Pure, no vscode import.
import type { Translate } from './translate';

export function simulatedAnswerLine(scenario: string, t: Translate): string {
  return t('Simulated — overload rehearsal "{0}": written by the local simulator, not by Claude; its request IDs mean nothing to support.', scenario);
}
