import { describe, expect, it } from 'vitest';
import { OwnStarts } from './own-starts.js';
import type { Observation } from '../driver.js';

const seen: Observation = { exists: false, ref: { driver: 'docker', endpoint: 'e', id: 'c1' } };

describe('OwnStarts', () => {
  it("answers one start event with create's observation, then forgets the container", async () => {
    const own = new OwnStarts();
    const settle = own.note('c1');
    const taken = own.take('c1');
    settle(seen);
    settle(undefined); // a later settle changes nothing
    expect(await taken).toBe(seen);
    expect(own.take('c1')).toBeUndefined();
    expect(own.take('other')).toBeUndefined();
  });

  it('yields undefined after a failed start (the watch then inspects) and expires unanswered entries', async () => {
    let now = 0;
    const own = new OwnStarts(() => now);
    own.note('failed')(undefined);
    expect(await own.take('failed')).toBeUndefined();
    own.note('old');
    now = 61_000;
    expect(own.take('old')).toBeUndefined();
    own.note('a');
    now = 200_000;
    own.note('b'); // sweeps a
    expect(own.take('a')).toBeUndefined();
  });
});
