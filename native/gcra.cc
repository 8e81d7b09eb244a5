// The GCRA table (see gcra.h for the algorithm and layout) and its bindings.
#include "gcra.h"

#include <sodium.h>
#include <time.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "addon.h"
#include "args.h"

namespace portcullis {

namespace {

constexpr size_t kPoliciesOffset = sizeof(GcraHeader);

size_t CellsOffset(uint32_t maxPolicies) {
  size_t end = kPoliciesOffset + static_cast<size_t>(maxPolicies) * sizeof(GcraPolicy);
  return (end + 63) & ~static_cast<size_t>(63);
}

uint64_t LoadU64(const uint64_t* p, int order) { return __atomic_load_n(p, order); }
int64_t LoadI64(const int64_t* p, int order) { return __atomic_load_n(p, order); }

// Replaces a cell's {key, tat} pair only if it still holds the expected pair.
bool CompareAndSwapCell(GcraCell* cell, uint64_t key, int64_t tat, uint64_t newKey, int64_t newTat) {
  using u128 = unsigned __int128;
  u128 expected = (static_cast<u128>(static_cast<uint64_t>(tat)) << 64) | key;
  u128 desired = (static_cast<u128>(static_cast<uint64_t>(newTat)) << 64) | newKey;
  return __sync_bool_compare_and_swap(reinterpret_cast<u128*>(cell), expected, desired);
}

// Finaliser of MurmurHash3: spreads the policy id over all 64 bits.
uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

double TicksToNs(int64_t ticks) {
  // Round up: a caller that waits this long is admitted.
  return static_cast<double>((ticks + GcraTable::kTicksPerNs - 1) / GcraTable::kTicksPerNs);
}

}  // namespace

size_t GcraTable::BytesFor(uint32_t capacity, uint32_t maxPolicies) {
  if (capacity < 8 || capacity > kMaxCapacity || (capacity & (capacity - 1)) != 0) return 0;
  if (maxPolicies < 1 || maxPolicies > kMaxPolicies) return 0;
  return CellsOffset(maxPolicies) + static_cast<size_t>(capacity) * sizeof(GcraCell);
}

bool GcraTable::Format(uint8_t* memory, size_t length, uint32_t capacity, uint32_t maxPolicies,
                       uint32_t probeWindow, int64_t epochNs) {
  size_t needed = BytesFor(capacity, maxPolicies);
  if (needed == 0 || length < needed) return false;
  if (reinterpret_cast<uintptr_t>(memory) % 16 != 0) return false;
  if (probeWindow < 1 || probeWindow > capacity) return false;
  std::memset(memory, 0, needed);
  auto* header = reinterpret_cast<GcraHeader*>(memory);
  header->capacity = capacity;
  header->maxPolicies = maxPolicies;
  header->probeWindow = probeWindow;
  header->epochNs = epochNs;
  randombytes_buf(header->hashKey, sizeof header->hashKey);
  header->version = kVersion;
  __atomic_store_n(&header->magic, kMagic, __ATOMIC_RELEASE);
  return true;
}

bool GcraTable::Validate(const uint8_t* memory, size_t length) {
  if (length < sizeof(GcraHeader) || reinterpret_cast<uintptr_t>(memory) % 16 != 0) return false;
  const auto* header = reinterpret_cast<const GcraHeader*>(memory);
  if (__atomic_load_n(&header->magic, __ATOMIC_ACQUIRE) != kMagic || header->version != kVersion) return false;
  size_t needed = BytesFor(header->capacity, header->maxPolicies);
  return needed != 0 && length >= needed && header->probeWindow >= 1 && header->probeWindow <= header->capacity;
}

GcraTable::GcraTable(uint8_t* memory)
    : header_(reinterpret_cast<GcraHeader*>(memory)),
      policies_(reinterpret_cast<GcraPolicy*>(memory + kPoliciesOffset)),
      cells_(reinterpret_cast<GcraCell*>(memory + CellsOffset(header_->maxPolicies))),
      mask_(header_->capacity - 1),
      window_(header_->probeWindow) {}

int64_t GcraTable::MonotonicNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

int64_t GcraTable::Ticks(int64_t nowNs) const {
  // Clamp to +-2^54 ns (208 days each way of the epoch) so the scaling cannot overflow.
  constexpr int64_t kLimit = int64_t{1} << 54;
  int64_t relative = nowNs - header_->epochNs;
  if (relative > kLimit) relative = kLimit;
  if (relative < -kLimit) relative = -kLimit;
  return relative * kTicksPerNs;
}

uint64_t GcraTable::CellKey(uint64_t key, uint32_t policyId) const {
  uint64_t h = Mix64(key ^ Mix64(static_cast<uint64_t>(policyId) + 0x9e3779b97f4a7c15ULL));
  return h == 0 ? 1 : h;  // 0 marks an empty cell
}

uint64_t GcraTable::HashString(const uint8_t* bytes, size_t length) const {
  uint64_t out = 0;
  crypto_shorthash(reinterpret_cast<unsigned char*>(&out), bytes, length, header_->hashKey);
  return out;
}

int64_t GcraTable::ReservePolicy() {
  uint64_t id = __atomic_fetch_add(&header_->nextPolicy, 1, __ATOMIC_ACQ_REL);
  if (id >= header_->maxPolicies) return -1;
  return static_cast<int64_t>(id);
}

bool GcraTable::SetPolicy(uint32_t id, double ratePerSec, int64_t burst) {
  if (id >= header_->maxPolicies) return false;
  if (!(ratePerSec > 0) || !std::isfinite(ratePerSec) || burst < 1 || burst > (int64_t{1} << 32)) return false;
  double emission = std::ceil(1e9 * static_cast<double>(kTicksPerNs) / ratePerSec);
  // L = burst * T must stay far from overflow even after adding a cost and a time.
  if (emission < 1 || emission * static_cast<double>(burst) > 4e18) return false;
  int64_t emissionTicks = static_cast<int64_t>(emission);

  GcraPolicy* policy = &policies_[id];
  uint64_t seq = LoadU64(&policy->seq, __ATOMIC_ACQUIRE);
  for (;;) {
    if ((seq & 1) == 0 &&
        __atomic_compare_exchange_n(&policy->seq, &seq, seq + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
      break;
    if (seq & 1) seq = LoadU64(&policy->seq, __ATOMIC_ACQUIRE);
  }
  __atomic_store_n(&policy->emissionTicks, emissionTicks, __ATOMIC_RELAXED);
  __atomic_store_n(&policy->limitTicks, emissionTicks * burst, __ATOMIC_RELAXED);
  __atomic_store_n(&policy->burst, burst, __ATOMIC_RELAXED);
  __atomic_store_n(&policy->seq, seq + 2, __ATOMIC_RELEASE);
  return true;
}

bool GcraTable::ReadPolicy(uint32_t id, GcraPolicy* out) const {
  if (id >= header_->maxPolicies) return false;
  const GcraPolicy* policy = &policies_[id];
  for (;;) {
    uint64_t before = LoadU64(&policy->seq, __ATOMIC_ACQUIRE);
    if (before == 0) return false;
    if (before & 1) continue;
    out->emissionTicks = LoadI64(&policy->emissionTicks, __ATOMIC_RELAXED);
    out->limitTicks = LoadI64(&policy->limitTicks, __ATOMIC_RELAXED);
    out->burst = LoadI64(&policy->burst, __ATOMIC_RELAXED);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (LoadU64(&policy->seq, __ATOMIC_RELAXED) == before) return true;
  }
}

double GcraTable::Check(uint64_t key, uint32_t policyId, int64_t cost, int64_t nowNs) {
  GcraPolicy policy;
  if (!ReadPolicy(policyId, &policy)) return -1;
  if (cost > policy.burst) return std::numeric_limits<double>::infinity();
  if (cost <= 0) {
    double debt = DebtNs(key, policyId, nowNs);
    double limitNs = static_cast<double>(policy.limitTicks / kTicksPerNs);
    return debt > limitNs ? debt - limitNs : 0;
  }
  const int64_t now = Ticks(nowNs);
  const int64_t costTicks = cost * policy.emissionTicks;
  const uint64_t cellKey = CellKey(key, policyId);
  const uint32_t start = static_cast<uint32_t>(cellKey);

  // Pass 1: the key's own cell, or the first empty cell of its window.
  for (uint32_t i = 0; i < window_; i++) {
    GcraCell* cell = Cell(start + i);
    for (;;) {
      uint64_t k = LoadU64(&cell->key, __ATOMIC_ACQUIRE);
      int64_t tat = LoadI64(&cell->tat, __ATOMIC_ACQUIRE);
      if (k != cellKey && k != 0) break;
      int64_t base = (k == 0 || tat < now) ? now : tat;
      int64_t newTat = base + costTicks;
      int64_t over = newTat - now - policy.limitTicks;
      if (over > 0) return TicksToNs(over);
      if (CompareAndSwapCell(cell, k, tat, cellKey, newTat)) return 0;
      // Lost a race with another thread: read the cell again.
    }
  }

  // Pass 2: the window is full of other keys; take over the first drained one.
  int64_t soonest = std::numeric_limits<int64_t>::max();
  for (uint32_t i = 0; i < window_; i++) {
    GcraCell* cell = Cell(start + i);
    for (;;) {
      uint64_t k = LoadU64(&cell->key, __ATOMIC_ACQUIRE);
      int64_t tat = LoadI64(&cell->tat, __ATOMIC_ACQUIRE);
      if (k == cellKey) {
        // Another thread placed this key here meanwhile: it is our cell.
        int64_t base = tat < now ? now : tat;
        int64_t newTat = base + costTicks;
        int64_t over = newTat - now - policy.limitTicks;
        if (over > 0) return TicksToNs(over);
        if (CompareAndSwapCell(cell, k, tat, cellKey, newTat)) return 0;
        continue;
      }
      if (tat > now) {
        if (tat - now < soonest) soonest = tat - now;
        break;
      }
      if (CompareAndSwapCell(cell, k, tat, cellKey, now + costTicks)) {
        __atomic_fetch_add(&header_->reclaims, 1, __ATOMIC_RELAXED);
        return 0;
      }
    }
  }
  __atomic_fetch_add(&header_->fullRejects, 1, __ATOMIC_RELAXED);
  double wait = TicksToNs(soonest);
  return wait < 1 ? 1 : wait;
}

double GcraTable::DebtNs(uint64_t key, uint32_t policyId, int64_t nowNs) {
  GcraPolicy policy;
  if (!ReadPolicy(policyId, &policy)) return -1;
  const int64_t now = Ticks(nowNs);
  const uint64_t cellKey = CellKey(key, policyId);
  const uint32_t start = static_cast<uint32_t>(cellKey);
  for (uint32_t i = 0; i < window_; i++) {
    GcraCell* cell = Cell(start + i);
    uint64_t k = LoadU64(&cell->key, __ATOMIC_ACQUIRE);
    if (k == cellKey) {
      int64_t tat = LoadI64(&cell->tat, __ATOMIC_ACQUIRE);
      return tat > now ? TicksToNs(tat - now) : 0;
    }
    if (k == 0) break;
  }
  return 0;
}

uint32_t GcraTable::UsedCells() const {
  uint32_t used = 0;
  for (uint32_t i = 0; i <= mask_; i++) used += LoadU64(&cells_[i].key, __ATOMIC_RELAXED) != 0 ? 1 : 0;
  return used;
}

uint64_t GcraTable::FullRejects() const { return LoadU64(&header_->fullRejects, __ATOMIC_RELAXED); }
uint64_t GcraTable::Reclaims() const { return LoadU64(&header_->reclaims, __ATOMIC_RELAXED); }

// ---------------------------------------------------------------------------
// Bindings. A table is attached once per thread and then referenced by a
// small integer handle, so the hot call does no object unwrapping.

namespace {

// A check list: kCheckListPairs u64 keys, then as many i32 policy ids.
constexpr size_t kCheckListPairs = 3;
constexpr size_t kCheckListBytes = kCheckListPairs * 12;

GcraTable* TableOf(napi_env env, napi_value handleValue) {
  int32_t handle;
  if (!ReadInt32(env, handleValue, &handle)) return nullptr;
  AddonData* data = DataOf(Napi::Env(env));
  if (handle < 0 || static_cast<size_t>(handle) >= data->tables.size()) return nullptr;
  return data->tables[static_cast<size_t>(handle)].table;
}

bool ReadKey(napi_env env, napi_value value, uint64_t* key) {
  bool lossless;
  if (napi_get_value_bigint_uint64(env, value, key, &lossless) == napi_ok) return true;
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return false;
  if (!(number >= 0) || number > 9007199254740991.0 || number != std::floor(number)) return false;
  *key = static_cast<uint64_t>(number);
  return true;
}

bool ReadNow(napi_env env, size_t argc, napi_value* argv, size_t index, int64_t* nowNs) {
  if (argc <= index) {
    *nowNs = GcraTable::MonotonicNs();
    return true;
  }
  napi_valuetype kind;
  napi_typeof(env, argv[index], &kind);
  if (kind == napi_undefined) {
    *nowNs = GcraTable::MonotonicNs();
    return true;
  }
  double value;
  if (kind != napi_number || napi_get_value_double(env, argv[index], &value) != napi_ok || !std::isfinite(value))
    return false;
  *nowNs = static_cast<int64_t>(value);
  return true;
}

// gcraBytesFor(capacity, maxPolicies) -> bytes (0 when out of range)
napi_value BytesFor(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t capacity, maxPolicies;
  if (argc < 2 || !ReadInt32(env, argv[0], &capacity) || !ReadInt32(env, argv[1], &maxPolicies))
    return ThrowType(env, "gcraBytesFor(capacity, maxPolicies)");
  if (capacity < 0 || maxPolicies < 0) return Number(env, 0);
  return Number(env, static_cast<double>(
                         GcraTable::BytesFor(static_cast<uint32_t>(capacity), static_cast<uint32_t>(maxPolicies))));
}

// gcraFormat(view, capacity, maxPolicies, probeWindow, epochNs) -> boolean
napi_value Format(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t* memory;
  size_t length;
  int32_t capacity, maxPolicies, window;
  double epoch;
  if (argc < 5 || !ReadBytes(env, argv[0], &memory, &length)) return ThrowType(env, "view must be a Uint8Array");
  if (!ReadInt32(env, argv[1], &capacity) || !ReadInt32(env, argv[2], &maxPolicies) ||
      !ReadInt32(env, argv[3], &window) || !ReadDouble(env, argv[4], &epoch))
    return ThrowType(env, "gcraFormat(view, capacity, maxPolicies, probeWindow, epochNs)");
  if (capacity < 0 || maxPolicies < 0 || window < 0 || !std::isfinite(epoch)) return Boolean(env, false);
  return Boolean(env, GcraTable::Format(const_cast<uint8_t*>(memory), length, static_cast<uint32_t>(capacity),
                                        static_cast<uint32_t>(maxPolicies), static_cast<uint32_t>(window),
                                        static_cast<int64_t>(epoch)));
}

// gcraAttach(view, checkList) -> handle (-1 when the memory is not a table)
// checkList is this thread's own memory (at least kCheckListBytes) through which
// gcraCheckEach receives its (key, policy) pairs: see there.
napi_value Attach(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  const uint8_t* memory;
  size_t length;
  const uint8_t* checkList;
  size_t checkListLength;
  if (argc < 2 || !ReadBytes(env, argv[0], &memory, &length) || !ReadBytes(env, argv[1], &checkList, &checkListLength))
    return ThrowType(env, "gcraAttach(view, checkList) takes two Uint8Arrays");
  if (checkListLength < kCheckListBytes) return ThrowRange(env, "checkList is too short");
  if (!GcraTable::Validate(memory, length)) return Int32(env, -1);
  AddonData* data = DataOf(Napi::Env(env));
  AddonData::Attached attached;
  attached.table = new GcraTable(const_cast<uint8_t*>(memory));
  attached.view = Napi::Persistent(Napi::Uint8Array(env, argv[0]));
  attached.checkList = checkList;
  attached.checkListView = Napi::Persistent(Napi::Uint8Array(env, argv[1]));
  // Reuse a detached slot if there is one.
  for (size_t i = 0; i < data->tables.size(); i++) {
    if (data->tables[i].table == nullptr) {
      data->tables[i] = std::move(attached);
      return Int32(env, static_cast<int32_t>(i));
    }
  }
  data->tables.push_back(std::move(attached));
  return Int32(env, static_cast<int32_t>(data->tables.size() - 1));
}

// gcraDetach(handle)
napi_value Detach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t handle;
  if (argc < 1 || !ReadInt32(env, argv[0], &handle)) return ThrowType(env, "handle must be a number");
  AddonData* data = DataOf(Napi::Env(env));
  if (handle < 0 || static_cast<size_t>(handle) >= data->tables.size() || data->tables[handle].table == nullptr)
    return Boolean(env, false);
  delete data->tables[handle].table;
  data->tables[handle].table = nullptr;
  data->tables[handle].view.Reset();
  data->tables[handle].checkList = nullptr;
  data->tables[handle].checkListView.Reset();
  return Boolean(env, true);
}

// gcraReservePolicy(handle) -> id or -1
napi_value ReservePolicy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  GcraTable* table = argc >= 1 ? TableOf(env, argv[0]) : nullptr;
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  return Number(env, static_cast<double>(table->ReservePolicy()));
}

// gcraSetPolicy(handle, id, ratePerSec, burst) -> boolean
napi_value SetPolicy(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  GcraTable* table = argc >= 4 ? TableOf(env, argv[0]) : nullptr;
  int32_t id;
  double rate, burst;
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  if (!ReadInt32(env, argv[1], &id) || !ReadDouble(env, argv[2], &rate) || !ReadDouble(env, argv[3], &burst))
    return ThrowType(env, "gcraSetPolicy(handle, id, ratePerSec, burst)");
  if (id < 0 || !std::isfinite(burst) || burst != std::floor(burst)) return Boolean(env, false);
  return Boolean(env, table->SetPolicy(static_cast<uint32_t>(id), rate, static_cast<int64_t>(burst)));
}

// gcraCheck(handle, key, policyId, cost, nowNs?) -> 0 | wait ns | Infinity | -1 (unknown policy)
napi_value Check(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 4) return ThrowType(env, "gcraCheck(handle, key, policyId, cost, nowNs?)");
  GcraTable* table = TableOf(env, argv[0]);
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  uint64_t key;
  int32_t policyId;
  double cost;
  int64_t nowNs;
  if (!ReadKey(env, argv[1], &key)) return ThrowType(env, "key must be a bigint or a safe non-negative integer");
  if (!ReadInt32(env, argv[2], &policyId) || !ReadDouble(env, argv[3], &cost))
    return ThrowType(env, "policyId and cost must be numbers");
  if (!ReadNow(env, argc, argv, 4, &nowNs)) return ThrowType(env, "nowNs must be a finite number");
  if (policyId < 0 || !(cost >= 0) || cost != std::floor(cost) || cost > 4294967296.0) return Number(env, -1);
  return Number(env, table->Check(key, static_cast<uint32_t>(policyId), static_cast<int64_t>(cost), nowNs));
}

// gcraCheckEach(handle, cost, count) -> 0 | wait ns | Infinity | -1
// The checks of one request in one call, on one clock reading: the first `count`
// (1 to 3) pairs of the handle's check list, each in turn, stopping at the first
// that refuses (later keys are not charged), exactly as calling gcraCheck for each
// would. The caller writes the pairs into the list first (keys as u64 at bytes 0, 8
// and 16, policy ids as i32 at 24, 28 and 32, native byte order): converting six
// arguments cost more than the three checks themselves.
napi_value CheckEach(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t handle;
  double cost;
  int32_t count;
  if (argc < 3 || !ReadInt32(env, argv[0], &handle) || !ReadDouble(env, argv[1], &cost) ||
      !ReadInt32(env, argv[2], &count))
    return ThrowType(env, "gcraCheckEach(handle, cost, count)");
  AddonData* data = DataOf(Napi::Env(env));
  if (handle < 0 || static_cast<size_t>(handle) >= data->tables.size() || data->tables[handle].table == nullptr)
    return ThrowType(env, "handle is not an attached table");
  if (count < 1 || count > static_cast<int32_t>(kCheckListPairs))
    return ThrowType(env, "gcraCheckEach checks one to three pairs");
  if (!(cost >= 0) || cost != std::floor(cost) || cost > 4294967296.0) return Number(env, -1);
  GcraTable* table = data->tables[handle].table;
  const uint8_t* list = data->tables[handle].checkList;
  const int64_t nowNs = GcraTable::MonotonicNs();
  for (int32_t i = 0; i < count; i++) {
    uint64_t key;
    int32_t policyId;
    std::memcpy(&key, list + 8 * i, sizeof key);
    std::memcpy(&policyId, list + 8 * kCheckListPairs + 4 * i, sizeof policyId);
    if (policyId < 0) return Number(env, -1);
    double wait = table->Check(key, static_cast<uint32_t>(policyId), static_cast<int64_t>(cost), nowNs);
    if (wait != 0) return Number(env, wait);
  }
  return Number(env, 0);
}

// gcraDebtNs(handle, key, policyId, nowNs?) -> ns of debt, -1 for an unknown policy
napi_value DebtNs(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 3) return ThrowType(env, "gcraDebtNs(handle, key, policyId, nowNs?)");
  GcraTable* table = TableOf(env, argv[0]);
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  uint64_t key;
  int32_t policyId;
  int64_t nowNs;
  if (!ReadKey(env, argv[1], &key)) return ThrowType(env, "key must be a bigint or a safe non-negative integer");
  if (!ReadInt32(env, argv[2], &policyId)) return ThrowType(env, "policyId must be a number");
  if (!ReadNow(env, argc, argv, 3, &nowNs)) return ThrowType(env, "nowNs must be a finite number");
  if (policyId < 0) return Number(env, -1);
  return Number(env, table->DebtNs(key, static_cast<uint32_t>(policyId), nowNs));
}

