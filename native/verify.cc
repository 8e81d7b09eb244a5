// Signature and MAC verification: Ed25519 through libsodium, HMAC-SHA256
// through the SHA-256 of the OpenSSL that Node itself carries (it uses the
// CPU's SHA extensions; libsodium 1.0.18's SHA-256 is portable C and about
// five times slower on a 200-byte message), and constant-time comparison.
//
// Contract: malformed input (wrong lengths, bad hex, unknown key id,
// non-canonical or small-order encodings) makes a verifier return false.
// Only a wrong argument *type* throws (and a head length outside its buffer).
#include <openssl/crypto.h>
#include <sodium.h>

#include <cstring>

#include "addon.h"
#include "args.h"

namespace portcullis {

namespace {

constexpr size_t kMaxTagBytes = 32;

// Lowercase hex only. Branch-free per character, so the time taken does not
// depend on which characters a forged MAC contains.
bool DecodeLowerHex(const char16_t* text, size_t byteCount, uint8_t* out) {
  uint32_t bad = 0;
  for (size_t i = 0; i < byteCount; i++) {
    uint32_t nibbles[2];
    for (int half = 0; half < 2; half++) {
      uint32_t c = text[2 * i + half];
      uint32_t digit = c - '0';
      uint32_t letter = c - 'a';
      uint32_t isDigit = static_cast<uint32_t>(digit <= 9);
      uint32_t isLetter = static_cast<uint32_t>(letter <= 5);
      nibbles[half] = (digit & (0u - isDigit)) | ((letter + 10) & (0u - isLetter));
      bad |= (isDigit | isLetter) ^ 1u;
    }
    out[i] = static_cast<uint8_t>((nibbles[0] << 4) | nibbles[1]);
  }
  return bad == 0;
}

bool DecodeLowerHexBytes(const uint8_t* text, size_t byteCount, uint8_t* out) {
  char16_t wide[2 * kMaxTagBytes];
  for (size_t i = 0; i < 2 * byteCount; i++) wide[i] = text[i];
  return DecodeLowerHex(wide, byteCount, out);
}

// Reads a MAC given as tagBytes raw bytes, or as 2*tagBytes lowercase hex
// characters (a string, or their ASCII bytes). *typeOk is false only when the
// argument is neither a string nor a Uint8Array.
bool ReadMac(napi_env env, napi_value value, size_t tagBytes, uint8_t* mac, bool* typeOk) {
  *typeOk = true;
  napi_valuetype kind;
  napi_typeof(env, value, &kind);
  if (kind == napi_string) {
    char16_t text[2 * kMaxTagBytes + 2];
    size_t copied = 0;
    // One unit more than a valid MAC so that a longer string is noticed.
    napi_get_value_string_utf16(env, value, text, 2 * tagBytes + 2, &copied);
    if (copied != 2 * tagBytes) return false;
    return DecodeLowerHex(text, tagBytes, mac);
  }
  const uint8_t* bytes;
  size_t length;
  if (!ReadBytes(env, value, &bytes, &length)) {
    *typeOk = false;
    return false;
  }
  if (length == tagBytes) {
    std::memcpy(mac, bytes, tagBytes);
    return true;
  }
  if (length == 2 * tagBytes) return DecodeLowerHexBytes(bytes, tagBytes, mac);
  return false;
}

napi_value AddEd25519Key(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t* key;
  size_t length;
  if (argc < 1 || !ReadBytes(env, argv[0], &key, &length)) return ThrowType(env, "publicKey must be a Uint8Array");
  if (length != crypto_sign_PUBLICKEYBYTES) return ThrowRange(env, "an Ed25519 public key is 32 bytes");
  int32_t id = DataOf(Napi::Env(env))->keys.AddEd25519(key);
  if (id < 0) return ThrowRange(env, "key registry is full");
  return Int32(env, id);
}

napi_value AddHmacSha256Key(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t* secret;
  size_t length;
  int32_t tagBytes = 32;
  if (argc < 1 || !ReadBytes(env, argv[0], &secret, &length)) return ThrowType(env, "secret must be a Uint8Array");
  if (argc >= 2 && !ReadInt32(env, argv[1], &tagBytes)) return ThrowType(env, "tagBytes must be a number");
  if (tagBytes < 16 || tagBytes > 32) return ThrowRange(env, "tagBytes must be between 16 and 32");
  int32_t id = DataOf(Napi::Env(env))->keys.AddHmacSha256(secret, length, static_cast<uint8_t>(tagBytes));
  if (id < 0) return ThrowRange(env, "key registry is full");
  return Int32(env, id);
}

napi_value RemoveKey(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t id;
  if (argc < 1 || !ReadInt32(env, argv[0], &id)) return ThrowType(env, "id must be a number");
  return Boolean(env, DataOf(Napi::Env(env))->keys.Remove(id));
}

napi_value KeyCount(napi_env env, napi_callback_info) {
  return Int32(env, static_cast<int32_t>(DataOf(Napi::Env(env))->keys.Count()));
}

bool Ed25519Verify(const uint8_t* publicKey, const uint8_t* msg, size_t msgLength, const uint8_t* sig,
                   size_t sigLength) {
  if (sigLength != crypto_sign_BYTES) return false;
  // libsodium rejects non-canonical S, small-order R and A, and non-canonical A.
  return crypto_sign_verify_detached(sig, msg, msgLength, publicKey) == 0;
}

// verifyEd25519(id, msg, sig)
napi_value VerifyEd25519(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t id;
  const uint8_t *msg, *sig;
  size_t msgLength, sigLength;
  if (argc < 3 || !ReadInt32(env, argv[0], &id)) return ThrowType(env, "id must be a number");
  if (!ReadBytes(env, argv[1], &msg, &msgLength)) return ThrowType(env, "msg must be a Uint8Array");
  if (!ReadBytes(env, argv[2], &sig, &sigLength)) return ThrowType(env, "sig must be a Uint8Array");
  const KeySlot* slot = DataOf(Napi::Env(env))->keys.Find(id);
  if (slot == nullptr || slot->type != KeyType::kEd25519) return Boolean(env, false);
  return Boolean(env, Ed25519Verify(slot->publicKey, msg, msgLength, sig, sigLength));
}

// verifyEd25519WithKey(publicKey, msg, sig): one-shot, no registration.
napi_value VerifyEd25519WithKey(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t *key, *msg, *sig;
  size_t keyLength, msgLength, sigLength;
  if (argc < 3 || !ReadBytes(env, argv[0], &key, &keyLength)) return ThrowType(env, "publicKey must be a Uint8Array");
  if (!ReadBytes(env, argv[1], &msg, &msgLength)) return ThrowType(env, "msg must be a Uint8Array");
  if (!ReadBytes(env, argv[2], &sig, &sigLength)) return ThrowType(env, "sig must be a Uint8Array");
  if (keyLength != crypto_sign_PUBLICKEYBYTES) return Boolean(env, false);
  return Boolean(env, Ed25519Verify(key, msg, msgLength, sig, sigLength));
}

// ed25519PublicKeyIsValid(publicKey): canonical, on the curve, in the prime-order subgroup.
napi_value Ed25519PublicKeyIsValid(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t* key;
  size_t length;
  if (argc < 1 || !ReadBytes(env, argv[0], &key, &length)) return ThrowType(env, "publicKey must be a Uint8Array");
  return Boolean(env, length == crypto_sign_PUBLICKEYBYTES && crypto_core_ed25519_is_valid_point(key) == 1);
}

// headLengthValue, when given, takes only the head's first bytes (a caller's reused scratch
// buffer then needs no view of its own per request).
napi_value HmacVerify(napi_env env, napi_value idValue, napi_value headValue, napi_value headLengthValue,
                      napi_value bodyValue, napi_value macValue) {
  int32_t id;
  const uint8_t *head, *body = nullptr;
  size_t headLength, bodyLength = 0;
  if (!ReadInt32(env, idValue, &id)) return ThrowType(env, "id must be a number");
  if (!ReadBytes(env, headValue, &head, &headLength)) return ThrowType(env, "msg must be a Uint8Array");
  if (headLengthValue != nullptr) {
    int32_t used;
    if (!ReadInt32(env, headLengthValue, &used)) return ThrowType(env, "headLength must be a number");
    if (used < 0 || static_cast<size_t>(used) > headLength) return ThrowRange(env, "headLength is outside head");
    headLength = static_cast<size_t>(used);
  }
  if (bodyValue != nullptr && !ReadBytes(env, bodyValue, &body, &bodyLength))
    return ThrowType(env, "body must be a Uint8Array");
  const KeySlot* slot = DataOf(Napi::Env(env))->keys.Find(id);
  size_t tagBytes = slot != nullptr ? slot->tagBytes : kMaxTagBytes;
  uint8_t mac[kMaxTagBytes];
  bool typeOk;
  bool macOk = ReadMac(env, macValue, tagBytes, mac, &typeOk);
  if (!typeOk) return ThrowType(env, "mac must be a Uint8Array or a hex string");
  if (!macOk || slot == nullptr || slot->type != KeyType::kHmacSha256) return Boolean(env, false);
  return Boolean(env, HmacSha256Matches(*slot->hmac, head, headLength, body, bodyLength, mac, tagBytes));
}

// verifyHmacSha256(id, msg, mac)
napi_value VerifyHmacSha256(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 3) return ThrowType(env, "verifyHmacSha256(id, msg, mac)");
  return HmacVerify(env, argv[0], argv[1], nullptr, nullptr, argv[2]);
}

// verifyHmacSha256Parts(id, head, headLength, body, mac): MAC over head[0, headLength) || body,
// without concatenating them.
napi_value VerifyHmacSha256Parts(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 5) return ThrowType(env, "verifyHmacSha256Parts(id, head, headLength, body, mac)");
  return HmacVerify(env, argv[0], argv[1], argv[2], argv[3], argv[4]);
}

