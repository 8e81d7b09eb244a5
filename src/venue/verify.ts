// Bounds checks of an Envelope before it is read. The flatbuffers JS runtime
// has no verifier and reads past the end of a buffer silently (as zeros), so
// a peer's garbage would decode into plausible orders; this check makes a
// malformed buffer an error instead. It checks only what decoding reads:
// the root and union tables, their vtables, the fields the current schema
// knows and their strings. Fields a newer schema appended are skipped, which
// keeps newer peers readable.
import type { ByteBuffer } from 'flatbuffers';

const STRING = -1;
const UNION = -2;

/** Field sizes of the Envelope table, in slot order. */
const ENVELOPE_LAYOUT: readonly number[] = [1, UNION];

/**
 * Field sizes (bytes, or STRING) of each union member's table, indexed by
 * the union type, in the slot order of schema/venue.fbs.
 */
const MESSAGE_LAYOUTS: readonly (readonly number[])[] = [
  [], // NONE
  [STRING, 2], // Hello
  [8, 8, STRING, STRING, 1, 1, 1, 1, 8, 8], // NewOrder
  [8, 8], // Cancel
  [8, 8, 8, 8], // Replace
  [8, STRING, STRING], // MassCancel
  [8, 8], // Heartbeat
  [8, 8], // Ack
  [8, 8, STRING], // Reject
  [8, 8, 8, 8, 8], // Fill
  [8, 8], // Canceled
  [8, 8, 8, 8, 8], // Replaced
  [8, 4], // MassCancelDone
  [STRING, 8], // RefPrice
];

/** Highest union type this build knows. */
export const MAX_MESSAGE_TYPE = MESSAGE_LAYOUTS.length - 1;

export class MalformedEnvelopeError extends Error {
  constructor(detail: string) {
    super(`malformed venue envelope: ${detail}`);
    this.name = 'MalformedEnvelopeError';
  }
}

/**
 * A well-formed Envelope whose message is of a union type past the ones this build knows:
 * a newer peer's (the schema grows the union only at its end). The reader may skip it.
 */
export class UnknownMessageTypeError extends MalformedEnvelopeError {
  constructor(readonly messageType: number) {
    super(`unknown message type ${messageType}`);
    this.name = 'UnknownMessageTypeError';
  }
}

/**
 * Throws MalformedEnvelopeError unless `bb` holds a readable Envelope with a
 * message of a known union type; returns that type. On success the generated
 * accessors are safe to use. A type past the known ones throws UnknownMessageTypeError.
 */
export function verifyEnvelope(bb: ByteBuffer): number {
  const size = bb.capacity();
  if (size < 8) throw new MalformedEnvelopeError(`${size} bytes is too short`);
  const root = bb.readUint32(0);
  const unionPos = verifyTable(bb, size, root, ENVELOPE_LAYOUT);
  const typeOffset = bb.__offset(root, 4);
  const messageType = typeOffset === 0 ? 0 : bb.readUint8(root + typeOffset);
  if (messageType < 1) throw new MalformedEnvelopeError(`no message type (${messageType})`);
  if (unionPos < 0) throw new MalformedEnvelopeError('message type without a message');
  if (messageType > MAX_MESSAGE_TYPE) throw new UnknownMessageTypeError(messageType);
  verifyTable(bb, size, unionPos, MESSAGE_LAYOUTS[messageType]!);
  return messageType;
}

/** Checks one table; returns the position of its UNION field's table, or -1. */
function verifyTable(bb: ByteBuffer, size: number, table: number, layout: readonly number[]): number {
  if (table + 4 > size) throw new MalformedEnvelopeError(`table at ${table} is out of bounds`);
  const vtable = table - bb.readInt32(table);
  if (vtable < 0 || vtable + 4 > size)
    throw new MalformedEnvelopeError(`vtable at ${vtable} is out of bounds`);
  const vtableSize = bb.readUint16(vtable);
  const tableSize = bb.readUint16(vtable + 2);
  // The runtime reads vtable entries as signed 16-bit: larger values would point backwards.
  if (vtableSize < 4 || vtableSize > 0x7fff || (vtableSize & 1) !== 0 || vtable + vtableSize > size) {
    throw new MalformedEnvelopeError(`vtable at ${vtable} has a bad size ${vtableSize}`);
  }
  if (tableSize < 4 || table + tableSize > size) {
    throw new MalformedEnvelopeError(`table at ${table} has a bad size ${tableSize}`);
  }
  let unionPos = -1;
  const fields = Math.min(layout.length, (vtableSize - 4) >> 1);
  for (let slot = 0; slot < fields; slot++) {
    const fieldOffset = bb.readUint16(vtable + 4 + 2 * slot);
    if (fieldOffset === 0) continue;
    const kind = layout[slot]!;
    const fieldSize = kind < 0 ? 4 : kind;
    if (fieldOffset < 4 || fieldOffset > 0x7fff || fieldOffset + fieldSize > tableSize) {
      throw new MalformedEnvelopeError(`field ${slot} of table at ${table} is out of bounds`);
    }
    if (kind >= 0) continue;
    const field = table + fieldOffset;
    const target = field + bb.readUint32(field);
    if (kind === UNION) {
      unionPos = target;
    } else if (target + 4 > size || target + 4 + bb.readUint32(target) + 1 > size) {
      // + 1: flatbuffers strings end with a zero byte.
      throw new MalformedEnvelopeError(`string field ${slot} of table at ${table} is out of bounds`);
    }
  }
  return unionPos;
}
