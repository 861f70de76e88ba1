/** D17, D18: bad CLI input is a usage error (exit 2) with one clear line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reef } from '../helpers/cli.js';

describe('CLI usage errors', () => {
  it('--log-level bogus exits 2 naming the allowed levels (D17)', () => {
    const d = mkdtempSync(join(tmpdir(), 'reef-sec-usage-'));
    try {
      const r = reef(d, ['--state', join(d, 's.db'), '--log-level', 'bogus', 'status']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--log-level.*bogus.*trace, debug, info, warn, error, fatal, silent/);
      const logs = reef(d, ['--state', join(d, 's.db'), 'logs', 'nope']);
      expect(logs.code).toBe(2);
      expect(logs.stderr).toContain('no infrastructure "nope"');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
