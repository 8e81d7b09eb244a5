#!/usr/bin/env bash
# Prepares a Debian machine to build, run and test portcullis, then installs
# the npm dependencies (which builds the native addon and the TypeScript).
# Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential python3 pkg-config libsodium-dev softhsm2 redis-server flatbuffers-compiler openssl)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "setup: Node.js >= 20 is required (found $(node -v))" >&2
  exit 1
fi

npm ci

# uWebSockets.js is a prebuilt binary per Node.js version; its Node.js 22 and 24 builds need
# glibc 2.38. Say so here, once, rather than through every server test.
if ! uws_error=$(node -e "require('uWebSockets.js')" 2>&1); then
  echo "setup: the server (uWebSockets.js) does not load with Node.js $(node -v) on this machine:" >&2
  echo "$uws_error" | grep -m1 -E "GLIBC|Error: /" >&2 || echo "$uws_error" | head -3 >&2
  echo "setup: use Node.js 20 here, or a system with glibc >= 2.38 (see README, Requirements)" >&2
  exit 1
fi
