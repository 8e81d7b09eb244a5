// Content negotiation of a response (SPEC section 4: JSON, or msgpack when asked for).
// The Accept header's media ranges are weighed by their q values, so that
// "application/msgpack;q=0" refuses msgpack rather than asking for it.

/** Whether the response should be msgpack: asked for with a weight above zero and no lower than JSON's. */
export function prefersMsgpack(accept: string): boolean {
  // The usual headers, without parsing.
  if (accept === '' || accept === 'application/json' || accept === '*/*') return false;
  if (accept === 'application/msgpack') return true;
  let msgpack = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() === 'q') q = Number(value);
    }
    if (!(q >= 0 && q <= 1)) continue; // a malformed weight: ignore the range
    const media = type.trim().toLowerCase();
    if (media === 'application/msgpack') msgpack = Math.max(msgpack, q);
    else if (media === 'application/json') json = Math.max(json, q);
  }
  return msgpack > 0 && msgpack >= json;
}
