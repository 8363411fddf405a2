export * from './agent-messages';
export * from './checkin-control';
export * from './close-codes';
export * from './codec';
export * from './command-messages';
export * from './command-params';
export * from './device-api';
export * from './handshake-proof';
