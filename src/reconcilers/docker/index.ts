import type { DriverFactory } from '../driver.js';
import { DockerDriver } from './driver.js';

export { resourceSchema, type DockerResource } from './schema.js';
export { DockerDriver } from './driver.js';

export const dockerDriver: DriverFactory = (deps) => new DockerDriver(deps);
