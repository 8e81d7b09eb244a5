// Bench process: the reference venue simulator in 'ack' mode (SPEC section 6):
// every NewOrder is acknowledged at once, with no book.
import { startVenueSimulator, type VenueSimulator } from '../../src/venue/simulator/server.ts';
import { runChild } from './child.ts';
import type { ListeningInfo } from './protocol.ts';

let venue: VenueSimulator | null = null;

runChild('venue', {
  start: async (): Promise<ListeningInfo> => {
    venue = await startVenueSimulator({ port: 0, mode: 'ack', venueId: 'bench-venue' });
    return { port: venue.port };
  },
  stop: async () => {
    await venue?.close();
  },
});
