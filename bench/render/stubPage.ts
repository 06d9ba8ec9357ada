// A plain HTML page that loads the built webview (dist/webview.js/.css) with a stub
// `acquireVsCodeApi` standing in for the extension host: it answers the page's `ready` with
// the given snapshot and records every message the page posts. Used by the render benchmark
// and the panel preview screenshots.
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PanelSnapshot } from '../../src/webview/protocol';

export type ThemeKind = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';

/** A few of VS Code's theme variables, enough for the panel to look like it does in VS Code. */
const THEME_VARS: Record<ThemeKind, string> = {
  'vscode-dark': `--vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f;
    --vscode-descriptionForeground: #9d9d9d; --vscode-charts-red: #f14c4c; --vscode-charts-orange: #d18616; --vscode-charts-purple: #b180d7; --vscode-charts-blue: #3794ff;
    --vscode-charts-yellow: #cca700; --vscode-charts-green: #89d185; --vscode-charts-lines: rgba(204,204,204,0.5); --vscode-widget-border: #313131;
    --vscode-editorWidget-background: #202020; --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-inputValidation-errorBorder: #be1100;
    --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-secondaryBackground: #313131;
    --vscode-button-secondaryForeground: #cccccc; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
    --vscode-textLink-foreground: #4daafc; --vscode-errorForeground: #f85149; --vscode-focusBorder: #0078d4;`,
  'vscode-light': `--vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-foreground: #3b3b3b; --vscode-editor-background: #ffffff;
    --vscode-descriptionForeground: #5f5f5f; --vscode-charts-red: #e51400; --vscode-charts-orange: #b95f00; --vscode-charts-purple: #652d90; --vscode-charts-blue: #1a85ff;
    --vscode-charts-yellow: #8a6d00; --vscode-charts-green: #388a34; --vscode-charts-lines: rgba(59,59,59,0.5); --vscode-widget-border: #e5e5e5;
    --vscode-editorWidget-background: #f8f8f8; --vscode-inputValidation-errorBackground: #f2dede; --vscode-inputValidation-errorBorder: #be1100;
    --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-button-secondaryBackground: #e5e5e5;
    --vscode-button-secondaryForeground: #3b3b3b; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b;
    --vscode-textLink-foreground: #005fb8; --vscode-errorForeground: #a1260d; --vscode-focusBorder: #005fb8;`,
  'vscode-high-contrast': `--vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-foreground: #ffffff; --vscode-editor-background: #000000;
    --vscode-descriptionForeground: #ffffff; --vscode-charts-red: #f14c4c; --vscode-charts-orange: #ffa500; --vscode-charts-purple: #c586c0; --vscode-charts-blue: #3794ff;
    --vscode-charts-yellow: #ffff00; --vscode-charts-green: #89d185; --vscode-charts-lines: rgba(255,255,255,0.6); --vscode-contrastBorder: #6fc3df;
    --vscode-widget-border: #6fc3df; --vscode-editorWidget-background: #0c141f; --vscode-inputValidation-errorBackground: #000000;
    --vscode-inputValidation-errorBorder: #f48771; --vscode-button-background: #000000; --vscode-button-foreground: #ffffff;
    --vscode-button-secondaryBackground: #000000; --vscode-button-secondaryForeground: #ffffff; --vscode-button-border: #6fc3df;
    --vscode-badge-background: #000000; --vscode-badge-foreground: #ffffff; --vscode-textLink-foreground: #21a6ff;
    --vscode-errorForeground: #f48771; --vscode-focusBorder: #f38518;`,
};

/** Writes the page next to copies of the built bundle and returns its file:// URL. */
export function writeStubPage(snapshot: PanelSnapshot, theme: ThemeKind = 'vscode-dark'): string {
  const dist = resolve(__dirname, '../../dist');
  const dir = mkdtempSync(join(tmpdir(), 'rc-webview-'));
  copyFileSync(join(dist, 'webview.js'), join(dir, 'webview.js'));
  copyFileSync(join(dist, 'webview.css'), join(dir, 'webview.css'));
  writeFileSync(join(dir, 'snapshot.js'), `window.__snapshot = ${JSON.stringify(snapshot)};`);
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Diagnostics</title>
<style>html { ${THEME_VARS[theme]} }</style>
<link rel="stylesheet" href="webview.css">
<script src="snapshot.js"></script>
<script>
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      window.__posted.push(message);
      if (message.type === 'ready') {
        window.__readyAt = performance.now();
        window.postMessage({ type: 'snapshot', snapshot: window.__snapshot }, '*');
      }
    },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
</head><body class="${theme}" data-vscode-theme-kind="${theme}"><div id="app"></div><script src="webview.js"></script></body></html>`;
  writeFileSync(join(dir, 'index.html'), html);
  return `file://${join(dir, 'index.html')}`;
}
