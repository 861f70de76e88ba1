export type { SshTarget, SshHostKeyPolicy } from './types.js';
export { sshConnect, withSshSession, describeTarget, type SshSession } from './connect.js';
export { sshExec, type SshExecOptions, type SshExecResult } from './exec.js';
export { sshUpload, type UploadFile } from './upload.js';
export { classifySshError } from './classify.js';
export { sha256Fingerprint } from './host-key.js';
