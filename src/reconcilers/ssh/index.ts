export type { SshTarget, SshHostKeyPolicy } from './types.js';
export { sshConnect, withSshSession, describeTarget, type SshSession } from './connect.js';
export { sshExec, type SshExecOptions, type SshExecResult } from './exec.js';
export { sshUpload, type UploadFile } from './upload.js';
export { classifySshError } from './classify.js';
export { sha256Fingerprint } from './host-key.js';

import type { DriverFactory } from '../driver.js';
import { createSshDriver } from './driver.js';
export { createSshDriver, type SshDriver, type SshDriverOptions } from './driver.js';
export { resourceSchema, type SshResource, type SshHostEntry } from './schema.js';
export { sshTargetFor, poolKey, poolHosts } from './hosts.js';
export { probeSshBanner } from './banner-probe.js';

/** The registry's factory for resource `type: ssh` (existing machines). */
export const sshDriver: DriverFactory = (deps) => createSshDriver(deps);
