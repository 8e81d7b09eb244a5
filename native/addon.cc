// Entry point: initialises libsodium once per process and registers the
// primitives. Each primitive lives in its own file (verify.cc, gcra.cc).
#include <sodium.h>

#include "addon.h"

namespace portcullis {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // sodium_init is thread-safe and idempotent; it returns 1 when already done.
  if (sodium_init() < 0) {
    Napi::Error::New(env, "libsodium failed to initialise").ThrowAsJavaScriptException();
    return exports;
  }
  env.SetInstanceData(new AddonData());
  InitVerify(env, exports);
  InitGcra(env, exports);
  return exports;
}

}  // namespace portcullis

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return portcullis::Init(env, exports); }

NODE_API_MODULE(portcullis, InitAddon)
