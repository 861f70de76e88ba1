/** The ec2 driver's public face: the factory the registry needs, its schema, and helpers for the validator. */
import type { DriverFactory } from '../driver.js';
import { createEc2Driver } from './driver.js';

export { createEc2Driver, endpointKey, type Ec2DriverOptions } from './driver.js';
export { resourceSchema, DEFAULT_REGION, type Ec2Resource } from './schema.js';
export { checkUserDataSize, encodeUserData, USER_DATA_MAX_BYTES } from './user-data.js';
export { classifyEc2Error } from './classify.js';

export const ec2Driver: DriverFactory = (deps) => createEc2Driver(deps);
