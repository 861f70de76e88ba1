/**
 * An example reef driver plugin, for a "cloud" every machine has: plain local processes. An instance is one
 * process group started from `command`; its record (pid, labels) is a JSON file in the host's run folder
 * `root`, so resources outlive reef like a cloud's do. The run folder plays the endpoint: when it is missing, the
 * host "does not answer" and every call fails with class unreachable.
 *
 * Load it with `reef --plugin ./examples/plugins/local-process/index.js ...` or a config file's `plugins:` list.
 * Linux only (it reads /proc to tell its own processes from a recycled pid).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FatalError, TransientError, atBoundary, abortedError } from 'reef/driver';

const TYPE = 'process';

export const resourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'command'],
  properties: {
    type: { const: TYPE },
    root: { type: 'string', minLength: 1, description: "the host's run folder (must exist); default <stateDir>/process-host, made on first use" },
    command: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'argv of the program to run' },
    wait_for_output: { type: 'boolean', description: 'create returns only once the program wrote its first line (default false)' },
  },
};

const errors = {
  PROCESS_HOST_UNREACHABLE: { class: 'unreachable', summary: "the host's run folder does not exist (the host does not answer)" },
  PROCESS_ABORTED: { class: 'transient', summary: 'a call was cancelled by the engine' },
  PROCESS_SPAWN_FAILED: { class: 'fatal', summary: 'the command cannot be started (not found, not executable)' },
  PROCESS_EXITED_EARLY: { class: 'fatal', summary: 'the program exited before writing its first line' },
};

function createDriver(deps) {
  const rootOf = (resource) => resolve(resource.root ?? join(deps.stateDir, 'process-host'));
  const endpointKey = (resource) => `process:${rootOf(resource)}`;
  const recordPath = (root, id) => join(root, `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);

  function reachableRoot(resource) {
    const root = rootOf(resource);
    if (resource.root === undefined) mkdirSync(root, { recursive: true }); // reef's own default host is always up
    if (!existsSync(root)) throw new TransientError('PROCESS_HOST_UNREACHABLE', `process host ${root} does not answer (no such run folder)`);
    return root;
  }

  /** alive and ours: the pid still runs the program started for this instance (not a recycled pid) */
  function isOurs(record) {
    try {
      return readFileSync(`/proc/${record.pid}/environ`, 'latin1').split('\0').includes(`REEF_INSTANCE=${record.labels.instance}`);
    } catch {
      return false;
    }
  }

  function observation(record, key) {
    const alive = isOurs(record);
    return {
      exists: true,
      ref: { driver: TYPE, endpoint: key, id: record.labels.instance },
      phase: alive ? 'running' : 'failed',
      addresses: { ip: '127.0.0.1', privateIp: '127.0.0.1' },
      labels: record.labels,
      ...(alive ? {} : { reason: `process ${record.pid} exited` }),
    };
  }

  function readRecord(file) {
    try {
      const r = JSON.parse(readFileSync(file, 'utf8'));
      return r && typeof r.pid === 'number' && r.labels && typeof r.labels.infra === 'string' && r.labels.infra ? r : undefined;
    } catch {
      return undefined; // half-written or foreign: not a reef resource
    }
  }

  async function create(req, ctx) {
    const root = reachableRoot(req.resource);
    const key = endpointKey(req.resource);
    const file = recordPath(root, req.instanceId);
    const existing = readRecord(file);
    if (existing) return { ref: observation(existing, key).ref, addresses: { ip: '127.0.0.1' } };
    if (ctx.signal.aborted) throw abortedError(`start ${req.instanceId}`, ctx.signal);
    const [cmd, ...args] = req.resource.command;
    const env = { ...process.env, REEF_INSTANCE: req.instanceId, ...envOf(req.context) };
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env });
    const spawned = await new Promise((resolveSpawn) => {
      child.once('spawn', () => resolveSpawn(undefined));
      child.once('error', (e) => resolveSpawn(e));
    });
    if (spawned) throw new FatalError('PROCESS_SPAWN_FAILED', `start ${req.instanceId}: ${cmd}: ${spawned.message}`);
    // intent on disk before anything can fail: a retried create finds this record instead of starting a twin
    writeFileSync(`${file}.tmp`, JSON.stringify({ pid: child.pid, labels: req.labels, command: req.resource.command }));
    renameSync(`${file}.tmp`, file);
    try {
      if (req.resource.wait_for_output) await firstLine(child, req.instanceId, ctx.signal);
    } finally {
      child.stdout.destroy();
      child.unref();
    }
    ctx.log.debug({ driver: TYPE, instance: req.instanceId, pid: child.pid }, 'process started');
    return { ref: { driver: TYPE, endpoint: key, id: req.instanceId }, addresses: { ip: '127.0.0.1', privateIp: '127.0.0.1' } };
  }

  async function list(req) {
    const root = reachableRoot(req.resource);
    const key = endpointKey(req.resource);
    const out = [];
    for (const name of readdirSync(root)) {
      if (!name.endsWith('.json')) continue;
      const record = readRecord(join(root, name));
      if (!record || (req.infraId !== undefined && record.labels.infra !== req.infraId)) continue;
      out.push(observation(record, key));
    }
    return out;
  }

  async function destroy(req) {
    const root = reachableRoot(req.resource);
    const file = recordPath(root, req.ref.id);
    const record = readRecord(file);
    if (!record) return; // already gone
    if (isOurs(record)) {
      try {
        process.kill(-record.pid, 'SIGKILL'); // the whole group: a shell's children too
      } catch (e) {
        if (e.code !== 'ESRCH') throw e;
      }
    }
    rmSync(file, { force: true });
  }

  return {
    type: TYPE,
    resourceSchema,
    endpointKey,
    create: (req, ctx) => atBoundary(ctx, `process create ${req.instanceId}`, () => create(req, ctx)),
    list: (req, ctx) => atBoundary(ctx, `process list ${endpointKey(req.resource)}`, () => list(req, ctx)),
    destroy: (req, ctx) => atBoundary(ctx, `process destroy ${req.ref.id}`, () => destroy(req, ctx)),
  };
}

/** docker-style contextualisation (env) is passed to the program; other kinds are not supported by this host */
function envOf(context) {
  if (!context || context.kind !== 'docker') return {};
  return Object.fromEntries(context.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function firstLine(child, instanceId, signal) {
  return new Promise((resolveLine, reject) => {
    const onAbort = () => done(abortedError(`start ${instanceId}`, signal));
    const done = (err) => {
      signal.removeEventListener('abort', onAbort);
      child.stdout.removeAllListeners();
      child.removeAllListeners('exit');
      if (err) reject(err);
      else resolveLine();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d) => { if (String(d).includes('\n')) done(); });
    child.once('exit', (code) => done(new FatalError('PROCESS_EXITED_EARLY', `start ${instanceId}: exited with ${code} before its first line`)));
  });
}

/** The plugin reef loads (`reef --plugin`): its type, schema, driver and error codes. */
export default { type: TYPE, resourceSchema, createDriver, errors };
