// Builds FIX test messages from readable text: '|' stands for SOH, and the
// header and trailer are computed unless a test overrides them to garble them.

export function soh(text: string): Buffer {
  return Buffer.from(text.replaceAll('|', '\x01'), 'latin1');
}

export function checksumOf(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return sum & 0xff;
}

export interface FrameOverrides {
  beginString?: string;
  /** Replaces the computed BodyLength value. */
  bodyLength?: string;
  /** Replaces the computed CheckSum value; null leaves out the 10 field. */
  checksum?: string | null;
}

/** "8=FIX.4.4|9=<len>|" + body + "10=<sum>|", body given with '|' for SOH and ending in '|'. */
export function frame(body: string, overrides: FrameOverrides = {}): Buffer {
  const bodyBytes = soh(body);
  const length = overrides.bodyLength ?? String(bodyBytes.length);
  const head = soh(`8=${overrides.beginString ?? 'FIX.4.4'}|9=${length}|`);
  const message = Buffer.concat([head, bodyBytes]);
  if (overrides.checksum === null) return message;
  const sum = overrides.checksum ?? String(checksumOf(message)).padStart(3, '0');
  return Buffer.concat([message, soh(`10=${sum}|`)]);
}

export const NEW_ORDER_BODY =
  '35=D|49=MM1-A|56=PORTCULLIS|34=2|52=20261122-14:00:00.123|11=ord-0001|55=BTC-PERP|54=1|' +
  '38=1.5|40=2|44=65000.5|59=1|60=20261122-14:00:00.120|';

export const LOGON_BODY =
  '35=A|49=MM1-A|56=PORTCULLIS|34=1|52=20261122-14:00:00.000|98=0|108=30|141=Y|553=mm1-fix|' +
  '95=88|96=c2lnbmF0dXJlLWJ5dGVzLWluLWJhc2U2NC1nby1oZXJlLXRoYXQtaXMtc2l4dHktZm91ci1ieXRlcw==|8013=Y|';
