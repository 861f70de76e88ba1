/**
 * Resource type → driver. Drivers are constructed lazily, once per controller, so `reef validate` needs only
 * their schemas and a command that never touches EC2 never loads the AWS SDK client.
 */
import type { Driver, DriverDeps, DriverFactory } from './driver.js';
import { FatalError } from './errors.js';
import { scrubbedDriver } from './scrubbed-driver.js';

export interface DriverModule {
  type: string;
  resourceSchema: object;
  /** loaded on first use */
  load(): Promise<DriverFactory>;
}

export class DriverRegistry {
  private readonly modules = new Map<string, DriverModule>();
  private readonly drivers = new Map<string, Promise<Driver>>();

  constructor(modules: DriverModule[], private readonly deps: DriverDeps) {
    for (const m of modules) this.modules.set(m.type, m);
  }

  types(): string[] {
    return [...this.modules.keys()];
  }

  resourceSchemas(): Record<string, object> {
    return Object.fromEntries([...this.modules].map(([type, m]) => [type, m.resourceSchema]));
  }

  get(type: string): Promise<Driver> {
    let driver = this.drivers.get(type);
    if (!driver) {
      const module = this.modules.get(type);
      if (!module) {
        return Promise.reject(new FatalError('REEF_DRIVER_UNKNOWN', `unknown resource type "${type}" (known: ${this.types().join(', ')})`));
      }
      // what a cloud says is masked and bounded here, for every driver (see scrubbed-driver.ts)
      driver = module.load().then((factory) => scrubbedDriver(factory(this.deps)));
      this.drivers.set(type, driver);
    }
    return driver;
  }

  async close(): Promise<void> {
    const drivers = await Promise.allSettled(this.drivers.values());
    this.drivers.clear();
    await Promise.allSettled(drivers.map((d) => (d.status === 'fulfilled' ? d.value.close?.() : undefined)));
  }
}
