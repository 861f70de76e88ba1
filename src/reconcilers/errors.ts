/** Moved to src/errors/ (a neutral kernel every layer may import); this path stays for existing imports and plugins. */
export { ReefError, TransientError, FatalError, isReefError, asReefError, reefError, classOf, type ReefErrorOptions } from '../errors/index.js';
