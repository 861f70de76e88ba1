#!/usr/bin/env python3
"""The three roles of the autodock-vina infrastructure, one per node (python3 standard library only).

  generator  splits the ligand library into work units and hands them out over HTTP (port 8000): a unit claimed
             but not reported done within LEASE_S seconds is handed out again, so a worker that dies loses nothing.
  worker     claims units from the generator, docks each ligand against the receptor with AutoDock Vina, sends
             every result to the collector, and reports the unit done; it answers its own status on port 8001.
  collector  gathers the results and serves the ligands ranked by binding affinity (port 8080): an HTML page at /
             and JSON at /results.json.

Each role reads its settings from the environment (the node definitions set them, with the peers' addresses from
getip). Every request to a peer has a timeout; a worker retries a peer that does not answer yet.
"""
import glob
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DATA = os.environ.get('VINA_DATA', '/opt/reef-vina/data')
RESULT_LINE = re.compile(r'^REMARK VINA RESULT:\s+(-?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)', re.M)


def log(*parts):
    print(time.strftime('%H:%M:%S'), *parts, flush=True)


def env_int(name, default):
    value = os.environ.get(name, '')
    return int(value) if value.strip() else default


class Handler(BaseHTTPRequestHandler):
    routes = {}

    def log_message(self, fmt, *args):  # one line per request is noise in `docker logs`
        pass

    def reply(self, code, body=b'', ctype='application/json'):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header('content-type', ctype)
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get('content-length') or 0)
        return json.loads(self.rfile.read(length) or b'{}') if length else {}

    def dispatch(self, method):
        path = self.path.split('?')[0]
        for (m, pattern), fn in self.routes.items():
            match = re.fullmatch(pattern, path)
            if m == method and match:
                try:
                    return fn(self, *match.groups())
                except Exception as e:  # a bad request must not end the service
                    return self.reply(400, {'error': str(e)})
        self.reply(404, {'error': 'no such path'})

    def do_GET(self):
        self.dispatch('GET')

    def do_POST(self):
        self.dispatch('POST')


def serve(port, routes):
    handler = type('RoleHandler', (Handler,), {'routes': routes})
    ThreadingHTTPServer(('0.0.0.0', port), handler).serve_forever()


def http(method, url, payload=None, timeout=10):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={'content-type': 'application/json'})
    with urllib.request.urlopen(req, timeout=timeout) as res:
        raw = res.read()
        return res.status, (json.loads(raw) if raw and res.headers.get('content-type', '').startswith('application/json') else raw)


# ---------------------------------------------------------------- generator
def generator():
    lease_s = env_int('LEASE_S', 600)
    unit_size = max(1, env_int('UNIT_SIZE', 2))
    files = sorted(glob.glob(os.path.join(DATA, 'ligands', '*.pdbqt')))
    limit = env_int('LIGANDS', 0)
    if limit > 0:
        files = files[:limit]
    if not files:
        sys.exit(f'generator: no ligands in {DATA}/ligands')
    ligands = [{'name': os.path.basename(f)[:-len('.pdbqt')], 'pdbqt': open(f).read()} for f in files]
    units = [{'id': k, 'ligands': ligands[i:i + unit_size]} for k, i in enumerate(range(0, len(ligands), unit_size))]
    claimed, done = {}, set()
    lock = threading.Lock()
    receptor = open(os.path.join(DATA, 'receptor.pdbqt')).read()
    config = open(os.path.join(DATA, 'vina-config.txt')).read()
    log(f'generator: {len(ligands)} ligands in {len(units)} units of up to {unit_size}')

    def manifest(h):
        with lock:
            h.reply(200, {'ligands': [l['name'] for l in ligands], 'units': len(units), 'done': len(done),
                          'receptor': 'receptor.pdbqt'})

    def claim(h):
        worker = h.body().get('worker', '?')
        now = time.time()
        with lock:
            for u in units:
                if u['id'] in done:
                    continue
                holder = claimed.get(u['id'])
                if holder is None or now - holder[1] > lease_s:
                    claimed[u['id']] = (worker, now)
                    log(f'generator: unit {u["id"]} to {worker}' + (f' (lease of {holder[0]} expired)' if holder else ''))
                    return h.reply(200, u)
        h.reply(204)

    def finish(h, unit):
        with lock:
            done.add(int(unit))
        h.reply(200, {'done': len(done)})

    serve(8000, {
        ('GET', r'/manifest'): manifest,
        ('GET', r'/receptor'): lambda h: h.reply(200, receptor, 'text/plain'),
        ('GET', r'/config'): lambda h: h.reply(200, config, 'text/plain'),
        ('POST', r'/claim'): claim,
        ('POST', r'/done/(\d+)'): finish,
    })


