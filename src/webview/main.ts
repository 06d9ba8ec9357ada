// Entry of the diagnostics webview bundle (dist/webview.js + dist/webview.css).
import 'uplot/dist/uPlot.min.css';
import './diagnostics.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { DiagnosticsApp } from './app';
import { connectToHost } from './vscodeApi';

const root = document.getElementById('app');
if (root) new DiagnosticsApp(root, connectToHost());
