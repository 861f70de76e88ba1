/**
 * The effects instance machines run, bound to one infra: render templates, call the driver (through the
 * endpoint's limiter), configure, health-check, destroy. Every call gets the actor's abort signal and an
 * instance-scoped logger.
 */
import { checksHealth, type Addresses, type CallContext, type Driver, type Observation, type Probe } from '../reconcilers/driver.js';
import type { Implementation, InfraSpec, NodeSpec, ResourceSection } from '../spec/types.js';
import { FatalError, TransientError } from '../errors/index.js';
import { runHealthChecks } from '../reconcilers/health/index.js';
import { renderContextPayload } from '../reconcilers/context/index.js';
import { configManagerFor, connectionFor } from '../reconcilers/config/index.js';
import type { SshTarget } from '../reconcilers/ssh/types.js';
import { makeTemplateScope, renderDeep } from '../schemas/template.js';
import { withConfigStrings } from '../reconcilers/config/template-scope.js';
import type { Clock } from './clock.js';
import type { EndpointLimiter } from './limiter.js';
import type { InstanceContext, InstanceEffects } from './instance/types.js';
import { lazyChild, type Logger } from '../util/log.js';
import type { HostAccess } from '../util/host-access.js';
import type { HostKeys } from './host-keys.js';
import type { DesiredState } from './desired-state.js';
import type { EndpointPool } from './endpoints.js';
import type { Fleet } from './fleet.js';


export interface EffectsDeps {
  infraId: string;
  spec(): InfraSpec;
  /** node and implementation of a tracked instance */
  placement(instanceId: string): { node: NodeSpec; implementation: Implementation } | undefined;
  addressesOf(node: string): Addresses[];
  lastObservation(instanceId: string): Observation | undefined;
  driver(type: string): Promise<Driver>;
  limiter(resource: ResourceSection): EndpointLimiter;
  credentials(kind: 'resource' | 'config_management', section: Record<string, unknown>): Record<string, unknown> | undefined;
  /** SSH host keys the instances are held to (trust on first use; a changed key is refused) */
  hostKeys: HostKeys;
  /** what descriptors may make this process read or fetch (ControllerOptions.access) */
  access?: HostAccess;
  clock: Clock;
  log: Logger;
}

/** The effects' view of one infra's runtime: its desired state, its machines, its endpoints. */
export function bindEffects(parts: {
  infraId: string;
  desired: DesiredState;
  fleet: () => Fleet;
  endpoints: EndpointPool;
  credentials: EffectsDeps['credentials'];
  hostKeys: HostKeys;
  access?: HostAccess;
  clock: Clock;
  log: Logger;
}): EffectsDeps {
  const { desired, fleet, endpoints } = parts;
  return {
    infraId: parts.infraId,
    spec: () => desired.spec,
    placement: (id) => {
      const t = fleet().get(id);
      return t && desired.placementOf(t.rec);
    },
    addressesOf: (node) => fleet().addressesOf(node),
    lastObservation: (id) => fleet().get(id)?.obs,
    driver: (type) => endpoints.driver(type),
    limiter: (resource) => endpoints.limiterFor(resource),
    credentials: parts.credentials,
    hostKeys: parts.hostKeys,
    access: parts.access,
    clock: parts.clock,
    log: parts.log,
  };
}

