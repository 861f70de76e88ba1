/**
 * EC2 user data: sent base64-encoded as RunInstances' UserData. AWS limits user data to 16 KB *in raw form,
 * before base64 encoding* (EC2 user guide, "Work with instance user data"), so the check is on the UTF-8 bytes
 * of the rendered text; the base64 form may be up to ~21.3 KB.
 */
import { FatalError } from '../errors.js';
import type { ContextPayload } from '../driver.js';

export const USER_DATA_MAX_BYTES = 16 * 1024;

/** Throws FatalError REEF_EC2_USERDATA_TOO_LARGE when the raw user data exceeds 16 KB. Exported for the validator. */
export function checkUserDataSize(userData: string, where = 'user data'): void {
  const bytes = Buffer.byteLength(userData, 'utf8');
  if (bytes > USER_DATA_MAX_BYTES) {
    throw new FatalError(
      'REEF_EC2_USERDATA_TOO_LARGE',
      `${where} is ${bytes} bytes; EC2 accepts at most ${USER_DATA_MAX_BYTES} bytes before base64 encoding`,
    );
  }
}

/** The UserData parameter for a context payload: base64 of the cloud-init text, or undefined when there is none. */
export function encodeUserData(context: ContextPayload): string | undefined {
  if (context.kind === 'none') return undefined;
  if (context.kind !== 'cloudinit') {
    throw new FatalError(
      'REEF_EC2_CONTEXT_UNSUPPORTED',
      `the ec2 driver takes cloudinit contextualisation, not '${context.kind}'`,
    );
  }
  checkUserDataSize(context.userData);
  return Buffer.from(context.userData, 'utf8').toString('base64');
}
