#!/usr/bin/env bash
# Builds and runs the libFuzzer target for NetKit's DNS message parser.
#
#   Fuzz/run-dns.sh [seconds]          (default 60; FUZZ_JOBS=N runs N workers)
#
# The target is compiled straight from the DNS message sources and the IP value type (not part of
# `swift build`) with `swiftc -sanitize=fuzzer,address`, seeded with DNS messages written by
# Fuzz/dns-seeds.py (queries and answers of every record type, compressed and not), and run for a bounded
# time. It prints the number of executions. Crashes land in Fuzz/.build/dns-artifacts/.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Fuzz/.build"
corpus="$out/dns-corpus"
mkdir -p "$out" "$corpus" "$out/dns-artifacts"

address="$root/Sources/NetKit/Address"
dns="$root/Sources/NetKit/Net/DNS"
sources=()
for f in "$address"/IP.swift "$address"/IP+*.swift "$address"/IPMask*.swift "$address"/IPNet*.swift \
         "$address"/Prefix*.swift "$address"/AddrPort*.swift "$address"/ParseError.swift \
         "$dns"/DNSHeader.swift "$dns"/DNSName.swift "$dns"/DNSParser.swift "$dns"/DNSBuilder.swift \
         "$dns"/DNSEDNS0.swift "$dns"/DNSRecords.swift; do
    [ -e "$f" ] && sources+=("$f")
done

rm -f "$out/dns-fuzz"
echo "building DNS fuzzer from ${#sources[@]} source files"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name NetKitDNSFuzz \
    "${sources[@]}" "$root/Fuzz/DNSFuzz.swift" \
    -o "$out/dns-fuzz" 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" || true
[ -x "$out/dns-fuzz" ] || { echo "build failed"; exit 1; }

python3 "$root/Fuzz/dns-seeds.py" "$corpus"

log="$out/dns-fuzz.log"
jobs="${FUZZ_JOBS:-1}"
echo "fuzzing for ${seconds}s (${jobs} job(s)); log: $log"
set +e
export SWIFT_BACKTRACE=enable=no
if [ "$jobs" -gt 1 ]; then
    "$out/dns-fuzz" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 \
        -artifact_prefix="$out/dns-artifacts/" -jobs="$jobs" -workers="$jobs" "$corpus" > "$log" 2>&1
else
    "$out/dns-fuzz" -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 \
        -artifact_prefix="$out/dns-artifacts/" "$corpus" > "$log" 2>&1
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
