// Registry of verification keys, referenced from JS by a small integer id.
//
// Ed25519 public keys are stored as-is. HMAC-SHA256 secrets are never stored:
// registration computes the SHA-256 states after absorbing the inner and outer
// pads (the two halves of HMAC's key schedule) and keeps only those, in
// libsodium-guarded memory (sodium_malloc: guard pages, mlock where allowed).
// Removal wipes them (sodium_free zeroes before unmapping). Nothing here ever
// hands key material back to JS.
#pragma once

#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace portcullis {

enum class KeyType : uint8_t { kFree = 0, kEd25519 = 1, kHmacSha256 = 2 };

struct HmacPads {
  SHA256_CTX inner;  // state after SHA-256(key ^ ipad)
  SHA256_CTX outer;  // state after SHA-256(key ^ opad)
};

struct KeySlot {
  uint32_t generation = 1;
  KeyType type = KeyType::kFree;
  uint8_t tagBytes = 32;
  uint8_t publicKey[32] = {0};
  HmacPads* hmac = nullptr;
};

class KeyRegistry {
 public:
  // Ids are (generation << 20) | index: always positive, below 2^31, and a
  // removed id stays dead until its slot has cycled 2047 generations.
  static constexpr uint32_t kIndexBits = 20;
  static constexpr uint32_t kMaxKeys = 1u << kIndexBits;
  static constexpr uint32_t kMaxGeneration = 2047;

  KeyRegistry() = default;
  KeyRegistry(const KeyRegistry&) = delete;
  KeyRegistry& operator=(const KeyRegistry&) = delete;
  ~KeyRegistry();

  // Returns the new id, or -1 when the registry is full or allocation failed.
  int32_t AddEd25519(const uint8_t publicKey[32]);
  int32_t AddHmacSha256(const uint8_t* secret, size_t length, uint8_t tagBytes);
  bool Remove(int32_t id);
  const KeySlot* Find(int32_t id) const;
  uint32_t Count() const { return count_; }

 private:
  int32_t Claim(KeySlot** slot);
  std::vector<KeySlot> slots_;
  std::deque<uint32_t> free_;  // FIFO, so a freed index is reused as late as possible
  uint32_t count_ = 0;
};

// HMAC-SHA256 of the concatenation head || body under a registered key,
// compared in constant time with the first tagBytes bytes of the MAC.
bool HmacSha256Matches(const HmacPads& pads, const uint8_t* head, size_t headLength, const uint8_t* body,
                       size_t bodyLength, const uint8_t* mac, size_t tagBytes);

}  // namespace portcullis
