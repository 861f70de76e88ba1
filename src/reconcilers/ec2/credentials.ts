/**
 * Occopus auth_data for ec2 (`accesskey`, `secretkey`, optional `session_token`) → SDK credentials.
 * Absent auth_data → undefined, and the SDK uses the standard AWS chain (env, profile, SSO, IMDS ...).
 */
import { FatalError } from '../errors.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function toAwsCredentials(authData: Record<string, unknown> | undefined): StaticCredentials | undefined {
  if (!authData || Object.keys(authData).length === 0) return undefined;
  const { accesskey, secretkey, session_token: sessionToken } = authData;
  // The message names the missing key only: never echo a value from the auth file.
  if (typeof accesskey !== 'string' || accesskey === '') {
    throw new FatalError('REEF_EC2_BAD_CREDENTIALS', 'ec2 auth_data needs a non-empty string "accesskey"');
  }
  if (typeof secretkey !== 'string' || secretkey === '') {
    throw new FatalError('REEF_EC2_BAD_CREDENTIALS', 'ec2 auth_data needs a non-empty string "secretkey"');
  }
  if (sessionToken !== undefined && typeof sessionToken !== 'string') {
    throw new FatalError('REEF_EC2_BAD_CREDENTIALS', 'ec2 auth_data "session_token" must be a string');
  }
  return { accessKeyId: accesskey, secretAccessKey: secretkey, ...(sessionToken ? { sessionToken } : {}) };
}
