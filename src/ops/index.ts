/**
 * The operations layer: what a person can ask of reef (apply, scale, destroy, import, and what status and the event
 * log show), written once. The CLI and the HTTP API both call it; it calls the store and nudges the controller.
 */
export * from './deps.js';
export * from './infra.js';
export * from './scale.js';
export * from './events.js';
export * from './node-defs.js';
export * from './views.js';
