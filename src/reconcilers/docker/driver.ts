/**
 * The docker driver: one container per instance, named deterministically (create is idempotent through the
 * name's 409), labelled reef.infra / reef.node / reef.instance, found again by label filter.
 */
import type {
  CallContext, CreateRequest, CreateResult, DestroyRequest, Driver, DriverDeps, ListRequest, Observation,
  Watcher, WatchRequest,
} from '../driver.js';
import { LABEL_KEYS, accessOf } from '../driver.js';
import { FatalError } from '../errors.js';
import { dockerCall, rawStatus } from './call.js';
import { buildContainerSpec } from './container-spec.js';
import { endpointAllowed, parseEndpoint } from './endpoint.js';
import { DockerEngine } from './engine-client.js';
import { ensureImage, type ImageLoads } from './image.js';
import { containerName } from './names.js';
import { OwnStarts } from './own-starts.js';
import { factsFromInspect, factsFromSummary, toObservation, type ContainerFacts } from './observation.js';
import { demuxLogs, isOwnFailure, lastWords } from './output.js';
import { DEFAULT_STOP_TIMEOUT_S, resourceSchema, type DockerResource } from './schema.js';
import { watchEvents } from './watch.js';

export class DockerDriver implements Driver<DockerResource>, Watcher<DockerResource> {
  readonly type = 'docker';
  readonly resourceSchema = resourceSchema;
  private readonly clients = new Map<string, DockerEngine>();
  private readonly imageLoads: ImageLoads = new Map();
  private readonly watches = new Set<() => void>();
  private readonly ownStarts = new OwnStarts();

  constructor(private readonly deps: Pick<DriverDeps, 'log'>) {}

  endpointKey(resource: DockerResource): string {
    return parseEndpoint(resource.endpoint).key;
  }

  private client(endpoint: string | undefined, ctx: CallContext): { docker: DockerEngine; key: string } {
    const parsed = parseEndpoint(endpoint);
    endpointAllowed(parsed, accessOf(ctx));
    const { key, connection } = parsed;
    let docker = this.clients.get(key);
    if (!docker) {
      docker = new DockerEngine(connection);
      this.clients.set(key, docker);
    }
    return { docker, key };
  }

  async create(req: CreateRequest<DockerResource>, ctx: CallContext): Promise<CreateResult> {
    const { docker, key } = this.client(req.resource.endpoint, ctx);
    const name = containerName(req.labels, req.instanceId);
    const spec = buildContainerSpec({ name, labels: req.labels, resource: req.resource, context: req.context });
    await ensureImage(docker, key, req.resource, ctx, this.imageLoads);
    const what = `create container ${name} (${spec.Image}) on ${key}`;
    let id: string;
    try {
      id = (await dockerCall(ctx, what, (signal) => docker.createContainer({ ...spec, abortSignal: signal }))).id;
    } catch (e) {
      // 409: a create retried after a crash meets its own container; take it over instead of making a twin.
      if (rawStatus(e) !== 409) throw e;
      ctx.log.debug({ container: name }, 'docker create: name exists; adopting the existing container');
      const found = await dockerCall(ctx, `inspect ${name} on ${key}`, (signal) => docker.getContainer(name).inspect({ abortSignal: signal }));
      if (found.Config.Labels?.[LABEL_KEYS.instance] !== req.labels.instance) {
        throw new FatalError('REEF_DOCKER_NAME_TAKEN', `${what}: the name belongs to a container reef did not create for instance ${req.instanceId}`);
      }
      if (found.State.Status !== 'created') return this.created(toObservation(factsFromInspect(found), key));
      id = found.Id;
    }
    const settle = this.ownStarts.note(id);
    try {
      await this.start(docker, id, `start container ${name} on ${key}`, ctx);
      // create + start are what the endpoint's bound is for (plain dockerode holds a slot for them alone); the
      // inspect that learns the address is a read and runs after the slot is handed on
      ctx.releaseSlot?.();
      const info = await dockerCall(ctx, `inspect ${name} on ${key}`, (signal) => docker.getContainer(id).inspect({ abortSignal: signal }));
      const observation = toObservation(factsFromInspect(info), key);
      settle(observation);
      return this.created(observation);
    } finally {
      settle(undefined); // a failed start or inspect: the watch inspects on its own (a no-op after the settle above)
    }
  }

  private created(observation: Observation): CreateResult {
    return observation.exists
      ? { ref: observation.ref, addresses: observation.addresses, running: observation.phase === 'running' }
      : { ref: observation.ref };
  }

  private async start(docker: DockerEngine, id: string, what: string, ctx: CallContext): Promise<void> {
    try {
      await dockerCall(ctx, what, (signal) => docker.getContainer(id).start({ abortSignal: signal }));
    } catch (e) {
      if (rawStatus(e) === 304) return; // already started
      // a container that cannot start (bad command, missing network) never will: do not leave it behind.
      if ((e as FatalError).transient === false) {
        await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
      }
      throw e;
    }
  }

