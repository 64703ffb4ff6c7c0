#!/usr/bin/env bash
# Regenerates Sources/COnnxProto from schemas/*.proto with protoc-c (Debian protobuf-c-compiler).
#   scripts/generate-proto.sh          write the generated files into Sources/COnnxProto
#   scripts/generate-proto.sh --check  regenerate into a temp folder and fail if the committed
#                                      files differ (only when protoc-c is 1.4.1, the version
#                                      that made them; otherwise print a notice and succeed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
expected_version="1.4.1"
mode=${1:-write}

command -v protoc-c >/dev/null || { echo "error: protoc-c not found (apt-get install protobuf-c-compiler)" >&2; exit 69; }
version=$(protoc-c --version | sed -n 's/^protobuf-c \([0-9.]*\).*/\1/p')

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in/onnx" "$work/out"
cp "$root/schemas/onnx-ml.proto" "$root/schemas/onnx-data.proto" "$work/in/onnx/"
# Transformation 1: every `string` field becomes `bytes` (same wire format). protobuf-c stores
# `string` as a NUL-terminated char*, so a name holding "\0" would be truncated silently.
# Matches field declarations only (optional/repeated/oneof members), never comments.
sed -i -E 's/^([[:space:]]*)((optional|repeated)[[:space:]]+)?string([[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=)/\1\2bytes\4/' "$work/in/onnx/"*.proto
if grep -nE '^[[:space:]]*((optional|repeated)[[:space:]]+)?string[[:space:]]' "$work/in/onnx/"*.proto; then
  echo "error: a string field survived the string->bytes rewrite" >&2; exit 70
fi
(cd "$work/in" && protoc-c -I. --c_out="$work/out" onnx/onnx-ml.proto onnx/onnx-data.proto)

dest="$root/Sources/COnnxProto"
if [ "$mode" = "--check" ]; then
  if [ "$version" != "$expected_version" ]; then
    echo "notice: protoc-c $version is not $expected_version; skipping the generated-code check"; exit 0
  fi
  status=0
  for f in onnx-ml.pb-c.c onnx-data.pb-c.c; do cmp -s "$work/out/onnx/$f" "$dest/$f" || { echo "error: $dest/$f differs from protoc-c output" >&2; status=1; }; done
  for f in onnx-ml.pb-c.h onnx-data.pb-c.h; do cmp -s "$work/out/onnx/$f" "$dest/include/onnx/$f" || { echo "error: $dest/include/onnx/$f differs from protoc-c output" >&2; status=1; }; done
  [ $status = 0 ] && echo "generated protobuf-c code is up to date (protoc-c $version)"
  exit $status
fi
mkdir -p "$dest/include/onnx"
cp "$work/out/onnx/"*.c "$dest/"
cp "$work/out/onnx/"*.h "$dest/include/onnx/"
echo "generated with protoc-c $version into $dest"
