/**
 * One EC2Client per (endpoint, region, access key), created on first use and destroyed by close().
 * SDK retries are cut to 2 attempts: reef's machines own retrying, with backoff and deadlines.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { EC2Client } from '@aws-sdk/client-ec2';
import type { StaticCredentials } from './credentials.js';

export interface ClientOptions {
  /** total time for one HTTP request (default 10 s). */
  requestTimeoutMs: number;
  /** TCP/TLS connect time (default 5 s). */
  connectionTimeoutMs: number;
  /** SDK attempts per call, first one included (default 2). */
  maxAttempts: number;
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  requestTimeoutMs: 10_000,
  connectionTimeoutMs: 5_000,
  maxAttempts: 2,
};

export interface ClientTarget {
  endpoint: string;
  region: string;
  credentials?: StaticCredentials;
}

export class Ec2ClientCache {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly options: ClientOptions) {}

  get(target: ClientTarget): EC2Client {
    // Keyed by access key id only: the secret never becomes part of a map key that could be dumped.
    const key = `${target.endpoint}|${target.region}|${target.credentials?.accessKeyId ?? '<default-chain>'}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new EC2Client({
        endpoint: target.endpoint,
        region: target.region,
        maxAttempts: this.options.maxAttempts,
        ...(target.credentials ? { credentials: target.credentials } : {}),
        // NodeHttpHandler options; throwOnRequestTimeout turns the timeout from a warning into an error.
        requestHandler: {
          requestTimeout: this.options.requestTimeoutMs,
          connectionTimeout: this.options.connectionTimeoutMs,
          throwOnRequestTimeout: true,
        },
      });
      this.clients.set(key, client);
    }
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  destroyAll(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
