/** The JSON views moved to the operations layer (src/ops/views.ts); this path stays for existing imports. */
export * from '../ops/views.js';
