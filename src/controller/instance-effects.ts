/**
 * The effects instance machines run, bound to one infra: render templates, call the driver (through the
 * endpoint's limiter), configure, health-check, destroy. Every call gets the actor's abort signal and an
 * instance-scoped logger.
 */
import type { Addresses, CallContext, Driver, Observation, Probe } from '../reconcilers/driver.js';
import type { Implementation, InfraSpec, NodeSpec, ResourceSection } from '../spec/types.js';
import { FatalError } from '../reconcilers/errors.js';
import { runHealthChecks } from '../reconcilers/health/index.js';
import { renderContextPayload } from '../reconcilers/context/index.js';
import { makeTemplateScope, renderDeep } from '../schemas/template.js';
import type { Clock } from './clock.js';
import type { EndpointLimiter } from './limiter.js';
import type { InstanceContext, InstanceEffects } from './instance/types.js';
import type { Logger } from '../util/log.js';


export interface ConfigureRequest {
  infra: InfraSpec;
  node: NodeSpec;
  implementation: Implementation;
  instanceId: string;
  addresses: Addresses;
}

export interface EffectsDeps {
  infraId: string;
  spec(): InfraSpec;
  /** node and implementation of a tracked instance */
  placement(instanceId: string): { node: NodeSpec; implementation: Implementation } | undefined;
  addressesOf(node: string): Addresses[];
  lastObservation(instanceId: string): Observation | undefined;
  driver(type: string): Promise<Driver>;
  limiter(driverType: string, resource: ResourceSection, driver: Driver): EndpointLimiter;
  credentials(kind: 'resource' | 'config_management', section: Record<string, unknown>): Record<string, unknown> | undefined;
  configure?(req: ConfigureRequest, ctx: CallContext): Promise<void>;
  clock: Clock;
  log: Logger;
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
    log: deps.log.child({ node, instance: c.instanceId }),
  });
  const scopeFor = (c: InstanceContext, node: NodeSpec, ip?: string) =>
    makeTemplateScope({ spec: deps.spec(), node, instanceId: c.instanceId, ip, addressesOf: deps.addressesOf });
  const resourceOf = (c: InstanceContext, impl: Implementation): ResourceSection => c.rendered?.resource ?? impl.resource;

  return {
    async renderContext(c) {
      const { node, implementation } = place(c);
      const scope = scopeFor(c, node);
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
      const result = await deps.limiter(resource.type, resource, driver).run(() =>
        driver.create(
          {
            instanceId: c.instanceId,
            labels: { infra: deps.infraId, node: node.name, instance: c.instanceId },
            resource,
            context: c.rendered?.payload ?? { kind: 'none' },
            credentials: deps.credentials('resource', resource),
          },
          ctx,
        ),
      );
      ctx.log.debug({ driver: resource.type, action: 'create', durationMs: deps.clock.now() - started }, 'created');
      return result;
    },

    async configure(c, signal) {
      const { node, implementation } = place(c);
      if (!implementation.config_management) return;
      if (!deps.configure) {
        throw new FatalError('REEF_CONFIG_UNSUPPORTED', `config_management type "${implementation.config_management.type}" is not available`);
      }
      await deps.configure(
        { infra: deps.spec(), node, implementation, instanceId: c.instanceId, addresses: c.addresses },
        ctxFor(c, node.name, signal),
      );
    },

    async checkHealth(c, signal) {
      const { node, implementation } = place(c);
      const resource = resourceOf(c, implementation);
      const driver = await deps.driver(resource.type);
      const ctx = ctxFor(c, node.name, signal);
      if (driver.checkHealth) {
        return deps.limiter(resource.type, resource, driver).run(() =>
          driver.checkHealth!({ ref: c.ref!, resource, credentials: deps.credentials('resource', resource) }, ctx),
        );
      }
      const probes: Probe[] = [];
      const own = deps.lastObservation(c.instanceId);
      if (own?.exists && own.health) {
        probes.push({ name: 'container health', ok: own.health === 'healthy', detail: `the resource reports ${own.health}` });
      }
      const section = implementation.health_check ?? {};
      const rendered = renderDeep(section, scopeFor(c, node, c.addresses.ip)) as typeof section;
      probes.push(...(await runHealthChecks(rendered, c.addresses, ctx)));
      return probes;
    },

    async destroyResource(c, signal) {
      if (!c.ref) return;
      const placement = deps.placement(c.instanceId);
      const resource = c.rendered?.resource ?? placement?.implementation.resource;
      if (!resource) throw new FatalError('REEF_INSTANCE_ORPHANED', `no resource section known for ${c.instanceId}`);
      const driver = await deps.driver(c.ref.driver);
      const ctx = ctxFor(c, placement?.node.name ?? '?', signal);
      await deps.limiter(c.ref.driver, resource, driver).run(() =>
        driver.destroy({ ref: c.ref!, resource, credentials: deps.credentials('resource', resource) }, ctx),
      );
    },
  };
}
