// The signature of `vscode.l10n.t` for pure helpers that build user-facing text.
// The extension passes `vscode.l10n.t`; unit tests pass `formatMessage`.

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Substitutes `{0}`, `{1}`, … like `vscode.l10n.t` does when no translation bundle is loaded. */
export const formatMessage: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
