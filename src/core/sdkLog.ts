// The logger every SDK client we create is given (Anthropic, Bedrock, Vertex, and the AWS
// credential providers). The SDKs print what they see — on an SSE parse failure the raw
// `data:` line and chunk — so each line is formatted here, passed through redaction (the
// credential shapes and every registered secret value) and only then handed to the host's
// log: the extension's LogOutputChannel, the CLI's stderr.
import { formatWithOptions } from 'node:util';
import { redactSecrets } from './redact';

export type SdkLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Where redacted SDK log lines go. */
export type SdkLogSink = (level: SdkLogLevel, line: string) => void;

type LogFn = (message: string, ...rest: unknown[]) => void;

/** The shape the Anthropic SDKs and the AWS credential providers accept as `logger`. */
export interface SdkLogger {
  readonly error: LogFn;
  readonly warn: LogFn;
  readonly info: LogFn;
  readonly debug: LogFn;
}

/** A line is bounded: a raw chunk can be large. */
const MAX_LINE = 2_000;

/** Without a host log (tests, scripts): warnings and errors on stderr; the AWS providers' chatty debug lines are dropped. */
const toStderr: SdkLogSink = (level, line) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`[sdk ${level}] ${line}\n`);
};

let sink: SdkLogSink = toStderr;

/** Sets where SDK log lines go (they arrive redacted); returns a function that restores the previous sink. */
export function setSdkLogSink(next: SdkLogSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    if (sink === next) sink = previous;
  };
}

/** One line of SDK output, formatted like console's and redacted; `secrets` are scrubbed on top of the registry. */
export function formatSdkLogLine(args: readonly unknown[], secrets: readonly string[] = []): string {
  const text = redactSecrets(formatWithOptions({ breakLength: Infinity, depth: 4 }, ...args), secrets);
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}

/** A logger for one SDK client; the current sink is looked up per line, so a later setSdkLogSink applies. */
export function sdkLogger(secrets: readonly string[] = []): SdkLogger {
  const at =
    (level: SdkLogLevel): LogFn =>
    (message, ...rest) => {
      try {
        sink(level, formatSdkLogLine([message, ...rest], secrets));
      } catch {
        // A failing log must not fail the request that logged.
      }
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
