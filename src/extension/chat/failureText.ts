// A failed request as the chat surfaces see it: the same plain-language text as the rest of
// the extension (requestMessages.failureNotice), followed by every request id to escalate,
// and the LanguageModelError code VS Code's callers can branch on.
import type { FailureOutcome } from '../../core/types';
import { failureNotice } from '../requestMessages';
import type { Translate } from '../translate';

/** `vscode.LanguageModelError` codes (its static factories' names); '' for a plain error. */
export type LanguageModelErrorCode = 'NoPermissions' | 'Blocked' | 'NotFound' | '';

export interface ChatFailure {
  readonly message: string;
  readonly code: LanguageModelErrorCode;
  readonly requestIds: readonly string[];
}

function codeFor(error: FailureOutcome['error']): LanguageModelErrorCode {
  switch (error.class) {
    case 'auth':
      return 'NoPermissions';
    case 'spend_limit':
      return 'Blocked';
    case 'bad_request':
      return /unknown model|does not know the model|not_found/i.test(error.message) ? 'NotFound' : '';
    default:
      return '';
  }
}

export function chatFailure(error: FailureOutcome['error'], t: Translate): ChatFailure {
  const notice = failureNotice(error, t).message;
  const ids = error.requestIds;
  const message = ids.length === 0 ? notice : `${notice} ${t('Request IDs: {0}.', ids.join(', '))}`;
  return { message, code: codeFor(error), requestIds: [...ids] };
}
