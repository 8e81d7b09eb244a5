// Argument readers shared by the bindings. They use the C N-API directly:
// these run on the hot path, where the C++ wrappers' extra checks add up.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace portcullis {

// Reads a Uint8Array (Buffer included). Returns false for any other type.
inline bool ReadBytes(napi_env env, napi_value value, const uint8_t** data, size_t* length) {
  // napi_get_typedarray_info refuses (napi_invalid_arg, nothing thrown) anything but a typed
  // array, so no napi_is_typedarray first: each N-API call costs ~15 ns on the hot path.
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok) return false;
  if (type != napi_uint8_array) return false;
  // An empty view may have a null data pointer; callers never dereference it then.
  static const uint8_t kEmpty[1] = {0};
  *data = raw != nullptr ? static_cast<const uint8_t*>(raw) : kEmpty;
  return true;
}

inline bool ReadInt32(napi_env env, napi_value value, int32_t* out) {
  return napi_get_value_int32(env, value, out) == napi_ok;
}

inline bool ReadDouble(napi_env env, napi_value value, double* out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

inline napi_value ThrowType(napi_env env, const char* message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return nullptr;
}

inline napi_value ThrowRange(napi_env env, const char* message) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message);
  return nullptr;
}

inline napi_value Boolean(napi_env env, bool value) {
  napi_value result;
  napi_get_boolean(env, value, &result);
  return result;
}

inline napi_value Number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

inline napi_value Int32(napi_env env, int32_t value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

// Adds a plain C N-API function to the exports object.
inline void Define(Napi::Env env, Napi::Object exports, const char* name, napi_callback callback) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn);
  exports.Set(name, Napi::Value(env, fn));
}

}  // namespace portcullis
