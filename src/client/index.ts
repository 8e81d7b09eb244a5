// The client SDK (package export "portcullis/client"): what a market maker's
// code needs to talk to portcullis over REST and FIX/WebSocket.
export * from './credentials.ts';
export * from './fix-client.ts';
export * from './rest-client.ts';
