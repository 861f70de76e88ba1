import type { App } from '../app.js';
import { EXIT } from '../exit.js';
import { loadSpec, type SpecArgs } from '../spec-input.js';

export async function validateCommand(app: App, args: SpecArgs, json: boolean): Promise<number> {
  const spec = await loadSpec(app, args);
  const nodes = spec.nodes.map((n) => `${n.name}(${n.type}, ${n.min}..${n.max})`).join(', ');
  if (json) process.stdout.write(`${JSON.stringify({ valid: true, infraid: spec.id, nodes: spec.nodes.map((n) => n.name) })}\n`);
  else process.stdout.write(`${args.infraFile}: ok — infra ${spec.id}: ${nodes}\n`);
  return EXIT.ok;
}
