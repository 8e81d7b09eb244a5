// The peer's address as text, for both doors' per-address limits and logs.
// uWS.js gives it as ASCII bytes: a latin1 slice costs a third of a
// TextDecoder's decode.
import type { HttpResponse } from 'uWebSockets.js';
import { latin1Text } from '../state/latin1-text.ts';

export function peerAddress(res: HttpResponse): string {
  const bytes = new Uint8Array(res.getRemoteAddressAsText());
  return latin1Text(bytes, 0, bytes.length);
}
