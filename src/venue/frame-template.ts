// Hot-path encoding by patching a template frame.
//
// Building a FlatBuffer through the Builder costs about 2 µs per NewOrder on
// this runtime (BigInt conversions for every 64-bit field, vtable search).
// But for a given account and symbol every NewOrder frame has the same shape:
// only the scalars differ. So the Builder encodes a template once, with every
// field present (forceDefaults), the generated reader tells where each scalar
// lives, and each order is a handful of integer stores into that template.
// The result is byte-for-byte a valid frame of the same schema.
import { Builder, ByteBuffer } from 'flatbuffers';

/** Absolute byte positions (in the frame, after the u32 length) of a table's scalar fields, by vtable slot. */
export class FrameTemplate {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(frame: Uint8Array) {
    this.bytes = frame.slice();
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Writes a safe integer as a little-endian 64-bit value (signed or unsigned alike for values < 2^53). */
  set64(position: number, value: number): void {
    this.view.setUint32(position, value >>> 0, true);
    this.view.setInt32(position + 4, Math.floor(value / 4294967296), true);
  }

  set8(position: number, value: number): void {
    this.bytes[position] = value;
  }
}

/**
 * The absolute position of each field of the table that `tablePosition(bb)`
 * returns, for the given vtable offsets (4, 6, 8, ...). Throws when a field is
 * absent (the template must be built with forceDefaults).
 */
export function fieldPositions(
  frame: Uint8Array,
  tablePosition: (bb: ByteBuffer) => number,
  vtableOffsets: readonly number[],
): number[] {
  // The frame starts with the u32 length prefix; the FlatBuffer follows.
  const bb = new ByteBuffer(frame.subarray(4));
  const table = tablePosition(bb);
  return vtableOffsets.map((vtableOffset) => {
    const field = bb.__offset(table, vtableOffset);
    if (field === 0) throw new Error(`template field at vtable offset ${vtableOffset} is absent`);
    return 4 + table + field;
  });
}

/** A Builder that writes every field, also those equal to their defaults, so templates have a slot for each. */
export function templateBuilder(): Builder {
  const builder = new Builder(256);
  builder.forceDefaults(true);
  return builder;
}
