// The catalog: a card per entry, and the Deploy form for its variables and the target (a name the operator
// configured; never a path or a credential). The server checks the values as `reef deploy --set` does and
// its one-line answer is shown as it comes.
import { h } from './dom.js';

export function renderCatalog({ entries, targets }, onDeploy) {
  if (!entries.length) return h('p', { class: 'muted' }, 'the catalog is empty');
  return h('div', { class: 'cards' }, entries.map((e) => {
    const usable = targets.filter((t) => e.clouds.includes(t.cloud));
    return h('div', { class: 'card', dataset: { entry: e.name } },
      h('h3', {}, e.title), h('p', { class: 'mono muted' }, e.name),
      h('p', {}, e.description),
      h('p', { class: 'muted' }, `clouds: ${e.clouds.join(', ')} · ${sizeText(e.size)}`),
      h('p', { class: 'muted' }, `nodes: ${e.nodes.map((n) => n.name).join(' → ')}`),
      h('button', { type: 'button', class: 'primary', 'data-deploy': e.name, disabled: !usable.length, title: usable.length ? '' : 'no target configured for its clouds', onclick: () => onDeploy(e) }, 'Deploy'));
  }));
}

function sizeText(size) {
  const parts = [`${size.instances} instances`];
  if (size.cpus) parts.push(`${size.cpus} CPUs`);
  if (size.memory_mb) parts.push(`${size.memory_mb} MB memory`);
  if (size.disk_mb) parts.push(`${size.disk_mb} MB disk`);
  return parts.join(', ') + (size.note ? ` (${size.note})` : '');
}

/** fills the deploy dialog's form for an entry; returns a function reading the form into a request body */
export function fillDeployForm(form, entry, targets) {
  const usable = targets.filter((t) => entry.clouds.includes(t.cloud));
  const fields = Object.entries(entry.variables).map(([name, v]) => field(name, v));
  form.replaceChildren(
    h('h2', {}, `Deploy ${entry.title}`),
    h('p', { class: 'muted' }, entry.description),
    h('label', {}, 'target', h('select', { id: 'deploy-target', name: 'target' }, usable.map((t) => h('option', { value: t.name }, `${t.name} (${t.cloud})`)))),
    ...fields,
    h('label', {}, 'infra id (optional)', h('input', { id: 'deploy-id', name: 'id', placeholder: entry.name, pattern: '[A-Za-z0-9-]{1,63}', autocomplete: 'off' })),
    h('p', { id: 'deploy-error', class: 'error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', value: 'cancel', id: 'deploy-cancel' }, 'Cancel'),
      h('button', { type: 'submit', class: 'primary', id: 'deploy-submit' }, 'Deploy')));
  return () => {
    const variables = {};
    for (const [name, v] of Object.entries(entry.variables)) {
      const input = form.querySelector(`[name="var-${CSS.escape(name)}"]`);
      variables[name] = v.type === 'boolean' ? input.checked : input.value;
    }
    const id = form.querySelector('#deploy-id').value.trim();
    return { target: form.querySelector('#deploy-target').value, variables, ...(id ? { id } : {}) };
  };
}

function field(name, v) {
  const common = { name: `var-${name}`, id: `var-${name}` };
  let input;
  if (v.enum) input = h('select', common, v.enum.map((o) => h('option', { value: o, selected: String(o) === String(v.default) }, String(o))));
  else if (v.type === 'boolean') input = h('input', { ...common, type: 'checkbox', checked: v.default === true });
  else if (v.type === 'integer' || v.type === 'number') input = h('input', { ...common, type: 'number', value: v.default, min: v.min, max: v.max, step: v.type === 'integer' ? 1 : 'any', required: true });
  else input = h('input', { ...common, type: 'text', value: v.default, pattern: v.pattern, autocomplete: 'off' });
  return h('label', { for: common.id }, v.label || name, v.scales ? h('span', { class: 'muted' }, ` (instances of ${v.scales})`) : null, input,
    v.description ? h('small', { class: 'muted' }, v.description) : null);
}
