#!/usr/bin/env bash
# Opt-in: give onnxruntime-node ORT's CUDA execution provider without the NuGet download its install
# script attempts (unreachable offline). See docs/gpu.md for the why and for what must already be on the
# machine (NVIDIA driver, CUDA 13 libraries, cuDNN 9).
#
# What it does, inside this checkout's node_modules only (package.json and the lock file stay as they are):
#   1. replaces onnxruntime-node and onnxruntime-common with 1.29.0, the ORT version the provider
#      libraries below were built from (the providers must match libonnxruntime.so.1 exactly);
#   2. copies libonnxruntime_providers_{cuda,shared,tensorrt}.so from the npm package
#      com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 next to libonnxruntime.so.1;
#   3. checks with ldd which CUDA libraries are still missing, and tries to open a session on CUDA.
#
# Downloads about 230 MB from the npm registry, unless --tarballs DIR points at the three .tgz files
# fetched earlier with `npm pack` (for machines without any network).
#
# Usage: tools/gpu/install-cuda-ep.sh [--tarballs DIR] [--keep-tarballs DIR]
# `npm ci` or `npm install` restores the CPU-only 1.30.0 packages; run this script again afterwards.
set -euo pipefail

ORT_VERSION=1.29.0
GPU_PACKAGE=com.github.asus4.onnxruntime.linux-x64-gpu
GPU_VERSION=0.4.9
PROVIDERS=(libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so libonnxruntime_providers_tensorrt.so)
# A 63-byte ONNX model (y = x + x over float32[2]) used to check that a CUDA session opens.
PROBE_MODEL=CAg6NQoOCgF4CgF4EgF5IgNBZGQSAWdaDwoBeBIKCggIARIECgIIAmIPCgF5EgoKCAgBEgQKAggCQgQKABAR

tarball_dir=""
keep_dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tarballs) tarball_dir="$(cd "${2:?--tarballs needs a directory}" && pwd)"; shift 2 ;;
    --keep-tarballs) keep_dir="${2:?--keep-tarballs needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  echo "the CUDA provider libraries used here exist for linux/x64 only" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
modules="$root/node_modules"
if [[ ! -d "$modules/onnxruntime-node" ]]; then
  echo "no $modules/onnxruntime-node: run npm ci (with ONNXRUNTIME_NODE_INSTALL=skip) first" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION -> prints the path of NAME-VERSION.tgz, from --tarballs or via npm pack.
fetch() {
  local name="$1" version="$2" file="$1-$2.tgz"
  if [[ -n "$tarball_dir" ]]; then
    [[ -f "$tarball_dir/$file" ]] || { echo "missing $tarball_dir/$file" >&2; exit 1; }
    echo "$tarball_dir/$file"
  else
    (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
    if [[ -n "$keep_dir" ]]; then
      mkdir -p "$keep_dir"
      cp "$work/$file" "$keep_dir/"
    fi
    echo "$work/$file"
  fi
}

# replace_package NAME TGZ: swaps node_modules/NAME for the tarball's contents.
replace_package() {
  local name="$1" tgz="$2" staging="$work/pkg-$1"
  [[ -d "$modules/$name" ]] || { echo "no $modules/$name to replace (unexpected node_modules layout)" >&2; exit 1; }
  mkdir -p "$staging"
  tar -xzf "$tgz" -C "$staging"
  rm -rf "$modules/$name.previous"
  mv "$modules/$name" "$modules/$name.previous"
  mv "$staging/package" "$modules/$name"
  rm -rf "$modules/$name.previous"
}

echo "pinning onnxruntime-node and onnxruntime-common to $ORT_VERSION in $modules"
node_tgz="$(fetch onnxruntime-node "$ORT_VERSION")"
common_tgz="$(fetch onnxruntime-common "$ORT_VERSION")"
replace_package onnxruntime-node "$node_tgz"
replace_package onnxruntime-common "$common_tgz"

bin="$modules/onnxruntime-node/bin/napi-v6/linux/x64"
[[ -f "$bin/libonnxruntime.so.1" ]] || { echo "unexpected layout: no $bin/libonnxruntime.so.1" >&2; exit 1; }

echo "copying the CUDA provider libraries from $GPU_PACKAGE@$GPU_VERSION (about 230 MB)"
gpu_tgz="$(fetch "$GPU_PACKAGE" "$GPU_VERSION")"
mkdir -p "$work/gpu"
tar -xzf "$gpu_tgz" -C "$work/gpu" --wildcards '*/libonnxruntime_providers_*.so'
for lib in "${PROVIDERS[@]}"; do
  found="$(find "$work/gpu" -name "$lib" -print -quit)"
  [[ -n "$found" ]] || { echo "$lib is not in $GPU_PACKAGE@$GPU_VERSION" >&2; exit 1; }
  install -m 0755 "$found" "$bin/$lib"
done

echo "checking shared-library dependencies of the CUDA provider"
missing="$(LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$bin/libonnxruntime_providers_cuda.so" | awk '/not found/ {print $1}')"
if [[ -n "$missing" ]]; then
  echo "still missing (put their folders on LD_LIBRARY_PATH, see docs/gpu.md):" >&2
  echo "$missing" | sed 's/^/  /' >&2
fi

echo "opening a session on CUDA"
if (cd "$root" && PROBE_MODEL="$PROBE_MODEL" node -e '
  const ort = require("onnxruntime-node");
  ort.env.logLevel = "warning";
  ort.InferenceSession.create(Buffer.from(process.env.PROBE_MODEL, "base64"), { executionProviders: ["cuda"] })
    .then(async (s) => {
      const out = await s.run({ x: new ort.Tensor("float32", Float32Array.from([1, 2]), [2]) });
      console.log("CUDA session OK, y =", Array.from(out.y.data));
      await s.release();
    })
    .catch((e) => { console.error("CUDA session failed:", e.message); process.exit(1); });
'); then
  echo "done: Hearth's ort-runtime will pick cuda first (executionProviders default ['cuda', 'cpu'])"
else
  echo "the provider libraries are installed, but CUDA does not load yet; see docs/gpu.md" >&2
  exit 1
fi
