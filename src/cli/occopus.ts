/**
 * `reef occopus build|destroy|import|maintain|scale`: Occopus's commands with their flags, for scripts that call
 * them, mapped onto reef's (docs/occopus.md has the table). Output that scripts parse stays as Occopus printed it:
 * the infra id on the last line of a build, "Successfully imported nodes: …", maintain -o's address lines.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { App } from './app.js';
import { EXIT } from './exit.js';
import { addressLines, reefInfraId, scaleRequest } from './occopus-args.js';

type Runner = (fn: (app: App, json: boolean) => Promise<number>, live?: boolean) => () => Promise<void>;

const TIMEOUT_S = 3600;
const common = (c: Command) =>
  c.option('--cfg <path>', "Occopus's config file: accepted and ignored (reef needs none)")
    .option('-a, --auth_data_path <path>', 'authentication file (Occopus format)');

/** reef's global options that take a value (to find the command word in argv). */
const GLOBAL_WITH_VALUE = new Set(['--state', '--log-level', '-o', '--output', '--server', '--token-file']);

/** True when argv (process.argv form) runs `reef [globals] occopus …`. */
export function isOccopusInvocation(argv: string[]): boolean {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (GLOBAL_WITH_VALUE.has(args[i])) i++;
    else if (!args[i].startsWith('-')) return args[i] === 'occopus';
  }
  return false;
}

/**
 * Occopus's own flags must win over reef's globals after the command word (occopus-maintain's `-o FILE` is not
 * reef's `-o json`), so for `reef occopus …` reef's global options count only before `occopus`.
 */
export function addOccopusCommands(program: Command, run: Runner, argv: string[]): void {
  if (isOccopusInvocation(argv)) program.enablePositionalOptions();
  const occopus = program.command('occopus').description("Occopus's commands and flags (occopus-build, -destroy, -import, -maintain, -scale) mapped onto reef's");

  common(occopus.command('build').description('occopus-build: create (or, with -i of an existing infra, update) an infra; prints its id last')
    .argument('<infra>', 'infrastructure description (node definitions from occopus import / reef import)')
    .option('-i, --infra_id <id>', 'infra id (default: a new uuid, as in Occopus)')
    .option('--parallelize', 'create the nodes of a level in parallel (default: one after another, as in Occopus)', false))
    .action((infraFile: string, o: { infra_id?: string; auth_data_path?: string; parallelize: boolean }) =>
      run(async (a) => (await import('./commands/apply.js')).applyCommand(a, {
        infraFile,
        id: reefInfraId(o.infra_id),
        auth: o.auth_data_path,
        strategy: o.parallelize ? 'parallel' : 'serial',
        wait: true,
        timeoutS: TIMEOUT_S,
        json: false, // the infra id must be the last line
      }), true)());

  common(occopus.command('destroy').description('occopus-destroy: delete every resource of an infra')
    .requiredOption('-i, --infra_id <id>', 'infra id'))
    .action((o: { infra_id: string }) =>
      run(async (a, json) => {
        const id = reefInfraId(o.infra_id);
        if (!(await a.store().getInfra(id))) {
          process.stderr.write(`Unknown infrastructure ${o.infra_id}\n`); // Occopus exits 0 here too
          return EXIT.ok;
        }
        return (await import('./commands/destroy.js')).destroyCommand(a, id, { wait: true, timeoutS: TIMEOUT_S, json });
      }, true)());

  occopus.command('import').description('occopus-import: store node definitions for later builds')
    .argument('<nodes>', 'node definition file')
    .option('--cfg <path>', "Occopus's config file: accepted and ignored")
    .action((file: string) =>
      run(async (a) => {
        const { loadNodeDefs } = await import('../schemas/index.js');
        const types = await a.store().putNodeDefs(loadNodeDefs(resolve(file), a.registry.resourceSchemas()));
        process.stdout.write(`Successfully imported nodes: ${types.join(', ')}\n`);
        return EXIT.ok;
      })());

  common(occopus.command('maintain').description('occopus-maintain: one reconcile pass (or -c: keep going), list infras, or report addresses')
    .option('-i, --infra_id <id>', 'infra id')
    .option('-l, --list', 'list the infra ids', false)
    .option('-r, --report', 'print each instance: node, id, state, addresses', false)
    .option('-o, --output <file>', 'write one line per instance: its addresses, space-separated')
    .option('-f, --filter <node>', 'only instances of nodes whose name contains this')
    .option('-c, --cyclic', 'keep reconciling, one pass every --interval seconds, until interrupted', false)
    .option('-t, --interval <seconds>', 'seconds between passes with -c', '10')
    .option('--parallelize', 'accepted: reef creates in parallel unless the infra was built without it', false))
    .action((o: { infra_id?: string; list: boolean; report: boolean; output?: string; filter?: string; cyclic: boolean; interval: string }) =>
      run((a) => maintain(a, o))());

  occopus.command('scale').description('occopus-scale: change a node\'s instance count, or remove one instance')
    .requiredOption('-i, --infra_id <id>', 'infra id')
    .requiredOption('-n, --node <name>', 'node name')
    .option('-c, --changescale <n>', 'add (+n) or remove (-n) instances')
    .option('-s, --setscale <n>', 'set the number of instances')
    .option('-f, --filter <node_id|ip>', 'remove this instance')
    .option('--cfg <path>', "Occopus's config file: accepted and ignored")
    .action((o: { infra_id: string; node: string; changescale?: string; setscale?: string; filter?: string }) =>
      run(async (a, json) => (await import('./commands/scale.js')).scaleCommand(a, reefInfraId(o.infra_id), o.node, { ...scaleRequest(o), wait: true, timeoutS: TIMEOUT_S, json }), true)());
}

async function maintain(app: App, o: { infra_id?: string; list: boolean; report: boolean; output?: string; filter?: string; cyclic: boolean; interval: string }): Promise<number> {
  const store = app.store();
  if (o.list) {
    for (const infra of await store.listInfras()) process.stdout.write(`${infra.id}\n`);
    return EXIT.ok;
  }
  if (o.infra_id === undefined) {
    process.stderr.write('give -i/--infra_id ID (or -l to list the infras)\n');
    return EXIT.badInput;
  }
  const id = reefInfraId(o.infra_id);
  if (!(await store.getInfra(id))) {
    process.stderr.write(`Unknown infrastructure ${o.infra_id}\n`);
    return EXIT.badInput;
  }
  if (o.report || o.output) {
    const instances = (await store.listInstances(id)).filter((i) => !i.destroyReason && (o.filter === undefined || i.node.includes(o.filter)));
    if (o.output) writeFileSync(o.output, addressLines(instances, o.filter));
    if (o.report) {
      for (const i of instances) process.stdout.write(`${i.node} ${i.id} ${i.state} ${addressLines([i]).trim()}\n`);
    }
    return EXIT.ok;
  }
  const { converge } = await import('./converge.js');
  const intervalMs = Math.max(1, Number(o.interval) || 10) * 1000;
  let stop = false;
  const onSignal = () => (stop = true);
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    for (;;) {
      const result = await converge(app, id, { wait: false, timeoutMs: TIMEOUT_S * 1000 });
      process.stdout.write(`${result.message}\n`);
      if (!o.cyclic || stop) return result.exitCode;
      for (let waited = 0; waited < intervalMs && !stop; waited += 200) await new Promise((r) => setTimeout(r, 200));
      if (stop) return result.exitCode;
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
