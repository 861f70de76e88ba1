import { describe, expect, it } from 'vitest';
import type { InstancePatch, Store, WriteBatch } from '../state/store.js';
import { silentLogger } from '../util/log.js';
import { WriteBehind } from './write-behind.js';

function rig() {
  const batches: WriteBatch[] = [];
  const store = { writeBatch: async (b: WriteBatch) => { batches.push(b); } } as unknown as Store;
  return { batches, writer: new WriteBehind(store, silentLogger()) };
}

const patchOf = (b: WriteBatch, id: string): InstancePatch | undefined => b.patches?.find((p) => p.id === id)?.patch;

describe('write-behind', () => {
  it('merges the patches of a row and reads its snapshot once, at the flush, the newest', async () => {
    const { batches, writer } = rig();
    let reads = 0;
    let machineState = 'creating';
    const snapshot = () => { reads++; return { value: machineState }; };
    writer.patch('a', { state: 'contextualising' }, snapshot);
    writer.patch('a', { state: 'creating', attempts: 1 }, snapshot);
    machineState = 'ready';
    writer.patch('a', { state: 'ready' }, snapshot);
    await writer.flush();
    expect(reads).toBe(1);
    expect(batches).toHaveLength(1);
    expect(patchOf(batches[0]!, 'a')).toEqual({ state: 'ready', attempts: 1, snapshot: { value: 'ready' } });
  });

  it('a patch without a snapshot source leaves the snapshot alone; a deleted row is not patched', async () => {
    const { batches, writer } = rig();
    writer.patch('a', { lastError: null });
    writer.patch('b', { state: 'ready' }, () => ({ value: 'ready' }));
    writer.delete('b');
    await writer.flush();
    expect(patchOf(batches[0]!, 'a')).toEqual({ lastError: null });
    expect(patchOf(batches[0]!, 'b')).toBeUndefined();
    expect(batches[0]!.deletions).toEqual(['b']);
  });

  it('a failed write keeps what it held (with the snapshot read) for the next flush', async () => {
    const batches: WriteBatch[] = [];
    let fail = true;
    const store = { writeBatch: async (b: WriteBatch) => { if (fail) throw new Error('disk full'); batches.push(b); } } as unknown as Store;
    const writer = new WriteBehind(store, silentLogger());
    writer.patch('a', { state: 'ready' }, () => ({ value: 'ready' }));
    await expect(writer.flush()).rejects.toThrow('disk full');
    fail = false;
    await writer.flush();
    expect(patchOf(batches[0]!, 'a')).toEqual({ state: 'ready', snapshot: { value: 'ready' } });
  });

  it('readSnapshots() takes the snapshots as they are now, for a flush after the machines have stopped', async () => {
    const { batches, writer } = rig();
    let status = 'active';
    writer.patch('a', { state: 'ready' }, () => ({ status }));
    writer.readSnapshots();
    status = 'stopped';
    await writer.flush();
    expect(patchOf(batches[0]!, 'a')).toEqual({ state: 'ready', snapshot: { status: 'active' } });
  });
});