# ---------------------------------------------------------------- worker
def worker():
    generator_url = f'http://{os.environ["GENERATOR_IP"]}:8000'
    collector_url = f'http://{os.environ["COLLECTOR_IP"]}:8080'
    me = os.environ.get('WORKER_ID') or socket.gethostname()
    exhaustiveness = str(max(1, env_int('EXHAUSTIVENESS', 1)))
    seed = str(env_int('SEED', 42))
    status = {'worker': me, 'docked': 0, 'current': None, 'last_error': None}
    threading.Thread(target=serve, args=(8001, {('GET', r'/'): lambda h: h.reply(200, status)}), daemon=True).start()

    work = tempfile.mkdtemp(prefix='vina-')
    receptor = os.path.join(work, 'receptor.pdbqt')
    config = os.path.join(work, 'vina-config.txt')
    while not os.path.exists(config):
        try:
            open(receptor, 'wb').write(http('GET', f'{generator_url}/receptor')[1])
            open(config + '.part', 'wb').write(http('GET', f'{generator_url}/config')[1])
            os.rename(config + '.part', config)
        except (OSError, urllib.error.URLError) as e:
            status['last_error'] = f'generator: {e}'
            time.sleep(2)
    version = subprocess.run(['vina', '--version'], capture_output=True, text=True).stdout.strip()
    log(f'worker {me}: {version}; receptor from {generator_url}')

    while True:
        try:
            code, unit = http('POST', f'{generator_url}/claim', {'worker': me})
        except (OSError, urllib.error.URLError) as e:
            status['last_error'] = f'generator: {e}'
            time.sleep(2)
            continue
        if code == 204:  # nothing left now; a unit whose lease expires comes back
            status['current'] = None
            time.sleep(3)
            continue
        for ligand in unit['ligands']:
            status['current'] = ligand['name']
            result = dock(work, receptor, config, ligand, exhaustiveness, seed)
            result.update(worker=me, unit=unit['id'], vina=version)
            post_until_accepted(f'{collector_url}/results', result, status)
            status['docked'] += 1
        post_until_accepted(f'{generator_url}/done/{unit["id"]}', {'worker': me}, status)


def dock(work, receptor, config, ligand, exhaustiveness, seed):
    lig = os.path.join(work, ligand['name'] + '.pdbqt')
    out = os.path.join(work, ligand['name'] + '.out.pdbqt')
    open(lig, 'w').write(ligand['pdbqt'])
    started = time.time()
    run = subprocess.run(['vina', '--receptor', receptor, '--ligand', lig, '--config', config, '--out', out,
                          '--cpu', '1', '--exhaustiveness', exhaustiveness, '--seed', seed],
                         capture_output=True, text=True)
    seconds = round(time.time() - started, 2)
    if run.returncode != 0 or not os.path.exists(out):
        log(f'worker: vina failed on {ligand["name"]}: {run.stderr.strip()[-300:]}')
        return {'ligand': ligand['name'], 'error': (run.stderr or run.stdout).strip()[-500:], 'seconds': seconds}
    pose = open(out).read()
    modes = [{'affinity': float(a), 'rmsd_lb': float(lb), 'rmsd_ub': float(ub)} for a, lb, ub in RESULT_LINE.findall(pose)]
    log(f'worker: {ligand["name"]} {modes[0]["affinity"] if modes else "?"} kcal/mol in {seconds} s')
    return {'ligand': ligand['name'], 'affinity': modes[0]['affinity'] if modes else None, 'modes': modes,
            'remark': RESULT_LINE.search(pose).group(0) if modes else None, 'seconds': seconds,
            'args': {'exhaustiveness': int(exhaustiveness), 'seed': int(seed), 'cpu': 1}}


