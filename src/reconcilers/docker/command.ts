/**
 * A command string → argv, the way Occopus's docker-py did it (shlex-style: whitespace separates, single and
 * double quotes group, backslash escapes outside single quotes). No variable expansion: use `sh -c` for that.
 */
import { FatalError } from '../errors.js';

export function splitCommand(command: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1])) current += command[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new FatalError('REEF_DOCKER_INVALID', `command has an unclosed ${quote} quote: ${command}`);
  if (inWord) argv.push(current);
  return argv;
}