// gcraKeyOf(handle, text) -> bigint: keyed SipHash-2-4 of the UTF-8 text (the key is in the table).
napi_value KeyOf(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  GcraTable* table = argc >= 2 ? TableOf(env, argv[0]) : nullptr;
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  size_t length;
  if (napi_get_value_string_utf8(env, argv[1], nullptr, 0, &length) != napi_ok)
    return ThrowType(env, "text must be a string");
  std::string text(length + 1, '\0');
  napi_get_value_string_utf8(env, argv[1], text.data(), length + 1, &length);
  uint64_t hash = table->HashString(reinterpret_cast<const uint8_t*>(text.data()), length);
  napi_value result;
  napi_create_bigint_uint64(env, hash, &result);
  return result;
}

// gcraStats(handle) -> [usedCells, fullRejects, reclaims]
napi_value Stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  GcraTable* table = argc >= 1 ? TableOf(env, argv[0]) : nullptr;
  if (table == nullptr) return ThrowType(env, "handle is not an attached table");
  napi_value result;
  napi_create_array_with_length(env, 3, &result);
  napi_set_element(env, result, 0, Number(env, table->UsedCells()));
  napi_set_element(env, result, 1, Number(env, static_cast<double>(table->FullRejects())));
  napi_set_element(env, result, 2, Number(env, static_cast<double>(table->Reclaims())));
  return result;
}

napi_value MonotonicNow(napi_env env, napi_callback_info) {
  return Number(env, static_cast<double>(GcraTable::MonotonicNs()));
}

}  // namespace

void InitGcra(Napi::Env env, Napi::Object exports) {
  Define(env, exports, "gcraBytesFor", BytesFor);
  Define(env, exports, "gcraFormat", Format);
  Define(env, exports, "gcraAttach", Attach);
  Define(env, exports, "gcraDetach", Detach);
  Define(env, exports, "gcraReservePolicy", ReservePolicy);
  Define(env, exports, "gcraSetPolicy", SetPolicy);
  Define(env, exports, "gcraCheck", Check);
  Define(env, exports, "gcraCheckEach", CheckEach);
  Define(env, exports, "gcraDebtNs", DebtNs);
  Define(env, exports, "gcraKeyOf", KeyOf);
  Define(env, exports, "gcraStats", Stats);
  Define(env, exports, "monotonicNowNs", MonotonicNow);
}

}  // namespace portcullis
