#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step to forget. Both loaders are
// registered: a custom node's `index.ts` outside a `"type": "module"` package loads through the CommonJS one.
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';

register();
registerCommonJs();
await import('../src/main.ts');
