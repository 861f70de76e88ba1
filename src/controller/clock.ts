/** The clock moved to src/util/clock.ts (drivers use it too, and they sit below the controller). */
export * from '../util/clock.js';
