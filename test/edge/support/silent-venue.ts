// A venue that completes the handshake (Hello), answers heartbeats (so the
// link stays up), and never answers an order request: every order sent to it
// runs into venue.timeoutMs.
import net from 'node:net';
import { decodeVenueMessage, VENUE_PROTOCOL_VERSION, VenueEncoder } from '../../../src/venue/codec.ts';
import { FrameDecoder } from '../../../src/venue/framing.ts';

export interface SilentVenue {
  readonly port: number;
  /** Kinds of the requests received and ignored, in order. */
  readonly ignored: string[];
  close(): Promise<void>;
}

export function startSilentVenue(): Promise<SilentVenue> {
  const encoder = new VenueEncoder();
  const ignored: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const decoder = new FrameDecoder({
      onFrame: (payload) => {
        const message = decodeVenueMessage(payload);
        // The encoder's bytes are a view into its builder: copy before the next encode.
        if (message.kind === 'hello')
          socket.write(Buffer.from(encoder.hello('silent', VENUE_PROTOCOL_VERSION)));
        else if (message.kind === 'heartbeat') {
          socket.write(Buffer.from(encoder.heartbeat(message.requestId, message.timestampNs)));
        } else ignored.push(message.kind);
      },
      onError: () => socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        ignored,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
