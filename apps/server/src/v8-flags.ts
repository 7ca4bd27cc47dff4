import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the server process, applied before anything else is loaded (main.ts imports
 * this first), so `node dist/main.mjs` gets them however it is started.
 *
 * No allocation-site pretenuring: an import parses hundreds of thousands of rows whose objects
 * live for one 500-row batch. V8 saw a batch survive a scavenge, judged the allocation sites
 * long-lived and allocated every later row straight in old space, where it stayed as garbage
 * until a full collection: the import's RSS grew by 80-100 MiB. Without pretenuring those
 * objects die young, RSS grows by 10-15 MiB and imports run faster
 * (`pnpm --filter @znyx/server bench:import-export`); List Datasets measured the same either way.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