  private async inspect(docker: DockerEngine, key: string, id: string, ctx: Pick<CallContext, 'signal' | 'clock'>): Promise<Observation> {
    try {
      const info = await dockerCall(ctx, `inspect container ${id} on ${key}`, (signal) => docker.getContainer(id).inspect({ abortSignal: signal }));
      return await this.withLastOutput(docker, key, factsFromInspect(info), ctx);
    } catch (e) {
      if (rawStatus(e) === 404) return { exists: false, ref: { driver: this.type, endpoint: key, id } };
      throw e;
    }
  }

  /**
   * The observation, with the tail of the container's output in `reason` when its program failed on its own:
   * the container is removed on replacement, so this is the user's one chance to see why. A log that cannot be
   * read leaves the reason as it was.
   */
  private async withLastOutput(docker: DockerEngine, key: string, facts: ContainerFacts, ctx: Pick<CallContext, 'signal' | 'clock'>): Promise<Observation> {
    const observation = toObservation(facts, key);
    if (!observation.exists || observation.phase !== 'failed' || !isOwnFailure(facts.exitCode, facts.oomKilled)) return observation;
    try {
      const logs = await dockerCall(ctx, `logs of container ${facts.id} on ${key}`, (signal) =>
        docker.getContainer(facts.id).logs({ stdout: true, stderr: true, tail: 20, follow: false, abortSignal: signal }), 5_000);
      const words = lastWords(demuxLogs(logs as unknown as Buffer));
      return words ? { ...observation, reason: `${observation.reason ?? 'failed'}; last output: ${words}` } : observation;
    } catch {
      return observation;
    }
  }

  async list(req: ListRequest<DockerResource>, ctx: CallContext): Promise<Observation[]> {
    const { docker, key } = this.client(req.resource.endpoint, ctx);
    const label = req.infraId === undefined ? LABEL_KEYS.infra : `${LABEL_KEYS.infra}=${req.infraId}`;
    const containers = await dockerCall(ctx, `list containers on ${key}`, (signal) =>
      docker.listContainers({ all: true, filters: { label: [label] }, abortSignal: signal }));
    // only failed containers cost a further call (their output); the rest is read from the one list call
    return Promise.all(containers.map((c) => this.withLastOutput(docker, key, factsFromSummary(c), ctx)));
  }

  async destroy(req: DestroyRequest<DockerResource>, ctx: CallContext): Promise<void> {
    const { docker, key } = this.client(req.resource.endpoint, ctx);
    const container = docker.getContainer(req.ref.id);
    const t = req.resource.stop_timeout ?? DEFAULT_STOP_TIMEOUT_S;
    try {
      // a short grace, not Docker's 10 s: reef replaces instances, it does not wait for them to wind down.
      await dockerCall(ctx, `stop container ${req.ref.id} on ${key}`, (signal) => container.stop({ t, abortSignal: signal }), (t + 30) * 1000);
    } catch (e) {
      if (rawStatus(e) !== 304 && rawStatus(e) !== 404) throw e; // already stopped / already gone
    }
    try {
      await dockerCall(ctx, `remove container ${req.ref.id} on ${key}`, (signal) => container.remove({ v: true, force: true, abortSignal: signal }));
    } catch (e) {
      // 404: gone; 409: removal already in progress. Either way observe/list confirm completion.
      if (rawStatus(e) !== 404 && rawStatus(e) !== 409) throw e;
    }
  }

  watch(req: WatchRequest<DockerResource>, ctx: CallContext): () => void {
    const { docker, key } = this.client(req.resource.endpoint, ctx);
    const label = req.infraId === undefined ? LABEL_KEYS.infra : `${LABEL_KEYS.infra}=${req.infraId}`;
    const stop = watchEvents({
      openEvents: (signal, since) =>
        docker.getEvents({ since, filters: { type: ['container'], label: [label] }, abortSignal: signal }),
      observe: (id, signal) => this.inspect(docker, key, id, { ...ctx, signal }),
      startedByCreate: (id) => this.ownStarts.take(id),
      resync: (signal) => this.list(req, { ...ctx, signal }),
      onChange: req.onChange,
      absent: (id) => ({ exists: false, ref: { driver: this.type, endpoint: key, id } }),
    }, ctx);
    const unwatch = () => {
      this.watches.delete(unwatch);
      stop();
    };
    this.watches.add(unwatch);
    return unwatch;
  }

  /** Ends every open events stream; clients hold no other resources. */
  async close(): Promise<void> {
    for (const unwatch of [...this.watches]) unwatch();
    this.clients.clear();
  }
}
