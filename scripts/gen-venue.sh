#!/usr/bin/env bash
# Regenerates the TypeScript FlatBuffers code of the venue protocol from
# schema/venue.fbs into src/venue/generated/ (committed, so that building
# portcullis does not need flatc). Needs flatc 2.0.x (Debian package
# flatbuffers-compiler), matching the flatbuffers 2.0.7 runtime.
#
# Usage: scripts/gen-venue.sh [schema.fbs] [output-dir]
# (the arguments exist for test fixtures; the defaults are the contract).
set -euo pipefail
cd "$(dirname "$0")/.."

schema=${1:-schema/venue.fbs}
out=${2:-src/venue/generated}

rm -rf "$out"
mkdir -p "$out"
flatc --ts -o "$out" "$schema"

# The repo resolves modules as nodenext with .ts specifiers, and flatc writes
# extensionless relative imports: add the extension.
find "$out" -name '*.ts' -print0 |
  xargs -0 sed -i -E "s#(from '\.{1,2}/[^']*)';#\1.ts';#"
echo "gen-venue: wrote $out from $schema"
