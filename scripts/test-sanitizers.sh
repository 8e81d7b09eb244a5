#!/usr/bin/env bash
# Builds the native addon with AddressSanitizer and UndefinedBehaviorSanitizer
# in a scratch directory and runs the native tests against that build.
# Node itself is not instrumented, so the ASan runtime is preloaded; leak
# detection is off because Node keeps allocations alive until exit by design.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp -r "$root/native" "$root/binding.gyp" "$work/"
ln -s "$root/node_modules" "$work/node_modules"

node_gyp="${npm_config_node_gyp:-$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js}"

# Build against the headers installed with this Node when they are there (no download).
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
nodedir_flag=()
if [[ -f "$node_prefix/include/node/node_api.h" ]]; then nodedir_flag=(--nodedir="$node_prefix"); fi

flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
echo "sanitizers: building the addon with ASan and UBSan"
if ! (cd "$work" && CXXFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
  node "$node_gyp" rebuild "${nodedir_flag[@]}" >"$work/build.log" 2>&1); then
  cat "$work/build.log"
  exit 1
fi

addon="$work/build/Release/portcullis.node"
symbols="$(nm -D "$addon")"
if ! grep -q __asan_init <<<"$symbols" || ! grep -q __ubsan_handle <<<"$symbols"; then
  echo "sanitizers: the build is not instrumented" >&2
  exit 1
fi

asan_runtime="$(gcc -print-file-name=libasan.so)"
ubsan_runtime="$(gcc -print-file-name=libubsan.so)"
echo "sanitizers: running the native tests"
cd "$root"
LD_PRELOAD="$asan_runtime:$ubsan_runtime" \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  PORTCULLIS_ADDON="$addon" \
  node --import tsx --test --test-concurrency=1 test/native/*.test.ts
