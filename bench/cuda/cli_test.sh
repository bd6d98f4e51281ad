#!/usr/bin/env bash
# tco-microbench's command line, which runs without a GPU: --help exits 0 with the usage, a bad
# argument exits 2 naming it (before any CUDA call).
set -u
bin=$1
failures=0
out=$("$bin" --help 2>&1); rc=$?
[[ $rc -eq 0 && $out == usage:* ]] || { echo "FAIL: --help: rc $rc: $out"; failures=$((failures + 1)); }
out=$("$bin" --only gemm,fft 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"unknown benchmark 'fft'"* ]] ||
  { echo "FAIL: --only gemm,fft: rc $rc: $out"; failures=$((failures + 1)); }
out=$("$bin" --budget-ms 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"--budget-ms: needs a value"* ]] ||
  { echo "FAIL: --budget-ms: rc $rc: $out"; failures=$((failures + 1)); }
echo "microbench cli: 3 checks, $failures failed"
[[ $failures -eq 0 ]]
