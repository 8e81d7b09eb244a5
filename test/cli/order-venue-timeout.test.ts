// `portcullis order` when the venue does not answer in time: the firewall says
// 504 VENUE_TIMEOUT (status unknown), and the command names the order, reads it
// back after --wait-ms and shows where it stands at the firewall, then exits 1.
// Against a real firewall whose venue holds the order without answering.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { FakeVenue } from '../venue/support/fake-venue.ts';

describe('portcullis order: the venue does not answer in time', () => {
  let venue: FakeVenue;
  let fx: Awaited<ReturnType<typeof startFirewallFixture>>;
  const SECRET_ENV = 'PORTCULLIS_TEST_ORDER_SECRET';

  before(async () => {
    venue = await FakeVenue.start();
    venue.decide = () => 'hold';
    fx = await startFirewallFixture({
      configure: (config) => {
        config.venue.timeoutMs = 100;
      },
      firewall: { venuePort: venue.port },
    });
    const credentials = fx.credentials['MM1-rest']!;
    process.env[SECRET_ENV] = (credentials as { secret: string }).secret;
  });
  after(async () => {
    delete process.env[SECRET_ENV];
    await fx.stop();
    await venue.close();
  });

  it('prints the 504, names the order, shows its state at the firewall after --wait-ms, and exits 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const code = await main(
      [
        'order',
        '--url',
        fx.baseUrl,
        '--key',
        fx.credentials['MM1-rest']!.keyId,
        '--secret-env',
        SECRET_ENV,
        '--symbol',
        'BTC-PERP',
        '--side',
        'buy',
        '--qty',
        '0.01',
        '--price',
        '64000',
        '--clordid',
        'cli-timeout-1',
        '--wait-ms',
        '50',
      ],
      io,
    );
    assert.equal(code, 1);
    assert.equal(out.length, 2, out.join('\n'));
    const placed = JSON.parse(out[0]!) as { status: number; body: { error: { code: string } } };
    assert.equal(placed.status, 504);
    assert.equal(placed.body.error.code, 'VENUE_TIMEOUT');
    assert.match(err.join('\n'), /the venue did not answer in time; order cli-timeout-1 may be live/);
    // The firewall still counts it: forwarded, not answered.
    const state = JSON.parse(out[1]!) as { status: number; body: Record<string, unknown> };
    assert.equal(state.status, 200);
    assert.equal(state.body.clOrdId, 'cli-timeout-1');
    assert.equal(state.body.status, 'new');
    assert.equal(state.body.leavesQty, '0.01');
    assert.equal(venue.received('newOrder').length, 1, 'the order went to the venue once');
  });
});
