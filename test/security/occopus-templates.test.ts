/**
 * The template constructs the Occopus tutorials use (occopus/docs tutorials/: cloud-init files, node definitions,
 * flowbster's receiver/sender lists, consul-template blocks kept raw), in reef's own fixtures, with the output
 * Jinja2 (and reef's nunjucks renderer before the evaluator) gives. The evaluator must render each identically.
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/schemas/template.js';
import { securityScope } from './helpers.js';

const scope = securityScope({
  message: 'Hello reef',
  consul_host: 'db',
  master: 'db',
  versions: { docker: '24.0', consul: '1.9.0' },
  app: {
    in: [{ name: 'input.txt', targetnode: 'db', targetport: 5000, targetname: 'jobs' }, { name: 'extra', format: 'csv', collector: 'c1' }],
    out: [{ name: 'out.txt' }],
  },
});

const CASES: Array<[string, string]> = [
  ['#cloud-config\nwrite_files:\n- path: /tmp/msg\n  content: "{{variables.message}}"\n', '#cloud-config\nwrite_files:\n- path: /tmp/msg\n  content: "Hello reef"\n'],
  ['- consul join {{getip(variables.consul_host)}}', '- consul join 10.0.0.5'],
  ["export MASTER={{getprivip('db')}} NODE={{node_id}} INFRA={{infra_id}}", 'export MASTER=192.168.0.5 NODE=web-abc123 INFRA=sec-1a2b3c4d'],
  ["hostname {{cut(infra_id,0,4)}}-{{ cut(node_id, 0, -7) }}", 'hostname sec--web'],
  ['curl http://{{ getip(variables.master) }}:8500/v1/kv', 'curl http://10.0.0.5:8500/v1/kv'],
  ['docker={{variables.versions.docker}} consul={{ variables.versions.consul }}', 'docker=24.0 consul=1.9.0'],
  ["{% raw %}{{range service \"hadoop\"}}{{.Node}} {{.Address}}{{end}}{% endraw %}", '{{range service "hadoop"}}{{.Node}} {{.Address}}{{end}}'],
  ["echo '{{'{{'}}.Address{{'}}'}}'", "echo '{{.Address}}'"],
  [
    '{% for item in variables.app.in %}- name: {{item.name}}\n{% if item.targetnode is defined %}  ips: {{getipall(item.targetnode)}}\n  port: {{item.targetport}}\n{% else %}  format: {{item.format}}\n{% endif %}{% if item.collector is defined %}  collector: {{item.collector}}\n{% endif %}{% endfor %}',
    "- name: input.txt\n  ips: ['10.0.0.5', '10.0.0.6']\n  port: 5000\n- name: extra\n  format: csv\n  collector: c1\n",
  ],
  ['{% for item in variables.app.out %}{{item.name}}{% endfor %}', 'out.txt'],
  ['health: http://{{ip}}:80/', 'health: http://172.17.0.2:80/'],
  ['{{ infra_name }}/{{ name }}', 'sec/web'],
  ["{{ 'secret' | b64encode }}", 'c2VjcmV0'],
  ['{% for a in getipall("db") %}server {{ a }}\n{% endfor %}', 'server 10.0.0.5\nserver 10.0.0.6\n'],
  ['a {%- if true %} b {% endif -%} c', 'a b c'],
];

describe('Occopus tutorial template constructs render as before', () => {
  it.each(CASES)('%j', (template, expected) => {
    expect(renderTemplate(template, scope)).toBe(expected);
  });
});
