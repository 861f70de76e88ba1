/**
 * Baseline of the 10-container case, as its own process (Node start-up included, as reef's CLI has it): plain
 * dockerode creates and starts the same 10 helloworld containers (image, command, env, port, memory) at once,
 * then confirms with one list that all 10 run.   node plain-helloworld.js LABEL
 */
import Docker from 'dockerode';

const label = process.argv[2] ?? 'reef-bench=plain-helloworld';
const [key, value] = label.split('=');
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const N = 10;

await Promise.all(Array.from({ length: N }, async (_, i) => {
  const c = await docker.createContainer({
    name: `reef-bench-plain-hw-${i}`,
    Image: 'reef-test/busybox:latest',
    Env: ["MESSAGE=Hello World! I'm alive.", `NODE_ID=plain-${i}`],
    Cmd: ['sh', '-c', 'mkdir -p /www && echo "$MESSAGE (instance $NODE_ID)" > /www/index.html && echo "serving: $(cat /www/index.html)" && exec httpd -f -v -p 80 -h /www'],
    Labels: { [key]: value },
    ExposedPorts: { '80/tcp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, Memory: 64 * 1024 ** 2 },
  });
  await c.start();
}));
const running = await docker.listContainers({ filters: { label: [label], status: ['running'] } });
if (running.length !== N) {
  process.stderr.write(`plain: ${running.length} containers running, expected ${N}\n`);
  process.exit(1);
}
