export * from './agent-messages';
export * from './checkin-control';
export * from './close-codes';
export * from './codec';
export * from './handshake-proof';
