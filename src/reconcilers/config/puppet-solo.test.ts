import { describe, expect, it } from 'vitest';
import { planPuppetSolo } from './puppet-solo.js';

describe('planPuppetSolo', () => {
  it('numbers manifests in order, fetches urls and modules on the machine, passes attributes as facts', () => {
    const plan = planPuppetSolo(
      {
        type: 'puppet_solo',
        manifests: ["notice('a')", { name: 'web.pp', content: "notice('b')" }, { url: 'http://example.invalid/c.pp' }],
        modules: ['puppetlabs-stdlib'],
        attributes: { Port: 8080, 'site-name': "o'k" },
        workdir: '/srv/p',
      },
      'web/app#1',
      'app',
    );
    expect(plan.dir).toBe('/srv/p/web_app_1');
    expect(plan.files.map((f) => f.path)).toEqual(['/srv/p/web_app_1/manifests/01-manifest.pp', '/srv/p/web_app_1/manifests/02-web.pp']);
    expect(plan.fetch[0]).toBe(
      "curl -fsSL 'http://example.invalid/c.pp' -o '/srv/p/web_app_1/manifests/03-fetched.pp' || wget -qO '/srv/p/web_app_1/manifests/03-fetched.pp' 'http://example.invalid/c.pp'",
    );
    expect(plan.fetch[1]).toBe("puppet module list 2>/dev/null | grep -q -- ' puppetlabs-stdlib ' || puppet module install 'puppetlabs-stdlib'");
    expect(plan.apply).toBe(
      "cd '/srv/p/web_app_1' && FACTER_port='8080' FACTER_site_name='o'\\''k' FACTER_reef_instance='web/app#1' FACTER_reef_node='app' " +
        "puppet apply --detailed-exitcodes --color=false --hiera_config='/srv/p/web_app_1/hiera.yaml' '/srv/p/web_app_1/manifests'",
    );
    expect(plan.prepare).toContain("rm -rf '/srv/p/web_app_1/manifests'");
  });

  it("reads Occopus's form: manifests as URLs, attributes as a list of one-key mappings, also given as hiera data", () => {
    const plan = planPuppetSolo(
      {
        type: 'puppet_solo',
        manifests: ['https://example.invalid/m/mysql-init.pp', "notice('https://not-a-url inline')"],
        modules: ['puppetlabs-mysql'],
        attributes: [{ rootpassword: 'r00t' }, { dbname: 'wp' }, { dbname: 'wordpress' }],
      },
      'i-1',
      'db',
    );
    expect(plan.fetch[0]).toContain("curl -fsSL 'https://example.invalid/m/mysql-init.pp' -o '/var/lib/reef/puppet/i-1/manifests/01-fetched.pp'");
    const byPath = Object.fromEntries([...plan.files, ...plan.hiera].map((f) => [f.path, f]));
    expect(byPath['/var/lib/reef/puppet/i-1/manifests/02-manifest.pp'].content).toBe("notice('https://not-a-url inline')");
    const data = byPath['/var/lib/reef/puppet/i-1/data/common.json'];
    expect(JSON.parse(String(data.content))).toEqual({ rootpassword: 'r00t', dbname: 'wordpress' });
    expect(data.mode).toBe(0o600);
    expect(byPath['/var/lib/reef/puppet/i-1/hiera.yaml'].content).toContain('path: common.json');
    expect(plan.apply).toContain("FACTER_rootpassword='r00t' FACTER_dbname='wordpress'");
  });
});
