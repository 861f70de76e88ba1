/**
 * `reef serve`: the controller reconciling every infra in the store, plus the REST API and the live view.
 * Runs until SIGINT/SIGTERM, then stops gracefully: close the API (ending event streams), stop the
 * controller (its write-behind flushes), and let main close the store.
 */
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';
import { EXIT, UsageError } from '../exit.js';
import { buildApi } from '../../api/server.js';
import { loadOrCreateToken } from '../../api/token.js';
import { authTargets, localTargets } from '../../catalog/index.js';
import { loadAuthFile } from '../../schemas/index.js';
import { openCatalog } from './catalog.js';
import { hostAccess } from '../../util/host-access.js';

export interface ServeOptions {
  host: string;
  port: number;
  tokenFile?: string;
  /** seconds between drift checks of a converged infra */
  resync?: number;
  /** seconds a replica's lease on an infra lasts without renewal (take-over time after a crash) */
  leaseTtl?: number;
  /** operator's catalog folders, besides the shipped one */
  catalog?: string[];
  /** auth files whose named resource entries are deploy targets (by name; the files stay on the server) */
  auth?: string[];
  /** directories whose files a client's descriptors may name (imports, docker origin, key paths, playbooks) */
  allowFiles?: string[];
  /** URL prefixes a client's descriptors may make the server fetch or connect to (docker origin, endpoints) */
  allowOrigin?: string[];
}

export async function serveCommand(app: App, opts: ServeOptions): Promise<number> {
  const tokenPath = resolve(opts.tokenFile ?? join(app.stateDir, 'api-token'));
  const { token, created } = loadOrCreateToken(tokenPath);
  const entries = openCatalog(app, opts.catalog ?? []); // a broken entry stops the start, with its one-line error
  const named = (opts.auth ?? []).flatMap((f) => authTargets(loadAuthFile(resolve(f)), resolve(f)));
  const catalog = { entries, targets: [...localTargets(entries.entries.flatMap((e) => Object.keys(e.clouds))), ...named] };
  const twice = catalog.targets.find((t, i) => catalog.targets.findIndex((u) => u.name === t.name) !== i);
  if (twice) throw new UsageError(`deploy target "${twice.name}" is named twice (auth entry names must be unique and differ from dummy, docker)`);
  // what the server reads or fetches because a descriptor says so, for every infra it reconciles: what the operator allowed
  const access = hostAccess({ files: opts.allowFiles ?? [], origins: opts.allowOrigin ?? [] });
  const controller = await app.controller({ access, ...(opts.resync ? { resyncMs: opts.resync * 1000 } : {}), ...(opts.leaseTtl ? { leaseTtlMs: opts.leaseTtl * 1000 } : {}) });
  const authPolicy = { files: (opts.auth ?? []).map((f) => resolve(f)), dirs: [join(app.stateDir, 'auth')], credentialsDir: join(app.stateDir, 'api-credentials') };
  const api = buildApi({ store: app.store(), controller, registry: app.registry, token, log: app.log, catalog, authPolicy, access });
  await api.listen({ host: opts.host, port: opts.port });
  await controller.serve();
  const { address, port } = api.server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  app.log.info({ allowFiles: opts.allowFiles ?? [], allowOrigin: opts.allowOrigin ?? [] },
    `reef serve: descriptors may name files in ${opts.allowFiles?.length ? opts.allowFiles.join(', ') : 'no directory'} and URLs under ${opts.allowOrigin?.length ? opts.allowOrigin.join(', ') : 'no prefix'}`);
  app.log.info({ url, tokenFile: tokenPath }, `reef serve: listening on ${url} (live view at ${url}/; API token ${created ? 'written to' : 'read from'} ${tokenPath})`);

  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  app.log.info(`reef serve: ${signal}, stopping`);
  // a second signal while stopping means "now"
  const force = () => process.exit(130);
  process.once('SIGINT', force).once('SIGTERM', force);
  await api.close();
  await controller.stop();
  return EXIT.ok;
}
