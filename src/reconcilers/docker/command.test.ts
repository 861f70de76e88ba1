import { describe, expect, it } from 'vitest';
import { splitCommand } from './command.js';

describe('splitCommand', () => {
  it.each([
    ['sleep 3600', ['sleep', '3600']],
    ['  ping  -c 3   10.0.0.1 ', ['ping', '-c', '3', '10.0.0.1']],
    [`sh -c "echo \\"hi\\" && sleep 1"`, ['sh', '-c', 'echo "hi" && sleep 1']],
    [`sh -c 'echo $HOME; echo "x"'`, ['sh', '-c', 'echo $HOME; echo "x"']],
    [`a\\ b c ''`, ['a b', 'c', '']],
    ['', []],
  ])('%j', (input, argv) => {
    expect(splitCommand(input)).toEqual(argv);
  });

  it('rejects an unclosed quote', () => {
    expect(() => splitCommand(`sh -c "echo`)).toThrow(/unclosed " quote/);
  });
});
