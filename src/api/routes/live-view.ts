/**
 * The dashboard: one static page and its ES modules, served without a token (the page asks for it and sends it
 * with every API call). Files are read once from src/api/live/ (plain HTML + JS, no build step); only the
 * names listed here are served, so no request path ever reaches the file system.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  ...Object.fromEntries(['app', 'api', 'dom', 'graph', 'infra', 'timeline', 'catalog'].map((m) => [`/live/${m}.js`, { file: `${m}.js`, type: 'text/javascript; charset=utf-8' }])),
  '/live/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export function isLiveViewPath(url: string): boolean {
  return Object.hasOwn(ASSETS, url.split('?')[0]);
}

/** src/api/live beside this module (tsx, vitest) or, from the build in dist/src/api, the source folder. */
function assetDir(): string {
  const here = fileURLToPath(new URL('../live/', import.meta.url));
  if (existsSync(here)) return here;
  return here.replace(/([\\/])dist\1src\1api\1live\1$/, '$1src$1api$1live$1');
}

export async function liveViewRoutes(app: FastifyInstance): Promise<void> {
  const dir = assetDir();
  const content = Object.fromEntries(Object.entries(ASSETS).map(([path, a]) => [path, readFileSync(dir + a.file, 'utf8')]));
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, async (_req, reply) => {
      reply.type(asset.type).header('cache-control', 'no-cache')
        .header('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'")
        .header('x-content-type-options', 'nosniff');
      return content[path];
    });
  }
}
