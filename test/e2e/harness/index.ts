// The e2e harness: a real VS Code (code-server) on 127.0.0.1 and chromium as its window.
export * from './browser';
export * from './code-server';
export * from './paths';
export * from './process-group';
export * from './workbench';
export * from './package';
export * from './session';
export * from './time';
export * from './logs';
export * from './extensionUi';
export * from './rehearsalSession';
export * from './statusTooltip';