// timingSafeEqual(a, b): false for different lengths, else a constant-time compare.
napi_value TimingSafeEqual(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t *a, *b;
  size_t aLength, bLength;
  if (argc < 2 || !ReadBytes(env, argv[0], &a, &aLength) || !ReadBytes(env, argv[1], &b, &bLength))
    return ThrowType(env, "timingSafeEqual(a, b) takes two Uint8Arrays");
  if (aLength != bLength) return Boolean(env, false);
  if (aLength == 0) return Boolean(env, true);
  return Boolean(env, CRYPTO_memcmp(a, b, aLength) == 0);
}

}  // namespace

void InitVerify(Napi::Env env, Napi::Object exports) {
  Define(env, exports, "addEd25519Key", AddEd25519Key);
  Define(env, exports, "addHmacSha256Key", AddHmacSha256Key);
  Define(env, exports, "removeKey", RemoveKey);
  Define(env, exports, "keyCount", KeyCount);
  Define(env, exports, "verifyEd25519", VerifyEd25519);
  Define(env, exports, "verifyEd25519WithKey", VerifyEd25519WithKey);
  Define(env, exports, "ed25519PublicKeyIsValid", Ed25519PublicKeyIsValid);
  Define(env, exports, "verifyHmacSha256", VerifyHmacSha256);
  Define(env, exports, "verifyHmacSha256Parts", VerifyHmacSha256Parts);
  Define(env, exports, "timingSafeEqual", TimingSafeEqual);
}

}  // namespace portcullis
