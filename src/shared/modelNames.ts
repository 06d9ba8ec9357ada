// A model's name as people say it, wherever one is shown in words (progress, narration, the
// chat model picker): claude-opus-5-5 → "Opus 5.5" (family "Opus"), claude-3-5-sonnet-20241022
// → "Sonnet 3.5", Bedrock and Vertex ids alike. Unknown shapes read as the id itself.

interface NameParts {
  readonly family: string | null;
  readonly version: string;
}

function parts(id: string): NameParts {
  const words = id
    .replace(/^(global|us|eu|apac)\./, '')
    .replace(/^anthropic\./, '')
    .replace(/^claude-/, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace(/-\d{8}$/, '')
    .split('-');
  const family = words.find((w) => /^[a-z]+$/i.test(w)) ?? null;
  const version = words.filter((w) => /^\d{1,2}$/.test(w)).join('.');
  return { family: family === null ? null : family.charAt(0).toUpperCase() + family.slice(1), version };
}

/** "Opus 5.5", or the id when it is not a Claude model id. */
export function shortModelName(id: string): string {
  const { family, version } = parts(id);
  if (family === null || !id.includes('claude')) return id;
  return version === '' ? family : `${family} ${version}`;
}

/** "Opus", or the short name when the id has no family word. */
export function modelFamilyName(id: string): string {
  const { family } = parts(id);
  return family === null || !id.includes('claude') ? id : family;
}
