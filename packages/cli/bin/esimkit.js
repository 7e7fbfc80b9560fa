#!/usr/bin/env node
// The CLI is written in TypeScript and run from source through tsx, so a fresh clone needs
// no build step: `npm install` then `npx esimkit ...`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
