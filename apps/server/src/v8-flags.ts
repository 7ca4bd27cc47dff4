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

/**
 * Old space grows to at most 1.5 × what the last full collection left live (V8's own factor goes
 * up to 4 ×): under List Datasets load with the answer cache off the server's RSS is 136 MiB
 * instead of 168, for about 2.5 % more instructions per request in marking (callgrind;
 * `pnpm bench` shows the RSS).
 */
setFlagsFromString('--heap-growing-percent=50');

// The heap's sizes are fixed before this runs, so they are command-line options: the root
// package.json's `start` script gives `--max-semi-space-size=8` (see ARCHITECTURE.md).
