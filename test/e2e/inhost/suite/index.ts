// Entry of the in-host suite: the workbench calls run(). test/e2e/inhost/run.mjs bundles this file
// together with every suite/**/*.test.ts into out/inhost-suite/index.js.
export { run } from './runner';
