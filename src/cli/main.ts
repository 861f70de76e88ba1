/**
 * `reef`: parse arguments (commander), call a command, map its outcome to an exit code. Usage errors and
 * bad input exit 2 with one line per problem, never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { openApp, stateDirOf, type App, type GlobalOptions } from './app.js';
import { loadPlugins, type PluginOptions } from './plugins.js';
import { exitCodeOf, messageOf, EXIT, UsageError } from './exit.js';
import { addOccopusCommands } from './occopus.js';
import { wantsLive } from './progress/wants-live.js';
import type { RemoteClient } from './remote-client.js';

const int = (name: string, signed = false) => (v: string) => {
  if (!(signed ? /^[+-]?\d+$/ : /^\d+$/).test(v)) throw new InvalidArgumentError(`${name} must be ${signed ? 'a whole number like +2 or -1' : 'a whole number'}`);
  return Number(v);
};

export async function main(argv: string[]): Promise<void> {
  let app: App | undefined;
  let exitCode: number = EXIT.ok;
  const program = new Command('reef')
    .description('Deploy virtual infrastructures described in Occopus format, and keep them at their desired state.')
    .option('--state <path|url>', 'state store: an SQLite file, or postgres://… (env REEF_STATE)', undefined)
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--server <url>', 'use a running reef serve (status, apply, scale, destroy, logs, import)')
    .option('-v, --verbose', 'print every instance transition (on a terminal: instead of the live progress display)', false)
    .option('--token-file <path>', 'API token file (reef serve; with --server, else env REEF_TOKEN or <state dir>/api-token)')
    .option('--plugin <pkg|file>', 'load a driver plugin (repeatable; docs/plugins.md)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--config <file>', 'reef config file (YAML): its plugins: list names driver plugins; its serve: section holds allow_files, allow_origin')
    .showHelpAfterError('(run reef --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const run = (fn: (app: App, json: boolean) => Promise<number>, live = false) => async () => {
    const globals = program.opts<GlobalOptions>();
    // the display (and log-update) loads only for a person at a terminal
    const progress = live && wantsLive(globals)
      ? new (await import('./progress/live.js')).LiveProgress({ stream: process.stderr, color: !process.env.NO_COLOR })
      : undefined;
    app = openApp(globals, progress, await loadPlugins(program.opts<PluginOptions>()));
    exitCode = await fn(app, globals.output === 'json');
  };
  /** with --server, the remote variant of a command; the same local one otherwise */
  const either = (local: (app: App, json: boolean) => Promise<number>, remote: (c: RemoteClient, json: boolean) => Promise<number>, live = false) => async () => {
    const g = program.opts<GlobalOptions & { server?: string; tokenFile?: string }>();
    if (!g.server) return run(local, live)();
    const { RemoteClient } = await import('./remote-client.js');
    exitCode = await remote(new RemoteClient({ server: g.server, tokenFile: g.tokenFile, stateDir: stateDirOf(g) }), g.output === 'json');
  };
  const waitOptions = (c: Command) =>
    c.option('--wait', 'wait until the infra converges; exit 1 if it does not', false)
      .option('--timeout <seconds>', 'how long to wait', int('--timeout'), 900)
      .option('--endpoint-wait <seconds>', 'with --wait: exit 1 once a cloud endpoint has not answered for this long', int('--endpoint-wait'), 60);

  program.command('validate').description('check an infra description and its node definitions; change nothing')
    .argument('<infra>', 'infrastructure description (YAML)')
    .option('--nodes <file>', 'node definitions (default: the ones stored by reef import)')
    .option('--auth <file>', 'authentication file to check as well')
    .option('--id <id>', 'infra id (default: infra_name)')
    .action((infraFile: string, o: { nodes?: string; auth?: string; id?: string }) =>
      run(async (a, json) => (await import('./commands/validate.js')).validateCommand(a, { infraFile, ...o }, json))());

  program.command('diff').description('what an apply of the file would change, from the store; change nothing (exit 0: no changes, 3: changes)')
    .argument('<infra>', 'infrastructure description (YAML)')
    .option('--nodes <file>', 'node definitions (default: the ones stored by reef import)')
    .option('--id <id>', 'infra id (default: infra_name)')
    .addOption(new Option('--strategy <s>', 'as apply would be given it').choices(['parallel', 'serial']))
    .action((infraFile: string, o: { nodes?: string; id?: string; strategy?: 'parallel' | 'serial' }) => run(async (a, json) => (await import('./commands/diff.js')).diffCommand(a, { infraFile, ...o }, json))());

  waitOptions(program.command('apply').description('create or update an infra to match the file, then reconcile it')
    .argument('<infra>', 'infrastructure description (YAML)')
    .option('--nodes <file>', 'node definitions (default: the ones stored by reef import)')
    .option('--auth <file>', 'authentication file (credentials per resource); with --server, an auth entry name of the server\'s')
    .option('--id <id>', 'infra id (default: infra_name); applying an existing id updates it')
    .addOption(new Option('--strategy <s>', 'create instances in parallel or one at a time').choices(['parallel', 'serial']))
    .option('--dry-run', 'print what the apply would change (as reef diff does, same exit codes) and change nothing', false))
    .action((infraFile: string, o: { nodes?: string; auth?: string; id?: string; strategy?: 'parallel' | 'serial'; wait: boolean; timeout: number; endpointWait: number; dryRun: boolean }) => {
      if (o.dryRun && program.opts<{ server?: string }>().server) throw new UsageError('--dry-run reads the local store: run it where the state is, without --server');
      return o.dryRun
        ? run(async (a, json) => (await import('./commands/diff.js')).diffCommand(a, { infraFile, ...o }, json))()
        : either(async (a, json) => (await import('./commands/apply.js')).applyCommand(a, { infraFile, ...o, timeoutS: o.timeout, json }), async (c, json) => (await import('./remote.js')).remoteApply(c, { infraFile, ...o, timeoutS: o.timeout, json }), true)();
    });

  program.command('status').description('list infras, or show one: node, instance, state, address, age')
    .argument('[id]', 'infra id')
    .action((id: string | undefined) => either(async (a, json) => (await import('./commands/status.js')).statusCommand(a, id, json), async (c, json) => (await import('./remote.js')).remoteStatus(c, id, json))());

  waitOptions(program.command('scale').description('change how many instances a node has (within its min..max)')
    .argument('<id>', 'infra id').argument('<node>', 'node name')
    .option('--to <n>', 'set the number of instances', int('--to'))
    .option('--by <n>', 'add (+n) or remove (-n) instances', int('--by', true))
    .option('--instance <id|address>', 'remove this instance (scale down by one unless --to/--by say otherwise)'))
    .action((id: string, node: string, o: { to?: number; by?: number; instance?: string; wait: boolean; timeout: number; endpointWait: number }) =>
      either(async (a, json) => (await import('./commands/scale.js')).scaleCommand(a, id, node, { ...o, timeoutS: o.timeout, json }), async (c, json) => (await import('./remote.js')).remoteScale(c, id, node, { ...o, timeoutS: o.timeout, json }), true)());

  waitOptions(program.command('destroy').description('delete every resource of an infra')
    .argument('<id>', 'infra id'))
    .action((id: string, o: { wait: boolean; timeout: number; endpointWait: number }) =>
      either(async (a, json) => (await import('./commands/destroy.js')).destroyCommand(a, id, { ...o, timeoutS: o.timeout, json }), async (c, json) => (await import('./remote.js')).remoteDestroy(c, id, { ...o, timeoutS: o.timeout, json }), true)());

  program.command('logs').description('reconcile events (instance transitions, failures, collections)')
    .argument('[id]', 'infra id (default: all)')
    .option('-f, --follow', 'keep printing new events', false)
    .option('--tail <n>', 'only the last n events', int('--tail'))
    .action((id: string | undefined, o: { follow: boolean; tail?: number }) =>
      either(async (a, json) => (await import('./commands/logs.js')).logsCommand(a, id, { ...o, json }), async (c, json) => (await import('./remote.js')).remoteLogs(c, id, { ...o, json }))());

  program.command('import').description('store node definitions for later applies without --nodes (occopus-import)')
    .argument('<nodes>', 'node definition file (YAML)')
    .action((file: string) => either(async (a, json) => (await import('./commands/import.js')).importCommand(a, file, json), async (c, json) => (await import('./remote.js')).remoteImport(c, file, json))());

  addOccopusCommands(program, run, argv);

  const collect = (v: string, all: string[]) => [...all, v];
  const catalogOption = (c: Command) => c.option('--catalog <dir>', "an operator's catalog folder (repeatable), besides the shipped one", collect, []);

  catalogOption(program.command('catalog').description('list the ready-made infrastructures reef deploy offers'))
    .action((o: { catalog: string[] }) => run(async (a, json) => (await import('./commands/catalog.js')).catalogCommand(a, { ...o, json }))());

  waitOptions(catalogOption(program.command('deploy').description('deploy a catalog entry on a cloud, with values for its variables')
    .argument('<name>', 'catalog entry (reef catalog lists them)')
    .requiredOption('--cloud <cloud>', 'which of the entry\'s clouds to deploy on (e.g. docker); with --server, one of its deploy targets')
    .option('--set <key=value>', 'a variable\'s value (repeatable)', collect, [])
    .option('--id <id>', 'infra id (default: the entry\'s infra_name); deploying an existing id updates it')
    .option('--auth <file>', 'authentication file (credentials per resource)')))
    .action((name: string, o: { cloud: string; set: string[]; id?: string; auth?: string; catalog: string[]; wait: boolean; timeout: number; endpointWait: number }) =>
      either(async (a, json) => (await import('./commands/deploy.js')).deployCommand(a, name, { ...o, timeoutS: o.timeout, json }), async (c, json) => (await import('./remote.js')).remoteDeploy(c, name, { ...o, timeoutS: o.timeout, json }), true)());

  catalogOption(program.command('serve')).description('reconcile every infra continuously; serve the REST API and the live view')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', int('--port'), 5000)
    .option('--resync <seconds>', 'drift check period of a converged infra (default 10)', int('--resync'))
    .option('--auth <file>', 'an auth file the API may use (repeatable): requests may name it, and its named resource entries are the dashboard\'s deploy targets', collect, [])
    .option('--lease-ttl <seconds>', 'how long an infra\'s lease outlives a replica that stopped renewing it (default 6)', int('--lease-ttl'))
    .option('--allow-files <dir>', 'a directory whose files descriptors may name (imports, docker origin, key paths, playbooks; repeatable; default none)', collect, [])
    .option('--allow-origin <prefix>', 'a URL prefix descriptors may make the server fetch or connect to (docker origin and endpoint; repeatable; default none)', collect, [])
    .action((o: { host: string; port: number; resync?: number; leaseTtl?: number; catalog: string[]; auth: string[]; allowFiles: string[]; allowOrigin: string[] }) =>
      run(async (a) => (await import('./commands/serve.js')).serveCommand(a, {
        ...o, ...(await import('./serve-settings.js')).serveAccessSettings(o, program.opts<PluginOptions>().config), tokenFile: program.opts<{ tokenFile?: string }>().tokenFile,
      }))());

  program.command('state').description('manage the state store')
    .command('migrate').description('copy an SQLite state into an empty PostgreSQL database and verify the row counts')
    .requiredOption('--from <path>', 'SQLite state file')
    .requiredOption('--to <url>', 'postgres://… of an empty database')
    .action(async (o: { from: string; to: string }) => {
      exitCode = await (await import('./commands/state.js')).stateMigrateCommand(o, program.opts<GlobalOptions>().output === 'json');
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    } else {
      app?.progress?.finish('failed');
      process.stderr.write(`${messageOf(e)}\n`);
      exitCode = exitCodeOf(e);
    }
  } finally {
    await app?.close().catch(() => {});
  }
  process.exitCode = exitCode;
}
