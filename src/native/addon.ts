// The only module that loads the compiled addon. Everything else imports the
// typed wrappers next to this file (keys.ts, rate-limiter.ts).
//
// PORTCULLIS_ADDON may name another build of the same addon (the sanitizer
// build used by scripts/test-sanitizers.sh); by default the release build
// under build/Release is loaded.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  addEd25519Key(publicKey: Uint8Array): number;
  addHmacSha256Key(secret: Uint8Array, tagBytes: number): number;
  removeKey(id: number): boolean;
  keyCount(): number;
  verifyEd25519(id: number, msg: Uint8Array, sig: Uint8Array): boolean;
  verifyEd25519WithKey(publicKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  ed25519PublicKeyIsValid(publicKey: Uint8Array): boolean;
  verifyHmacSha256(id: number, msg: Uint8Array, mac: Uint8Array | string): boolean;
  verifyHmacSha256Parts(
    id: number,
    head: Uint8Array,
    headLength: number,
    body: Uint8Array,
    mac: Uint8Array | string,
  ): boolean;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;

  gcraBytesFor(capacity: number, maxPolicies: number): number;
  gcraFormat(
    view: Uint8Array,
    capacity: number,
    maxPolicies: number,
    probeWindow: number,
    epochNs: number,
  ): boolean;
  gcraAttach(view: Uint8Array, checkList: Uint8Array): number;
  gcraDetach(handle: number): boolean;
  gcraReservePolicy(handle: number): number;
  gcraSetPolicy(handle: number, policyId: number, ratePerSec: number, burst: number): boolean;
  gcraCheck(handle: number, key: bigint | number, policyId: number, cost: number, nowNs?: number): number;
  /** Checks the first `count` pairs of the handle's check list (see RateLimiter.checkEach). */
  gcraCheckEach(handle: number, cost: number, count: number): number;
  gcraDebtNs(handle: number, key: bigint | number, policyId: number, nowNs?: number): number;
  gcraKeyOf(handle: number, text: string): bigint;
  gcraStats(handle: number): [usedCells: number, fullRejects: number, reclaims: number];
  monotonicNowNs(): number;
}

const defaultPath = fileURLToPath(new URL('../../build/Release/portcullis.node', import.meta.url));
const addonPath = process.env.PORTCULLIS_ADDON || defaultPath;

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `portcullis: cannot load the native addon at ${addonPath} (run \`npm run build\`): ${reason}`,
    );
  }
}

export const addon: NativeAddon = load();
