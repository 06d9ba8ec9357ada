// Errors as Amazon Bedrock sends them: a JSON body `{"message": …}`, the
// exception name in `x-amzn-ErrorType`, and the request id in
// `x-amzn-RequestId`. The official Bedrock SDK maps them to its error classes
// by status alone (429 → RateLimitError, 503 → ServiceUnavailableError, …).
import type { ServerResponse } from 'node:http';
import type { Outcome } from './scenario-types';

export type BedrockExceptionName =
  | 'IncompleteSignatureException'
  | 'InternalServerException'
  | 'MissingAuthenticationTokenException'
  | 'ModelTimeoutException'
  | 'ResourceNotFoundException'
  | 'ServiceUnavailableException'
  | 'ThrottlingException'
  | 'UnrecognizedClientException'
  | 'ValidationException';

export interface BedrockError {
  readonly status: number;
  readonly exception: BedrockExceptionName;
  readonly message: string;
}

const CORAL = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

/** The Bedrock error a scenario outcome becomes (outcomes that are not errors have none). */
export function bedrockErrorForOutcome(outcome: Outcome, rateLimited: boolean, midStreamErrorType: string): BedrockError | undefined {
  switch (outcome) {
    case '529':
      return { status: 503, exception: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' };
    case '503':
      return { status: 503, exception: 'ServiceUnavailableException', message: 'Too many connections, please wait before trying again.' };
    case '429':
      return rateLimited
        ? { status: 429, exception: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' }
        : { status: 429, exception: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' };
    case 'spend':
      return { status: 429, exception: 'ThrottlingException', message: 'Too many tokens per day, please wait before trying again.' };
    case '500':
    case '502':
      return {
        status: 500,
        exception: 'InternalServerException',
        message: 'The system encountered an unexpected error during processing. Try your request again.',
      };
    case '504':
      return { status: 408, exception: 'ModelTimeoutException', message: 'Model has timed out in processing the request. Try your request again.' };
    case '401':
      return { status: 403, exception: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
    case '404':
      return { status: 404, exception: 'ResourceNotFoundException', message: 'Could not resolve the foundation model from the provided model identifier.' };
    case '413':
      return { status: 400, exception: 'ValidationException', message: 'Input is too long for requested model.' };
    case 'midstream':
      return bedrockErrorForStreamType(midStreamErrorType);
    default:
      return undefined;
  }
}

/** A mid-stream error type as the HTTP error a non-streaming Bedrock request gets instead. */
function bedrockErrorForStreamType(type: string): BedrockError {
  switch (type) {
    case 'rate_limit_error':
      return bedrockErrorForOutcome('429', false, type)!;
    case 'timeout_error':
      return bedrockErrorForOutcome('504', false, type)!;
    case 'invalid_request_error':
      return { status: 400, exception: 'ValidationException', message: 'Invalid request.' };
    case 'api_error':
      return bedrockErrorForOutcome('500', false, type)!;
    default:
      return bedrockErrorForOutcome('529', false, type)!;
  }
}

/**
 * The event-stream exception that ends a Bedrock stream for a mid-stream error
 * type, or undefined when the model's own Anthropic `error` event is relayed
 * in a chunk instead (overloaded_error: the model, not Bedrock, failed).
 */
export function bedrockStreamException(type: string): string | undefined {
  switch (type) {
    case 'rate_limit_error':
      return 'throttlingException';
    case 'timeout_error':
      return 'modelTimeoutException';
    case 'invalid_request_error':
      return 'validationException';
    case 'api_error':
      return 'internalServerException';
    default:
      return undefined;
  }
}

export function sendBedrockError(res: ServerResponse, error: BedrockError, requestId: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify({ message: error.message });
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.exception + CORAL,
    ...headers,
  });
  res.end(text);
}
