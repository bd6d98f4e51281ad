#!/usr/bin/env bash
# One entry point for people and CI. Cheap to repeat: installs only what is missing, builds
# incrementally.
#   bash scripts/dev.sh demo   install, build, run the quick-start example
#   bash scripts/dev.sh test   install, build (warnings are errors), run the whole test suite
#   bash scripts/dev.sh sanitize  the whole test suite (unit and CLI) under AddressSanitizer +
#                                 UndefinedBehaviorSanitizer, in build-asan/
#   bash scripts/dev.sh fuzz [S]  libFuzzer targets for S seconds each (scripts/fuzz.sh)
#   bash scripts/dev.sh gpu    on a machine with an NVIDIA GPU: measure it (bench/cuda/run_on_gpu.sh)
#   bash scripts/dev.sh approve   rewrite the golden files (tests/golden/) from the current build
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake pkg-config libcli11-dev libyaml-cpp-dev libfmt-dev libeigen3-dev catch2
          nlohmann-json3-dev libcsv-dev libxlsxwriter-dev libbenchmark-dev python3)
# Only the test path needs these: the HTML report is rendered in headless Chromium and the CSV
# and XLSX reports are opened and recalculated by LibreOffice (about 70 s to install from a
# Debian mirror, ~600 MB); the tests skip (ctest exit 77) where they are absent.
TEST_PACKAGES=(chromium libreoffice-calc-nogui)
BUILD_DIR=${TCO_BUILD_DIR:-build}

install_missing() {  # install_missing [EXTRA_PACKAGE...]
  local missing=()
  for package in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCO_WERROR=ON >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

case "${1:-}" in
  demo)
    install_missing
    build
    "$BUILD_DIR/tco-plan" run examples/01-quickstart.yaml
    ;;
  test)
    install_missing "${TEST_PACKAGES[@]}"
    build
    (cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)")
    ;;
  sanitize)
    install_missing
    # Unit and CLI tests alike (the CLI tests run the instrumented executable). The sanitizers
    # abort on the first report (no recovery).
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g" \
          -DTCO_WERROR=ON -DTCO_SANITIZERS=ON -DTCO_BUILD_BENCH=OFF \
          -DTCO_BUILD_CUDA_BENCH=OFF >/dev/null
    cmake --build build-asan -j "$(nproc)" --target tco_unit_tests tco-plan
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
       UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$(nproc)")
    ;;
  fuzz)
    install_missing clang  # libFuzzer comes with Debian's clang
    bash scripts/fuzz.sh "${2:-60}"
    ;;
  gpu)
    shift
    bash bench/cuda/run_on_gpu.sh "$@"
    ;;
  approve)
    install_missing
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCO_WERROR=ON >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)" --target tco-plan
    python3 scripts/golden.py approve "$BUILD_DIR/tco-plan" .
    echo "review with: git diff --stat tests/golden/ && git diff tests/golden/" >&2
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test|sanitize|fuzz [SECONDS]|approve|gpu [GPU_ID]" >&2
    exit 2
    ;;
esac
