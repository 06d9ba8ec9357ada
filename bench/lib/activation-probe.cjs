// Loads a bundled extension with `vscode` answered by a no-op stub, then calls
// activate() and prints {loadMs, activateMs, error} as JSON. Every VS Code API
// call returns another stub (or the default value passed to a getter), so the
// figure is the extension's own start-up work, not VS Code's.
// Usage: node activation-probe.cjs <extension.js> <storage-dir>
'use strict';
const Module = require('node:module');
const path = require('node:path');

const [extensionJs, storage] = process.argv.slice(2);

function uri(fsPath) {
  return {
    scheme: 'file',
    fsPath,
    path: fsPath,
    with: () => uri(fsPath),
    toString: () => `file://${fsPath}`,
    toJSON: () => ({ scheme: 'file', path: fsPath }),
  };
}

function stub(name) {
  const target = function () {};
  const assigned = new Map();
  return new Proxy(target, {
    set(_t, property, value) {
      assigned.set(property, value);
      return true;
    },
    defineProperty(_t, property, descriptor) {
      assigned.set(property, descriptor.get ? descriptor.get() : descriptor.value);
      return true;
    },
    get(_t, property) {
      if (assigned.has(property)) return assigned.get(property);
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive) return () => name;
      if (property === Symbol.iterator) return function* () {};
      if (property === 'dispose') return () => undefined;
      if (property === 'get') return (_key, fallback) => fallback;
      if (property === 'joinPath') return (base, ...parts) => uri(path.join(base.fsPath, ...parts));
      if (property === 'file') return (p) => uri(p);
      return stub(`${name}.${String(property)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

// The real API's top-level names (from @types/vscode), so bundlers' namespace
// interop (which copies own keys) sees them; each is a recursive stub.
const typesFile = require.resolve('@types/vscode/index.d.ts');
const names = new Set(
  [...require('node:fs').readFileSync(typesFile, 'utf8').matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]),
);
const vscode = {};
for (const name of names) vscode[name] = stub(`vscode.${name}`);
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return originalLoad.call(this, request, parent, isMain);
};

const memento = () => {
  const values = new Map();
  return {
    get: (key, fallback) => (values.has(key) ? values.get(key) : fallback),
    update: async (key, value) => void values.set(key, value),
    keys: () => [...values.keys()],
    setKeysForSync: () => undefined,
  };
};

const context = {
  subscriptions: [],
  extensionPath: path.dirname(path.dirname(extensionJs)),
  extensionUri: uri(path.dirname(path.dirname(extensionJs))),
  globalStorageUri: uri(storage),
  globalStoragePath: storage,
  storageUri: uri(storage),
  storagePath: storage,
  logUri: uri(storage),
  logPath: storage,
  extensionMode: 1,
  globalState: memento(),
  workspaceState: memento(),
  secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: stub('onDidChange') },
  environmentVariableCollection: stub('environmentVariableCollection'),
  extension: stub('extension'),
  asAbsolutePath: (p) => path.join(path.dirname(path.dirname(extensionJs)), p),
};

(async () => {
  const t0 = performance.now();
  let extension;
  try {
    extension = require(extensionJs);
  } catch (error) {
    console.log(JSON.stringify({ loadMs: performance.now() - t0, activateMs: null, error: `load: ${error.message}` }));
    return;
  }
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  try {
    await extension.activate(context);
    const activateMs = performance.now() - t1;
    for (const d of context.subscriptions) {
      try {
        d.dispose();
      } catch {
        // A stub disposable; nothing to release.
      }
    }
    console.log(JSON.stringify({ loadMs, activateMs, error: null }));
  } catch (error) {
    console.log(JSON.stringify({ loadMs, activateMs: null, error: `activate: ${String(error && error.message).slice(0, 120)}` }));
  }
  setTimeout(() => process.exit(0), 10);
})();
