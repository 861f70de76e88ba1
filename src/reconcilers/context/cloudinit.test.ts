import { describe, expect, it } from 'vitest';
import { FatalError } from '../errors.js';
import { renderCloudInitContext } from './cloudinit.js';

function errorOf(fn: () => unknown): FatalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FatalError) return e;
    throw e;
  }
  throw new Error('expected a FatalError');
}

describe('renderCloudInitContext', () => {
  it('passes a valid #cloud-config through unchanged', () => {
    const text = '#cloud-config\nruncmd:\n  - echo 10.0.0.4 > /etc/peer\n';
    expect(renderCloudInitContext({ type: 'cloudinit', context_template: text })).toEqual({ kind: 'cloudinit', userData: text });
  });

  it('passes shell-script user data without YAML checks', () => {
    const text = '#!/bin/sh\necho "a: [b"\n';
    expect(renderCloudInitContext({ type: 'cloudinit', context_template: text })).toEqual({ kind: 'cloudinit', userData: text });
  });

  it('dumps a mapping from !yaml_import with the #cloud-config header', () => {
    const payload = renderCloudInitContext({ type: 'cloudinit', context_template: { packages: ['nginx'], runcmd: ['id'] } });
    expect(payload).toEqual({ kind: 'cloudinit', userData: '#cloud-config\npackages:\n  - nginx\nruncmd:\n  - id\n' });
  });

  it('names the line of a YAML error in the rendered text', () => {
    const err = errorOf(() =>
      renderCloudInitContext({ type: 'cloudinit', context_template: '#cloud-config\nwrite_files:\n  - path: /x\n   content: [a\n' }),
    );
    expect(err.code).toBe('REEF_CONTEXT_INVALID');
    expect(err.message).toMatch(/^rendered cloud-config is not valid YAML at line 4, column \d+: /);
  });

  it('refuses a cloud-config that is not a mapping', () => {
    const err = errorOf(() => renderCloudInitContext({ type: 'cloudinit', context_template: '#cloud-config\n- a\n- b\n' }));
    expect(err).toMatchObject({ code: 'REEF_CONTEXT_INVALID', message: expect.stringContaining('mapping') });
  });

  it('refuses a missing template', () => {
    expect(errorOf(() => renderCloudInitContext({ type: 'cloudinit' })).code).toBe('REEF_CONTEXT_INVALID');
  });

  it('accepts an empty cloud-config', () => {
    expect(renderCloudInitContext({ type: 'cloudinit', context_template: '#cloud-config\n' })).toEqual({
      kind: 'cloudinit',
      userData: '#cloud-config\n',
    });
  });
});
