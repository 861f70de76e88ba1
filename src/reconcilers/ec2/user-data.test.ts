import { describe, expect, it } from 'vitest';
import { FatalError } from '../errors.js';
import { USER_DATA_MAX_BYTES, checkUserDataSize, encodeUserData } from './user-data.js';

describe('encodeUserData', () => {
  it('base64-encodes cloud-init text as UTF-8', () => {
    const encoded = encodeUserData({ kind: 'cloudinit', userData: '#cloud-config\nhostname: ä\n' });
    expect(Buffer.from(encoded!, 'base64').toString('utf8')).toBe('#cloud-config\nhostname: ä\n');
  });

  it('sends nothing when there is no contextualisation', () => {
    expect(encodeUserData({ kind: 'none' })).toBeUndefined();
  });

  it('refuses docker contextualisation', () => {
    expect(() => encodeUserData({ kind: 'docker', env: [] })).toThrow(
      expect.objectContaining({ code: 'REEF_EC2_CONTEXT_UNSUPPORTED' }),
    );
  });
});

describe('checkUserDataSize', () => {
  it('accepts exactly 16 KB raw even though its base64 form is larger', () => {
    expect(() => checkUserDataSize('x'.repeat(USER_DATA_MAX_BYTES))).not.toThrow();
  });

  it('refuses one byte more, counting UTF-8 bytes not characters', () => {
    const text = 'x'.repeat(USER_DATA_MAX_BYTES - 1) + 'é';
    let caught: unknown;
    try {
      checkUserDataSize(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FatalError);
    expect(caught).toMatchObject({ code: 'REEF_EC2_USERDATA_TOO_LARGE' });
    expect((caught as Error).message).toContain(`${USER_DATA_MAX_BYTES + 1} bytes`);
  });
});