def post_until_accepted(url, payload, status):
    while True:
        try:
            http('POST', url, payload)
            return
        except (OSError, urllib.error.URLError) as e:
            status['last_error'] = f'{url}: {e}'
            time.sleep(2)


# ---------------------------------------------------------------- collector
def collector():
    generator_url = f'http://{os.environ["GENERATOR_IP"]}:8000'
    results = {}
    lock = threading.Lock()
    expected = []
    while not expected:
        try:
            expected = http('GET', f'{generator_url}/manifest')[1]['ligands']
        except (OSError, urllib.error.URLError, KeyError, TypeError):
            time.sleep(2)
    log(f'collector: expecting {len(expected)} ligands from {generator_url}')

    def ranking():
        with lock:
            scored = [r for r in results.values() if r.get('affinity') is not None]
            failed = [r for r in results.values() if r.get('affinity') is None]
        scored.sort(key=lambda r: (r['affinity'], r['ligand']))
        rows = [{'rank': k + 1, 'ligand': r['ligand'], 'affinity_kcal_mol': r['affinity'], 'worker': r['worker'],
                 'seconds': r['seconds'], 'remark': r['remark']} for k, r in enumerate(scored)]
        return {'expected': len(expected), 'received': len(results), 'complete': len(results) >= len(expected),
                'workers': sorted({r['worker'] for r in results.values()}), 'ranking': rows,
                'failed': [{'ligand': r['ligand'], 'error': r.get('error')} for r in failed]}

    def receive(h):
        r = h.body()
        if r.get('ligand') not in expected:
            return h.reply(400, {'error': f'unknown ligand {r.get("ligand")!r}'})
        with lock:
            results[r['ligand']] = r  # a unit handed out twice sends the same ligand twice: keep one
        h.reply(200, {'received': len(results)})

    def page(h):
        r = ranking()
        rows = ''.join(f'<tr><td>{x["rank"]}</td><td>{html.escape(x["ligand"])}</td><td>{x["affinity_kcal_mol"]:.3f}</td>'
                       f'<td>{html.escape(x["worker"])}</td><td>{x["seconds"]}</td></tr>' for x in r['ranking'])
        state = 'complete' if r['complete'] else 'in progress'
        h.reply(200, f'''<!doctype html><html><head><meta charset="utf-8"><title>AutoDock Vina results</title>
<meta http-equiv="refresh" content="5"></head><body style="font-family:sans-serif">
<h1>AutoDock Vina: ligands ranked by binding affinity</h1>
<p id="progress" data-complete="{str(r["complete"]).lower()}">{r["received"]} of {r["expected"]} ligands docked ({state}) by {len(r["workers"])} workers</p>
<table border="1" cellpadding="4"><tr><th>rank</th><th>ligand</th><th>affinity (kcal/mol)</th><th>worker</th><th>seconds</th></tr>
{rows}</table></body></html>''', 'text/html; charset=utf-8')

    serve(8080, {
        ('GET', r'/'): page,
        ('GET', r'/results\.json'): lambda h: h.reply(200, ranking()),
        ('POST', r'/results'): receive,
    })


if __name__ == '__main__':
    roles = {'generator': generator, 'worker': worker, 'collector': collector}
    if len(sys.argv) != 2 or sys.argv[1] not in roles:
        sys.exit(f'usage: reef_vina.py {"|".join(roles)}')
    roles[sys.argv[1]]()
