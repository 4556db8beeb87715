#!/usr/bin/env bash
# Builds and runs the libFuzzer target for NetKit's address parsers.
#
#   Fuzz/run.sh [seconds]          (default 60; FUZZ_JOBS=N runs N workers)
#
# The target is compiled straight from Sources/NetKit/Address (not part of `swift build`) with
# `swiftc -sanitize=fuzzer,address`, seeded from Fuzz/seeds.txt (reliability.md §59), and run for a
# bounded time. It prints the number of executions. Crashes land in Fuzz/.build/artifacts/.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Fuzz/.build"
corpus="$out/corpus"
mkdir -p "$out" "$corpus" "$out/artifacts"

address="$root/Sources/NetKit/Address"
sources=()
# The value types only (IPAddr.swift and the other *Addr types need the Syscall layer).
for f in "$address"/IP.swift "$address"/IP+*.swift "$address"/IPMask*.swift "$address"/IPNet*.swift \
         "$address"/Prefix*.swift "$address"/AddrPort*.swift "$address"/ParseError.swift; do
    [ -e "$f" ] && sources+=("$f")
done
defines=()
# splitHostPort (helper "addr") once it is in the tree; it needs AddrError.swift.
if compgen -G "$address/HostPort*.swift" > /dev/null && [ -e "$address/AddrError.swift" ]; then
    sources+=("$address"/HostPort*.swift "$address/AddrError.swift")
    defines+=(-D NETKIT_FUZZ_SPLITHOSTPORT)
fi

echo "building address fuzzer from ${#sources[@]} source files"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name NetKitAddressFuzz "${defines[@]}" \
    "${sources[@]}" "$root/Fuzz/AddressFuzz.swift" \
    -o "$out/address-fuzz" 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" || true
[ -x "$out/address-fuzz" ] || { echo "build failed"; exit 1; }

# Seed corpus: one file per line of seeds.txt.
i=0
while IFS= read -r line || [ -n "$line" ]; do
    printf '%s' "$line" > "$corpus/seed-$i"
    i=$((i + 1))
done < "$root/Fuzz/seeds.txt"

log="$out/fuzz.log"
jobs="${FUZZ_JOBS:-1}"
echo "fuzzing for ${seconds}s (${jobs} job(s)); log: $log"
set +e
# The Swift runtime's crash handler would read memory under ASan; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
if [ "$jobs" -gt 1 ]; then
    "$out/address-fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
        -jobs="$jobs" -workers="$jobs" "$corpus" > "$log" 2>&1
else
    "$out/address-fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
        "$corpus" > "$log" 2>&1
fi
status=$?
set -e
if [ "$jobs" -gt 1 ]; then
    cat "$root"/fuzz-*.log >> "$log" 2>/dev/null || true
    rm -f "$root"/fuzz-*.log
fi
grep -E "FUZZ CHECK FAILED|ERROR: AddressSanitizer|deadly signal|^Done" "$log" || true
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
echo "executions: $runs"
exit $status
