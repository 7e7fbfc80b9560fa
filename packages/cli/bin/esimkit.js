#!/usr/bin/env node
// The `esimkit` command runs the compiled CLI in dist/ (`npm install` builds it in a clone of
// the repository; the published package ships it).
try {
  await import('../dist/lib/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/lib/main.js')) {
    process.stderr.write('esimkit is not built: run `npm run build` (or `npm install`) in the repository first\n');
    process.exit(1);
  }
  throw error;
}
