// Chart colours come from VS Code's theme variables, so the chart follows light, dark and
// high-contrast themes; they are re-read when the theme changes (body class changes).

export interface ChartPalette {
  readonly overloaded: string;
  readonly rateLimited: string;
  readonly serverErrors: string;
  readonly rate: string;
  readonly threshold: string;
  readonly axis: string;
  readonly grid: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

export function readPalette(): ChartPalette {
  const style = getComputedStyle(document.body);
  return {
    overloaded: cssVar(style, '--vscode-charts-red', '#f14c4c'),
    rateLimited: cssVar(style, '--vscode-charts-orange', '#d18616'),
    serverErrors: cssVar(style, '--vscode-charts-purple', '#b180d7'),
    rate: cssVar(style, '--vscode-charts-blue', '#3794ff'),
    threshold: cssVar(style, '--vscode-charts-yellow', '#cca700'),
    axis: cssVar(style, '--vscode-foreground', '#cccccc'),
    grid: cssVar(style, '--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps the body's vscode-* classes). */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => observer.disconnect();
}
