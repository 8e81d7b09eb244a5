// Lock-free GCRA (generic cell rate algorithm) rate limiter over shared memory.
//
// The whole table lives in one SharedArrayBuffer, so every thread that
// attaches to it shares the same limits. Layout (little-endian, 64-byte
// aligned sections):
//
//   header    128 bytes   magic, version, capacity, probe window, epoch, counters
//   policies  32 bytes each: {seq (seqlock), emission interval T, limit L = burst*T, burst}
//   cells     16 bytes each: {key hash, theoretical arrival time (TAT)}
//
// A cell's key and TAT change together with one 16-byte compare-and-swap, so
// a cell can be handed from one key to another without locks. Times are
// "ticks" of 1/256 ns relative to the table's epoch: fine enough that the
// emission interval's rounding is negligible at any rate up to 10^6/s, and
// coarse enough for 417 days of range.
//
// GCRA: admit `cost` units at time t iff max(TAT, t) + cost*T - t <= L; then
// TAT = max(TAT, t) + cost*T. Over any interval E this admits at most
// burst + E/T units, and exactly that many under sustained excess demand.
//
// Full table: a key is looked for in its probe window (linear probing from
// its hash). If absent and no cell of the window is empty, the first cell of
// the window whose TAT has passed (its key is fully drained, so forgetting it
// loses nothing) is taken over. If none has drained, the call is rejected
// (never admitted) and returns the time until the first one drains.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portcullis {

struct GcraHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t capacity;
  uint32_t maxPolicies;
  uint32_t probeWindow;
  uint32_t reserved;
  int64_t epochNs;
  uint8_t hashKey[16];  // SipHash key for string keys, shared by every attached thread
  uint64_t fullRejects;
  uint64_t reclaims;
  uint64_t nextPolicy;
  uint8_t padding[128 - 72];
};
static_assert(sizeof(GcraHeader) == 128, "header is 128 bytes");

struct GcraPolicy {
  uint64_t seq;  // even = stable, odd = being written, 0 = never set
  int64_t emissionTicks;
  int64_t limitTicks;
  int64_t burst;
};
static_assert(sizeof(GcraPolicy) == 32, "policy is 32 bytes");

struct alignas(16) GcraCell {
  uint64_t key;  // 0 = empty
  int64_t tat;
};
static_assert(sizeof(GcraCell) == 16, "cell is 16 bytes");

class GcraTable {
 public:
  static constexpr uint32_t kMagic = 0x4c524350;  // "PCRL"
  static constexpr uint32_t kVersion = 1;
  static constexpr int64_t kTicksPerNs = 256;
  static constexpr uint32_t kMaxCapacity = 1u << 26;
  static constexpr uint32_t kMaxPolicies = 1u << 16;

  // Bytes needed for a table, or 0 when the parameters are out of range.
  static size_t BytesFor(uint32_t capacity, uint32_t maxPolicies);
  // Formats zeroed memory as an empty table. Returns false on bad parameters.
  static bool Format(uint8_t* memory, size_t length, uint32_t capacity, uint32_t maxPolicies,
                     uint32_t probeWindow, int64_t epochNs);
  // Validates a formatted table. Returns false when the memory is not one.
  static bool Validate(const uint8_t* memory, size_t length);

  explicit GcraTable(uint8_t* memory);

  // Sets (or changes) a policy. ratePerSec > 0, 1 <= burst.
  bool SetPolicy(uint32_t id, double ratePerSec, int64_t burst);
  // Reserves the next unused policy id, or -1 when all are used.
  int64_t ReservePolicy();

  // 0 when admitted; otherwise nanoseconds until it would be (infinity when
  // cost exceeds the burst, so never). Negative when the policy is unknown.
  double Check(uint64_t key, uint32_t policyId, int64_t cost, int64_t nowNs);
  // Nanoseconds of debt the key carries (0 when fully drained); negative when the policy is unknown.
  double DebtNs(uint64_t key, uint32_t policyId, int64_t nowNs);
  uint64_t HashString(const uint8_t* bytes, size_t length) const;

  uint32_t UsedCells() const;
  uint64_t FullRejects() const;
  uint64_t Reclaims() const;

  static int64_t MonotonicNs();

 private:
  bool ReadPolicy(uint32_t id, GcraPolicy* out) const;
  int64_t Ticks(int64_t nowNs) const;
  uint64_t CellKey(uint64_t key, uint32_t policyId) const;
  GcraCell* Cell(uint32_t index) const { return cells_ + (index & mask_); }

  GcraHeader* header_;
  GcraPolicy* policies_;
  GcraCell* cells_;
  uint32_t mask_;
  uint32_t window_;
};

}  // namespace portcullis
