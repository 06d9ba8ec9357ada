// The broker serves every client of the user, so it must inherit no one's credentials: it runs
// with only the variables below from whoever started it (a window, a CLI in some shell), and a
// broker run in the foreground drops the rest from its own environment first. What a request
// needs — keys, the user's AWS / Google set-up, an endpoint from ANTHROPIC_BASE_URL — travels
// with the request, resolved in the client that sent it (wireConfig.ts, requestCredentials.ts).
type Env = Readonly<Record<string, string | undefined>>;

/** Kept as they are: where things are, the locale, the platform's own, and the broker's settings. */
const KEPT = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  'XDG_RUNTIME_DIR', 'NODE_EXTRA_CA_CERTS', 'NODE_V8_COVERAGE', 'ELECTRON_RUN_AS_NODE',
  // Windows
  'SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'PROGRAMDATA', 'USERNAME',
]);
const KEPT_PREFIXES = ['LC_', 'RESILIENT_CLAUDE_'];

export function isKept(name: string): boolean {
  const upper = name.toUpperCase();
  return KEPT.has(upper) || KEPT_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** The environment a broker is started with: `env` without anything that is not kept. */
export function brokerEnvironment(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && isKept(name)) out[name] = value;
  return out;
}

/** Drops from this process's own environment everything a broker does not keep. */
export function scrubOwnEnvironment(): void {
  for (const name of Object.keys(process.env)) if (!isKept(name)) delete process.env[name];
}
