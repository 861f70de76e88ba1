/** The SSH examples are valid Occopus-format infras: `reef validate` accepts each as its README says to run it. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { reef, ROOT } from '../helpers/cli.js';

const EXAMPLES = ['ssh-webfarm', 'ansible-webfarm', 'puppet-wordpress', 'existing-hosts', 'wordpress-mysql'];

describe.each(EXAMPLES)('examples/%s', (name) => {
  it('passes reef validate from its folder', () => {
    const r = reef(join(ROOT, 'examples', name), ['validate', 'infra.yaml', '--nodes', 'nodes/node_definitions.yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('infra.yaml: ok');
  });
});
