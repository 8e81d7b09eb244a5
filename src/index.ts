// Public entry point of the package: run a firewall or a venue simulator from
// code, load configurations, and the native primitives. The client SDK is the
// separate export "portcullis/client".
export { Firewall, type FirewallOptions } from './firewall.ts';
export * from './native/index.ts';
export { REJECT_CODES, RejectCode, type RejectCodeName } from './pipeline/reject-codes.ts';
export { ConfigError, type LoadedConfig, loadConfigFile, loadConfigFromObject } from './state/config/load.ts';
export type { Config, ConfigInput } from './state/config/schema.ts';
export { startVenueSimulator, type VenueSimulator } from './venue/simulator/server.ts';
