/** The targets, checked against one run's results. */
export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean | null;
}

/** `goal` is what the report prints, and its first sign decides: "≤ 1.0×" admits the limit, "< 10 s" does not. */
export function check(what: string, goal: string, value: number | null | undefined, limit: number, unit: string, digits = 0): Target {
  if (value === null || value === undefined || Number.isNaN(value)) return { what, goal, measured: 'not measured', met: null };
  return { what, goal, measured: `${value.toFixed(digits)} ${unit}`, met: goal.startsWith('≤') ? value <= limit : value < limit };
}
