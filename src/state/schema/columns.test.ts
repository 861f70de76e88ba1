import { describe, expect, it } from 'vitest';
import { columnsOf } from './columns.js';
import type { SchemaVersion } from './types.js';

describe('columnsOf', () => {
  it('replays created tables and added columns up to the newest version', () => {
    const history: SchemaVersion[] = [
      { version: 1, name: 'a', steps: [{ kind: 'createTable', table: { name: 't', columns: [{ name: 'id', type: 'text' }], primaryKey: ['id'] } }] },
      { version: 2, name: 'b', steps: [{ kind: 'addColumn', table: 't', column: { name: 'n', type: 'int', nullable: true } }, { kind: 'addColumn', table: 'u', column: { name: 'x', type: 'text' } }] },
    ];
    expect(columnsOf('t', history).map((c) => [c.name, c.type])).toEqual([['id', 'text'], ['n', 'int']]);
    expect(() => columnsOf('nope', history)).toThrow("no table 'nope'");
  });

  it('knows every column of the real instances table', () => {
    expect(columnsOf('instances').map((c) => c.name)).toContain('snapshot_json');
  });
});
