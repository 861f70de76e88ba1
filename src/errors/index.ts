/** reef's error kernel: imports nothing from the rest of src/, so every layer may import it. */
export * from './classes.js';
export * from './catalogue.js';
export * from './reef-error.js';
export * from './policy.js';
