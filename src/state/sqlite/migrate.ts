/**
 * Brings a database up to the schema this reef knows. The version is SQLite's `user_version` pragma, which is
 * stored in the file header and is transactional, so a migration and its version bump commit together.
 */
import type Database from 'better-sqlite3';
import { FatalError } from '../../errors/index.js';
import type { Migration } from './migrations.js';

export function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a store written by a newer reef; returns the versions it applied (empty when up to date). */
export function migrate(db: Database.Database, migrations: readonly Migration[], path: string): number[] {
  assertOrdered(migrations);
  const latest = migrations.length;
  const refuseNewer = (found: number) => {
    if (found > latest) {
      throw new FatalError(
        'REEF_STATE_TOO_NEW',
        `state store ${path} has schema version ${found}, but this reef only knows up to ${latest}: ` +
          'it was written by a newer reef. Upgrade reef, or point it at another state file.',
      );
    }
  };
  refuseNewer(schemaVersion(db));
  if (schemaVersion(db) === latest) return [];
  if (db.readonly) {
    throw new FatalError(
      'REEF_STATE_OPEN',
      `state store ${path} needs a schema upgrade (version ${schemaVersion(db)} → ${latest}) but was opened read-only: ` +
        'read it with the reef that wrote it, or run a write command (reef apply, import …) once where the file and its folder are writable',
    );
  }
  // IMMEDIATE takes the write lock before reading the version, so two processes opening an old store at once
  // cannot both apply the same migration.
  const run = db.transaction(() => {
    const current = schemaVersion(db);
    refuseNewer(current);
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      db.exec(m.sql);
      applied.push(m.version);
    }
    db.pragma(`user_version = ${latest}`);
    return applied;
  });
  return run.immediate();
}
