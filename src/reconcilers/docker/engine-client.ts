/**
 * The Docker Engine client the driver uses: dockerode's transport (docker-modem) and its Container and Image
 * classes, without dockerode's Docker class. That class's module loads BuildKit session support (@grpc/grpc-js,
 * protobufjs, ~60 ms of every start at rest and several times that under load) for image builds reef never makes.
 * The few engine-level calls reef makes send exactly the requests dockerode's Docker class sends (lib/docker.js,
 * dockerode 5), and are typed with dockerode's types.
 */
import { createRequire } from 'node:module';
import type Modem from 'docker-modem';
import type Docker from 'dockerode';
import type { DockerConnection } from './endpoint.js';
import { deferSshTransport } from './lazy-ssh-transport.js';

const require = createRequire(import.meta.url);
deferSshTransport(); // before docker-modem loads
const DockerModem = require('docker-modem') as typeof Modem;
// dockerode has no `exports` map: these are its own modules, loaded without lib/docker.js
const Container = require('dockerode/lib/container.js') as new (modem: Modem, id: string) => Docker.Container;
const Image = require('dockerode/lib/image.js') as new (modem: Modem, name: string) => Docker.Image;
const { parseRepositoryTag } = require('dockerode/lib/util.js') as { parseRepositoryTag(ref: string): { repository: string; tag?: string } };

type WithSignal<T> = T & { abortSignal?: AbortSignal };

export class DockerEngine {
  readonly modem: Modem;

  constructor(connection: DockerConnection) {
    this.modem = new DockerModem(connection);
    this.modem.Promise = Promise; // Container and Image build their promises with it (as dockerode's constructor sets)
  }

  getContainer(id: string): Docker.Container {
    return new Container(this.modem, id);
  }

  getImage(name: string): Docker.Image {
    return new Image(this.modem, name);
  }

  async createContainer(opts: WithSignal<Docker.ContainerCreateOptions>): Promise<Docker.Container> {
    const { abortSignal, ...options } = opts;
    const data = await this.dial<{ Id: string }>({
      path: '/containers/create?', method: 'POST', options, abortSignal,
      statusCodes: { 200: true, 201: true, 400: 'bad parameter', 404: 'no such container', 406: 'impossible to attach', 500: 'server error' },
    });
    return this.getContainer(data.Id);
  }

  listContainers(opts: WithSignal<Docker.ContainerListOptions>): Promise<Docker.ContainerInfo[]> {
    const { abortSignal, ...options } = opts;
    return this.dial({ path: '/containers/json?', method: 'GET', options, abortSignal, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } });
  }

  getEvents(opts: WithSignal<{ since?: number | string; filters?: unknown }>): Promise<NodeJS.ReadableStream> {
    const { abortSignal, ...options } = opts;
    return this.dial({ path: '/events?', method: 'GET', options, abortSignal, isStream: true, statusCodes: { 200: true, 500: 'server error' } });
  }

  /** POST /images/create?fromImage=…&tag=…: the pull's progress stream (dockerode's pull). */
  pull(ref: string, opts: { abortSignal?: AbortSignal } = {}): Promise<NodeJS.ReadableStream> {
    const src = parseRepositoryTag(ref);
    return this.dial({
      path: '/images/create?', method: 'POST', options: { fromImage: src.repository, tag: src.tag ?? 'latest' },
      abortSignal: opts.abortSignal, isStream: true, statusCodes: { 200: true, 500: 'server error' },
    });
  }

  /** POST /images/load with a `docker save` tarball: the engine's progress stream (dockerode's loadImage). */
  loadImage(file: NodeJS.ReadableStream, opts: { quiet?: boolean; abortSignal?: AbortSignal } = {}): Promise<NodeJS.ReadableStream> {
    const { abortSignal, ...options } = opts;
    return this.dial({
      path: '/images/load?', method: 'POST', options, file, abortSignal, isStream: true, statusCodes: { 200: true, 500: 'server error' },
    });
  }

  private dial<T>(options: Modem.DialOptions): Promise<T> {
    return new Promise((resolve, reject) => {
      this.modem.dial(options, (err, data) => (err ? reject(err) : resolve(data as T)));
    });
  }
}
