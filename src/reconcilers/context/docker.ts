/**
 * The `contextualisation: {type: docker, env, command}` section (Occopus) → ContextPayload. Pure: templates are
 * already rendered by the controller. `env` may be Occopus's list of `K=V` strings or a mapping; `command` a
 * string (split shell-style by the driver) or a list. `context_variables` only feed templates, so they are
 * not part of the payload.
 */
import type { ContextPayload } from '../driver.js';
import type { ContextualisationSection } from '../../spec/types.js';
import { FatalError } from '../errors.js';

function invalid(message: string): FatalError {
  return new FatalError('REEF_CONTEXT_DOCKER_INVALID', `contextualisation (docker): ${message}`);
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  throw invalid(`${where} must be a string, number or boolean, got ${JSON.stringify(value)}`);
}

function normaliseEnv(env: unknown): string[] {
  if (env === undefined || env === null) return [];
  if (Array.isArray(env)) {
    return env.map((entry, i) => {
      const text = scalar(entry, `env[${i}]`);
      if (!/^[^=\s]+=/.test(text)) throw invalid(`env[${i}] ${JSON.stringify(text)} is not NAME=value`);
      return text;
    });
  }
  if (typeof env === 'object') {
    return Object.entries(env as Record<string, unknown>).map(([name, value]) => {
      if (!/^[^=\s]+$/.test(name)) throw invalid(`env name ${JSON.stringify(name)} is not valid`);
      return `${name}=${scalar(value, `env.${name}`)}`;
    });
  }
  throw invalid('env must be a list of NAME=value strings or a mapping');
}

function normaliseCommand(command: unknown): string | string[] | undefined {
  if (command === undefined || command === null) return undefined;
  if (Array.isArray(command)) {
    const argv = command.map((part, i) => scalar(part, `command[${i}]`));
    return argv.length ? argv : undefined;
  }
  const text = scalar(command, 'command').trim();
  return text ? text : undefined;
}

export function renderDockerContext(section: ContextualisationSection): ContextPayload {
  if (section.type !== 'docker') throw invalid(`type is ${JSON.stringify(section.type)}, expected "docker"`);
  const command = normaliseCommand(section.command);
  return { kind: 'docker', env: normaliseEnv(section.env), ...(command === undefined ? {} : { command }) };
}
