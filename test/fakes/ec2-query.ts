/** Reading EC2 Query API parameters (`Filter.1.Value.2=x`) back into lists and records. Test-only. */

export type Params = Record<string, string>;

/** Values of `Prefix.1`, `Prefix.2`, ... in index order. */
export function listParam(params: Params, prefix: string): string[] {
  return indexed(params, prefix).map((i) => params[`${prefix}.${i}`]).filter((v) => v !== undefined);
}

/** The indices N for which some key starts with `prefix.N`, sorted. */
export function indexed(params: Params, prefix: string): number[] {
  const found = new Set<number>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)(\\.|$)`);
  for (const key of Object.keys(params)) {
    const m = re.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

export interface QueryFilter {
  name: string;
  values: string[];
}

export function filtersOf(params: Params): QueryFilter[] {
  return indexed(params, 'Filter').map((i) => ({
    name: params[`Filter.${i}.Name`] ?? '',
    values: listParam(params, `Filter.${i}.Value`),
  }));
}

export interface QueryTagSpec {
  resourceType: string;
  tags: Record<string, string>;
}

export function tagSpecsOf(params: Params): QueryTagSpec[] {
  return indexed(params, 'TagSpecification').map((i) => {
    const prefix = `TagSpecification.${i}`;
    const tags: Record<string, string> = {};
    for (const j of indexed(params, `${prefix}.Tag`)) {
      tags[params[`${prefix}.Tag.${j}.Key`] ?? ''] = params[`${prefix}.Tag.${j}.Value`] ?? '';
    }
    return { resourceType: params[`${prefix}.ResourceType`] ?? '', tags };
  });
}

export function parseForm(body: string): Params {
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** The access key id from a SigV4 Authorization header (`Credential=AKID/date/region/ec2/aws4_request`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
}
