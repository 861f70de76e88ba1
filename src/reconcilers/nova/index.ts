/** The nova driver's public face: the factory the registry needs, its schema, and helpers for the validator. */
import type { DriverFactory } from '../driver.js';
import { createNovaDriver } from './driver.js';

export { createNovaDriver, endpointKey, type NovaDriverOptions } from './driver.js';
export { resourceSchema, keystoneUrl, type NovaResource } from './schema.js';
export { checkUserDataSize, USER_DATA_MAX_BASE64_BYTES } from './server-request.js';
export { classifyOpenStackError } from './classify.js';

export const novaDriver: DriverFactory = (deps) => createNovaDriver(deps);