export function makeInstanceEffects(deps: EffectsDeps): InstanceEffects {
  const place = (c: InstanceContext) => {
    const p = deps.placement(c.instanceId);
    if (!p) throw new FatalError('REEF_INSTANCE_ORPHANED', `instance ${c.instanceId} has no node in the spec`);
    return p;
  };
  const ctxFor = (c: InstanceContext, node: string, signal: AbortSignal): CallContext => ({
    signal,
    clock: deps.clock,
    access: deps.access,
    // made on its first line written: few calls log (a routine health check of every ready instance made one each)
    log: lazyChild(deps.log, { node, instance: c.instanceId }),
  });
  const scopeFor = (c: InstanceContext, node: NodeSpec, ip?: string) =>
    makeTemplateScope({ spec: deps.spec(), node, instanceId: c.instanceId, ip, addressesOf: deps.addressesOf });
  const resourceOf = (c: InstanceContext, impl: Implementation): ResourceSection => c.rendered?.resource ?? impl.resource;
  const sshTargetFor = async (c: InstanceContext, impl: Implementation, config: Implementation['config_management']): Promise<SshTarget | undefined> => {
    const resource = resourceOf(c, impl);
    return connectionFor({
      driver: await deps.driver(resource.type),
      ref: c.ref ?? undefined,
      resource,
      addresses: c.addresses,
      resourceCredentials: deps.credentials('resource', resource),
      configCredentials: config ? deps.credentials('config_management', config) : undefined,
      config,
      hostKey: deps.hostKeys.policyFor(c.instanceId, c.hostKey),
    });
  };

  return {
    async renderContext(c) {
      const { node, implementation } = place(c);
      const scope = withConfigStrings(scopeFor(c, node), implementation);
      const resource = renderDeep(implementation.resource, scope) as ResourceSection;
      const section = implementation.contextualisation ? renderDeep(implementation.contextualisation, scope) : undefined;
      return { resource, payload: renderContextPayload(section as Implementation['contextualisation']) };
    },

    async createResource(c, signal) {
      const { node, implementation } = place(c);
      const resource = resourceOf(c, implementation);
      const driver = await deps.driver(resource.type);
      const ctx = ctxFor(c, node.name, signal);
      const started = deps.clock.now();
      const result = await deps.limiter(resource).run((releaseSlot) =>
        driver.create(
          {
            instanceId: c.instanceId,
            labels: { infra: deps.infraId, node: node.name, instance: c.instanceId, ...(c.specHash ? { specHash: c.specHash } : {}) },
            resource,
            context: c.rendered?.payload ?? { kind: 'none' },
            credentials: deps.credentials('resource', resource),
          },
          { ...ctx, releaseSlot },
        ),
      );
      ctx.log.debug({ driver: resource.type, action: 'create', durationMs: deps.clock.now() - started }, 'created');
      return result;
    },

    async configure(c, signal) {
      const { node, implementation } = place(c);
      const section = implementation.config_management;
      if (!section) return {};
      const manager = configManagerFor(section.type);
      const config = renderDeep(section, scopeFor(c, node, c.addresses.ip));
      const target = await sshTargetFor(c, implementation, config);
      if (!target) throw new TransientError('REEF_CONFIG_NO_ADDRESS', `${c.instanceId} has no address to configure yet`);
      await manager.configure({ target, config, variables: node.variables, instanceId: c.instanceId, node: node.name }, ctxFor(c, node.name, signal));
      return { hostKey: deps.hostKeys.trusted(c.instanceId, c.hostKey) };
    },

    async checkHealth(c, signal) {
      const { node, implementation } = place(c);
      const resource = resourceOf(c, implementation);
      const driver = await deps.driver(resource.type);
      const ctx = ctxFor(c, node.name, signal);
      if (checksHealth(driver)) {
        return deps.limiter(resource).run(() =>
          driver.checkHealth({ ref: c.ref!, resource, credentials: deps.credentials('resource', resource) }, ctx),
        );
      }
      const probes: Probe[] = [];
      const own = deps.lastObservation(c.instanceId);
      if (own?.exists && own.health) {
        probes.push({ name: 'container health', ok: own.health === 'healthy', detail: `the resource reports ${own.health}` });
      }
      const scope = scopeFor(c, node, c.addresses.ip);
      const rendered = renderDeep(implementation.health_check ?? {}, scope);
      const ssh = rendered.ssh
        ? await sshTargetFor(c, implementation, implementation.config_management && renderDeep(implementation.config_management, scope))
        : undefined;
      probes.push(...(await runHealthChecks(rendered, c.addresses, ctx, { ssh })));
      return probes;
    },

    async destroyResource(c, signal) {
      if (!c.ref) return;
      const placement = deps.placement(c.instanceId);
      const resource = c.rendered?.resource ?? placement?.implementation.resource;
      if (!resource) throw new FatalError('REEF_INSTANCE_ORPHANED', `no resource section known for ${c.instanceId}`);
      const driver = await deps.driver(c.ref.driver);
      const ctx = ctxFor(c, placement?.node.name ?? '?', signal);
      await deps.limiter(resource).run(() =>
        driver.destroy({ ref: c.ref!, resource, credentials: deps.credentials('resource', resource) }, ctx),
      );
    },
  };
}
