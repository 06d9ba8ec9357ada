// Which program sent a request, from its user-agent, for the history, the status bar and the
// report ("Claude Code", "Anthropic TypeScript SDK", "curl" …). Only the program's name and
// version are kept: never anything else the header carries.
const KNOWN: ReadonlyArray<readonly [RegExp, string]> = [
  [/^claude-cli\/(\S+)/i, 'Claude Code'],
  [/^claude-vscode\/(\S+)/i, 'Claude Code (VS Code)'],
  [/^Anthropic\/JS\s+(\S+)/i, 'Anthropic TypeScript SDK'],
  [/^Anthropic\/Python\s+(\S+)/i, 'Anthropic Python SDK'],
  [/^Anthropic\/(\w+)\s+(\S+)/i, 'Anthropic SDK'],
  [/^curl\/(\S+)/i, 'curl'],
  [/^Cline\/(\S+)/i, 'Cline'],
  [/^Continue\/(\S+)/i, 'Continue'],
];

const SAFE = /[^A-Za-z0-9._\-+ ()]/g;
const SAFE_NAME = /[^A-Za-z0-9._\-+()/]/g;

/** The last user-agent read and its label: a client sends the same one on every request. */
let lastAgent: { readonly userAgent: string | undefined; readonly label: string } | null = null;

export function clientLabel(userAgent: string | undefined): string {
  if (lastAgent !== null && lastAgent.userAgent === userAgent) return lastAgent.label;
  const label = labelOf(userAgent);
  lastAgent = { userAgent, label };
  return label;
}

function labelOf(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return 'unknown client';
  for (const [pattern, name] of KNOWN) {
    const match = pattern.exec(ua);
    if (match) {
      const version = (match[match.length - 1] ?? '').replace(SAFE, '').slice(0, 24);
      return version === '' ? name : `${name} ${version}`;
    }
  }
  const first = ua.split(/\s+/)[0]!.replace(SAFE_NAME, '').slice(0, 40);
  return first === '' ? 'unknown client' : first;
}

/** "Claude Code 2.1.3" → "Claude Code" (so upgrades add up); a name without a version is kept as it is. */
export function clientName(label: string): string {
  return label.replace(/ \d[\w.\-+]*$/, '');
}

/** The last label made into an id part. */
let lastIdPart: { readonly label: string; readonly part: string } | null = null;

/** The client in a form fit for a request id (`claude-code`, `curl`): so the failures, the 529
 *  history and the escalation report, which list endpoint requests by id, say whose they were. */
export function clientIdPart(label: string): string {
  if (lastIdPart !== null && lastIdPart.label === label) return lastIdPart.part;
  const part = idPartOf(label);
  lastIdPart = { label, part };
  return part;
}

function idPartOf(label: string): string {
  const name = clientName(label).toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24);
  return name === '' ? 'unknown' : name;
}
