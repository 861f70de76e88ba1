/** Whether `--state` names PostgreSQL (kept apart from the store so telling does not load the pg client). */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}
