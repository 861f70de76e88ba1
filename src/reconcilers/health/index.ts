export type { HealthCheck, HealthCheckRequest } from './types.js';
export { targetAddress } from './types.js';
export { pingCheck, createPingCheck, type PingCheckOptions } from './ping.js';
export { portsCheck, type PortsCheckConfig } from './ports.js';
export { urlsCheck, type UrlsCheckConfig } from './urls.js';
export { sshCheck, type SshCheckConfig } from './ssh.js';
export { mysqldbsCheck, type MysqlDbCheck, type MysqlDbsCheckConfig } from './mysqldbs.js';
export { runHealthChecks, isHealthy, type HealthCheckDeps } from './run.js';
