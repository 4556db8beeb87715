#!/usr/bin/env bash
# Builds NetKit's documentation — the DocC catalog Sources/NetKit/NetKit.docc and every public symbol's doc
# comment — with the toolchain's own `docc`, and fails on any warning (a broken or ambiguous ``Symbol`` link,
# a missing page).
#
#   bash Scripts/build-docs.sh [OUTPUT]     (default OUTPUT: .build/docs/NetKit.doccarchive)
#
# The symbol graph is extracted from the normal debug build of the NetKit target (`swift build --target
# NetKit`, incremental) with the toolchain's swift-symbolgraph-extract, so no second build with other flags.
set -euo pipefail
cd "$(dirname "$0")/.."

OUTPUT=${1:-.build/docs/NetKit.doccarchive}

TOOLS=$(dirname "$(readlink -f "$(command -v swift)")")
DOCC="$TOOLS/docc"
EXTRACT="$TOOLS/swift-symbolgraph-extract"
for tool in "$DOCC" "$EXTRACT"; do
    if [ ! -x "$tool" ]; then
        echo "error: $tool not found next to swift" >&2
        exit 1
    fi
done

echo "== swift build --target NetKit"
swift build --target NetKit
BIN=$(swift build --show-bin-path)

GRAPHS=$(mktemp -d "${TMPDIR:-/tmp}/netkit-symbolgraph.XXXXXX")
trap 'rm -rf "$GRAPHS"' EXIT
echo "== symbol graph (public symbols)"
"$EXTRACT" -module-name NetKit \
    -target "$(uname -m)-unknown-linux-gnu" \
    -I "$BIN/Modules" \
    -Xcc -fmodule-map-file="$BIN/CNetKit.build/module.modulemap" \
    -I Sources/CNetKit/include \
    -minimum-access-level public \
    -output-dir "$GRAPHS"

echo "== docc convert → $OUTPUT"
mkdir -p "$(dirname "$OUTPUT")"
"$DOCC" convert Sources/NetKit/NetKit.docc \
    --additional-symbol-graph-dir "$GRAPHS" \
    --fallback-display-name NetKit \
    --fallback-bundle-identifier org.netkit.NetKit \
    --output-path "$OUTPUT" \
    --warnings-as-errors
echo "documentation: $OUTPUT"
