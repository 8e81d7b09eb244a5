// Per-thread state of the addon. Node loads one instance of the addon per
// thread (main thread and each worker); each instance gets its own AddonData.
#pragma once

#include <napi.h>

#include <vector>

#include "gcra.h"
#include "key_registry.h"

namespace portcullis {

struct AddonData {
  KeyRegistry keys;
  // Rate-limit tables this thread has attached, by handle. The reference keeps
  // the SharedArrayBuffer (and so the shared memory) alive while attached.
  struct Attached {
    GcraTable* table = nullptr;
    Napi::Reference<Napi::Uint8Array> view;
    // The thread's check list (see gcraAttach in gcra.cc), kept alive by its reference.
    const uint8_t* checkList = nullptr;
    Napi::Reference<Napi::Uint8Array> checkListView;
  };
  std::vector<Attached> tables;

  ~AddonData() {
    for (Attached& attached : tables) delete attached.table;
  }
};

inline AddonData* DataOf(const Napi::Env& env) { return env.GetInstanceData<AddonData>(); }

void InitVerify(Napi::Env env, Napi::Object exports);
void InitGcra(Napi::Env env, Napi::Object exports);

}  // namespace portcullis
