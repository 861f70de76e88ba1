/** EC2 Query API XML answers, in the shapes AWS SDK v3's ec2Query deserializer reads. Test-only. */

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export interface XmlInstance {
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  state: string;
  clientToken?: string;
  keyName?: string;
  subnetId?: string;
  launchTime: string;
  privateIp?: string;
  publicIp?: string;
  tags: Record<string, string>;
}

export const STATE_CODES: Record<string, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function el(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `<${name}>${esc(String(value))}</${name}>`;
}

function stateXml(name: string, state: string): string {
  return `<${name}>${el('code', STATE_CODES[state] ?? 0)}${el('name', state)}</${name}>`;
}

export function instanceXml(i: XmlInstance): string {
  const tags = Object.entries(i.tags).map(([k, v]) => `<item>${el('key', k)}${el('value', v)}</item>`).join('');
  return (
    `<item>${el('instanceId', i.id)}${el('imageId', i.imageId)}${stateXml('instanceState', i.state)}` +
    `${el('privateIpAddress', i.privateIp)}${el('ipAddress', i.publicIp)}${el('keyName', i.keyName)}` +
    `${el('instanceType', i.instanceType)}${el('launchTime', i.launchTime)}${el('subnetId', i.subnetId)}` +
    `${el('clientToken', i.clientToken)}<tagSet>${tags}</tagSet></item>`
  );
}

function reservationBody(reservationId: string, instances: XmlInstance[]): string {
  return `${el('reservationId', reservationId)}${el('ownerId', '123456789012')}<groupSet/>` +
    `<instancesSet>${instances.map(instanceXml).join('')}</instancesSet>`;
}

function envelope(root: string, requestId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${EC2_XMLNS}">${el('requestId', requestId)}${body}</${root}>`;
}

export function runInstancesXml(requestId: string, instance: XmlInstance): string {
  return envelope('RunInstancesResponse', requestId, reservationBody(instance.reservationId, [instance]));
}

export function describeInstancesXml(requestId: string, instances: XmlInstance[], nextToken?: string): string {
  const reservations = instances.map((i) => `<item>${reservationBody(i.reservationId, [i])}</item>`).join('');
  return envelope('DescribeInstancesResponse', requestId, `<reservationSet>${reservations}</reservationSet>${el('nextToken', nextToken)}`);
}

export function terminateInstancesXml(requestId: string, changes: Array<{ id: string; previous: string; current: string }>): string {
  const items = changes
    .map((c) => `<item>${el('instanceId', c.id)}${stateXml('currentState', c.current)}${stateXml('previousState', c.previous)}</item>`)
    .join('');
  return envelope('TerminateInstancesResponse', requestId, `<instancesSet>${items}</instancesSet>`);
}

export function errorXml(requestId: string, code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors>` +
    `${el('RequestID', requestId)}</Response>`;
}
