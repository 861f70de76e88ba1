/** The dummy driver's public face: the factory the registry uses, and what tests and chaos runs need. */
import type { DriverFactory } from '../driver.js';
import { DummyDriver } from './driver.js';

export const dummyDriver: DriverFactory = (deps) => new DummyDriver(deps);

export { DummyDriver } from './driver.js';
export { resourceSchema, resolveSettings, type DummyResource, type DummySettings } from './schema.js';
export { openDummyCloud, DummyCloud, type DummyRecord, type OpenCloudOptions, type OrphanOptions } from './cloud.js';
