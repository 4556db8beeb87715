#!/usr/bin/env bash
# Interoperability tests: NetKit's example programs (Examples/) as real processes on loopback, talking to real
# third-party programs from Debian's packages — netcat-openbsd (nc), socat and rdate.
#
#   bash Tests/Interop/run.sh
#
# Builds the examples (`swift build --product …`; set NETKIT_INTEROP_NO_BUILD=1 to skip), runs every check, and
# ends with the line "N passed, M failed"; the exit status is non-zero if any check failed.
#
# Checks compare bytes, not just exit codes: the daytime line must match RFC 867's suggested syntax and be within
# a few seconds of `date -u`; rdate must print our time; the echo server must return exactly what was sent
# (a 1 MiB random file, compared by SHA-256). Every client command runs under `timeout`; every process started
# here is stopped by its PID (SIGTERM, then SIGKILL after a grace period) and waited for.
#
# While this NetKit build lacks UDP or Unix sockets (their dial/listen report "unknown network"), the checks that
# need them are skipped and counted on a separate line; NETKIT_INTEROP_STRICT=1 counts them as failures instead.
set -uo pipefail
cd "$(dirname "$0")/../.."

# ---------------------------------------------------------------------------------------------------------------
# Tools

need=()
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v socat >/dev/null || need+=(socat)
command -v rdate >/dev/null || need+=(rdate)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi || { echo "error: cannot install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

EXAMPLES=(daytime-client daytime-server time-client time-server echo-server nkcat)
if [ "${NETKIT_INTEROP_NO_BUILD:-0}" != 1 ]; then
    for product in "${EXAMPLES[@]}"; do
        swift build --product "$product" >/dev/null 2>&1 || {
            swift build --product "$product" 2>&1 | tail -20
            echo "error: cannot build $product"; echo "0 passed, 1 failed"; exit 1
        }
    done
fi
BIN=$(swift build --show-bin-path)

# ---------------------------------------------------------------------------------------------------------------
# Bookkeeping

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
SKIPS=()
TMP=$(mktemp -d "${TMPDIR:-/tmp}/netkit-interop.XXXXXX")
STARTED=()  # every background process, stopped at exit if still running
GRACE=5     # seconds between SIGTERM and SIGKILL

pass() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1: $2"); printf '  FAIL  %s: %s\n' "$1" "$2"; }
skip() {
    if [ "${NETKIT_INTEROP_STRICT:-0}" = 1 ]; then fail "$1" "skipped: $2"; return; fi
    SKIPPED=$((SKIPPED + 1)); SKIPS+=("$1"); printf '  skip  %s (%s)\n' "$1" "$2"
}
section() { printf '\n== %s\n' "$1"; }

# is_running PID: the process exists and is not a zombie.
is_running() {
    [ -r "/proc/$1/stat" ] || return 1
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ]
}

# stop PID [SIGNAL]: sends SIGNAL (default TERM), waits up to $GRACE seconds, then SIGKILL; returns the exit status.
stop() {
    local pid=$1 signal=${2:-TERM} i
    kill -s "$signal" "$pid" 2>/dev/null
    for ((i = 0; i < GRACE * 20; i++)); do
        is_running "$pid" || break
        sleep 0.05
    done
    if is_running "$pid"; then
        echo "    (pid $pid ignored SIG$signal for ${GRACE}s: SIGKILL)"
        kill -9 "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
}

cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do
        is_running "$pid" && stop "$pid"
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

# background COMMAND…: starts COMMAND in the background (its PID in $LAST_PID, remembered for cleanup); its
# standard error goes to a log that is shown only if a check failed. (The explicit `<&0` keeps the caller's
# standard input: without it, bash gives an asynchronous command /dev/null.)
background() {
    "$@" <&0 2>>"$TMP/background.log" &
    LAST_PID=$!
    STARTED+=("$LAST_PID")
}

# free_port: a port nothing on this machine uses right now (for the third-party listeners), below Linux's
# ephemeral range (32768 and up), so that no outgoing connection takes it meanwhile.
free_port() {
    local port _
    for _ in $(seq 1 100); do
        port=$((10000 + RANDOM % 22000))
        if ! ss -Htuan 2>/dev/null | awk '{ print $5 }' | grep -q ":$port\$"; then
            echo "$port"
            return
        fi
    done
    echo $((10000 + RANDOM % 22000))
}

# wait_for_port PORT [tcp|udp]: until a socket listens on PORT (at most 5 s). Asks ss(8) rather than
# connecting: a probe connection would be the one peer that socat (without fork) or nkcat -l serves.
wait_for_port() {
    local flags=-Htln i
    [ "${2:-tcp}" = udp ] && flags=-Huln
    for ((i = 0; i < 100; i++)); do
        ss $flags "sport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.05
    done
    return 1
}

# wait_for_connection PORT: until a TCP connection to PORT is established (at most 5 s).
wait_for_connection() {
    local i
    for ((i = 0; i < 100; i++)); do
        ss -Htn state established "dport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.05
    done
    return 1
}

# finish PID [SECONDS]: waits up to SECONDS (default 10) for PID to exit by itself, then stops it; returns the
# exit status.
finish() {
    local pid=$1 i
    for ((i = 0; i < ${2:-10} * 20; i++)); do
        is_running "$pid" || break
        sleep 0.05
    done
    stop "$pid"
}

# wait_for_path PATH: until the Unix socket PATH exists (at most 5 s).
wait_for_path() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# start_server NAME ARGS…: starts the example server NAME on port 0 (it picks a free port), waits for its
# "listening on" line and sets SERVER_PID and PORT (the TCP port; UDP uses the same number).
start_server() {
    local name=$1 i
    shift
    local log="$TMP/$name.$RANDOM.log"
    "$BIN/$name" "$@" 2>"$log" &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_LOG=$log
    PORT=""
    for ((i = 0; i < 200; i++)); do
        PORT=$(grep -o 'listening on tcp [0-9.]*:[0-9]*' "$log" 2>/dev/null | head -1 | sed 's/.*://')
        [ -n "$PORT" ] && return 0
        is_running "$SERVER_PID" || break
        sleep 0.05
    done
    echo "    $name did not start: $(cat "$log")"
    return 1
}

# ---------------------------------------------------------------------------------------------------------------
# Checks on the bytes

DAYTIME_RE='^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (January|February|March|April|May|June|July|August|September|October|November|December) [1-9][0-9]?, [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9]-UTC$'

# check_daytime NAME FILE: FILE holds one RFC 867 line (CRLF allowed) within 5 s of now.
check_daytime() {
    local name=$1 file=$2 line when now
    line=$(tr -d '\r' <"$file")
    if [ "$(wc -l <"$file")" -gt 1 ] || ! [[ $line =~ $DAYTIME_RE ]]; then
        fail "$name" "not an RFC 867 line: $(head -c 200 "$file" | od -c | head -3 | tr '\n' ' ')"
        return
    fi
    when=$(date -u -d "${line%-UTC} UTC" +%s 2>/dev/null)
    now=$(date -u +%s)
    if [ -z "$when" ] || [ $((now - when)) -gt 5 ] || [ $((when - now)) -gt 5 ]; then
        fail "$name" "'$line' is not within 5 s of $(date -u)"
        return
    fi
    pass "$name"
}

# check_same NAME EXPECTED ACTUAL: the two files have the same bytes (SHA-256).
check_same() {
    local want got
    want=$(sha256sum <"$2" | cut -d' ' -f1)
    got=$(sha256sum <"$3" | cut -d' ' -f1)
    if [ "$want" = "$got" ]; then
        pass "$1"
    else
        fail "$1" "sent $(wc -c <"$2") bytes (sha256 ${want:0:12}), got back $(wc -c <"$3") bytes (sha256 ${got:0:12})"
    fi
}

# check_text NAME EXPECTED FILE: FILE holds exactly the text EXPECTED.
check_text() {
    local got
    got=$(cat "$3")
    if [ "$got" = "$2" ]; then pass "$1"; else fail "$1" "expected '$2', got '$got'"; fi
}

# check_exit NAME EXPECTED ACTUAL
check_exit() {
    if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "exit status $3, expected $2"; fi
}

# rfc868_now: the RFC 868 value for now (seconds since 1900, mod 2^32).
rfc868_now() { echo $((($(date -u +%s) + 2208988800) % 4294967296)); }

# ---------------------------------------------------------------------------------------------------------------
# What this NetKit build supports: until UDP and Unix sockets land, their dial/listen say "unknown network".

UDP=yes
"$BIN/daytime-client" --udp --timeout 1s 127.0.0.1:9 2>"$TMP/probe-udp" >/dev/null
grep -q 'unknown network udp' "$TMP/probe-udp" && UDP=no
UNIX=yes
timeout 5 "$BIN/nkcat" -U "$TMP/probe.sock" </dev/null 2>"$TMP/probe-unix" >/dev/null
grep -q 'unknown network unix' "$TMP/probe-unix" && UNIX=no
echo "binaries: $BIN (UDP: $UDP, Unix sockets: $UNIX)"

RANDOM_FILE="$TMP/random-1MiB"
head -c 1048576 /dev/urandom >"$RANDOM_FILE"

# ---------------------------------------------------------------------------------------------------------------
section "daytime-server (RFC 867) with nc and socat"

if start_server daytime-server --addr 127.0.0.1:0; then
    timeout 5 nc 127.0.0.1 "$PORT" </dev/null >"$TMP/d1"
    check_daytime "daytime tcp: nc reads the line" "$TMP/d1"

    timeout 5 socat -u "TCP:127.0.0.1:$PORT" - >"$TMP/d2"
    check_daytime "daytime tcp: socat reads the line" "$TMP/d2"

    printf 'ignored input\n' | timeout 5 nc -N 127.0.0.1 "$PORT" >"$TMP/d3"
    status=$?
    if [ $status = 0 ]; then check_daytime "daytime tcp: client input is discarded" "$TMP/d3"; else
        fail "daytime tcp: client input is discarded" "nc exit status $status"; fi

    # A client that connects and never reads must not hold up the others.
    background timeout 20 socat -u "TCP:127.0.0.1:$PORT" "SYSTEM:sleep 15"
    idle=$LAST_PID
    clients=()
    for i in $(seq 1 20); do
        timeout 5 socat -u "TCP:127.0.0.1:$PORT" - >"$TMP/dc$i" &
        clients+=($!)
    done
    for pid in "${clients[@]}"; do wait "$pid"; done
    bad=0
    for i in $(seq 1 20); do
        line=$(tr -d '\r' <"$TMP/dc$i")
        [[ $line =~ $DAYTIME_RE ]] || bad=$((bad + 1))
    done
    if [ $bad = 0 ]; then pass "daytime tcp: 20 concurrent clients beside one that never reads"; else
        fail "daytime tcp: 20 concurrent clients beside one that never reads" "$bad clients got no line"; fi
    stop "$idle"

    if [ $UDP = yes ]; then
        printf 'x' | timeout 5 socat -t 3 - "UDP:127.0.0.1:$PORT" >"$TMP/d4"
        check_daytime "daytime udp: socat gets a datagram with the line" "$TMP/d4"
        printf 'x' | timeout 5 nc -u -w 1 127.0.0.1 "$PORT" >"$TMP/d5"
        check_daytime "daytime udp: nc -u gets a datagram with the line" "$TMP/d5"
    else
        skip "daytime udp: socat" "no UDP in this build"
        skip "daytime udp: nc -u" "no UDP in this build"
    fi

    stop "$SERVER_PID" TERM
    check_exit "daytime-server: SIGTERM → exit 0" 0 $?
else
    fail "daytime-server starts" "see above"
fi

if start_server daytime-server --addr 127.0.0.1:0; then
    stop "$SERVER_PID" INT
    check_exit "daytime-server: SIGINT → exit 0" 0 $?
else
    fail "daytime-server starts (SIGINT)" "see above"
fi

# ---------------------------------------------------------------------------------------------------------------
section "daytime-client against socat servers"

printf 'Tuesday, February 22, 1982 17:37:43-PST\r\n' >"$TMP/rfc867-example"  # the RFC's own example
port=$(free_port)
background timeout 20 socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "OPEN:$TMP/rfc867-example"
helper=$LAST_PID
if wait_for_port "$port"; then
    timeout 10 "$BIN/daytime-client" --timeout 5s "127.0.0.1:$port" >"$TMP/c1" 2>&1
    check_text "daytime-client: prints the line a socat server sent" "Tuesday, February 22, 1982 17:37:43-PST" "$TMP/c1"
else
    fail "daytime-client: prints the line a socat server sent" "socat did not listen"
fi
stop "$helper"

port=$(free_port)
background timeout 20 socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "SYSTEM:sleep 10"
helper=$LAST_PID
if wait_for_port "$port"; then
    timeout 10 "$BIN/daytime-client" --timeout 500ms "127.0.0.1:$port" >"$TMP/c2" 2>&1
    status=$?
    if [ $status = 1 ] && grep -Eq "^daytime-client: read tcp 127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$port: i/o timeout\$" "$TMP/c2"; then
        pass "daytime-client: a silent server → 'i/o timeout', exit 1"
    else
        fail "daytime-client: a silent server → 'i/o timeout', exit 1" "exit $status: $(cat "$TMP/c2")"
    fi
else
    fail "daytime-client: a silent server" "socat did not listen"
fi
stop "$helper"

port=$(free_port)
timeout 10 "$BIN/daytime-client" "127.0.0.1:$port" >"$TMP/c3" 2>&1
check_text "daytime-client: refused → Go's dial error" "daytime-client: dial tcp 127.0.0.1:$port: connect: connection refused" "$TMP/c3"
timeout 10 "$BIN/daytime-client" "127.0.0.1:$port" >/dev/null 2>&1
check_exit "daytime-client: refused → exit 1" 1 $?
timeout 10 "$BIN/daytime-client" 127.0.0.1 >"$TMP/c4" 2>&1
check_text "daytime-client: bad address → Go's error" "daytime-client: dial tcp: address 127.0.0.1: missing port in address" "$TMP/c4"

if [ $UDP = yes ]; then
    port=$(free_port)
    background timeout 20 socat "UDP-RECVFROM:$port,bind=127.0.0.1,reuseaddr" "SYSTEM:cat $TMP/rfc867-example"
    helper=$LAST_PID
    wait_for_port "$port" udp
    timeout 10 "$BIN/daytime-client" --udp --timeout 5s "127.0.0.1:$port" >"$TMP/c5" 2>&1
    check_text "daytime-client --udp: prints the datagram a socat server sent" "Tuesday, February 22, 1982 17:37:43-PST" "$TMP/c5"
    stop "$helper"
else
    skip "daytime-client --udp against socat" "no UDP in this build"
fi

# ---------------------------------------------------------------------------------------------------------------
section "time-server (RFC 868) with rdate and nc"

if start_server time-server --addr 127.0.0.1:0; then
    out=$(TZ=UTC timeout 10 rdate -p -o "$PORT" 127.0.0.1 2>&1)
    status=$?
    when=$(date -u -d "${out##*$'\t'}" +%s 2>/dev/null)
    now=$(date -u +%s)
    if [ $status = 0 ] && [ -n "$when" ] && [ $((now - when)) -le 5 ] && [ $((when - now)) -le 5 ]; then
        pass "time tcp: rdate -p prints our time ($out)"
    else
        fail "time tcp: rdate -p prints our time" "exit $status: $out"
    fi

    timeout 5 nc 127.0.0.1 "$PORT" </dev/null >"$TMP/t1"
    value=$(od -An -tu1 "$TMP/t1" | awk '{ if (NF == 4) printf "%.0f\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
    want=$(rfc868_now)
    if [ "$(wc -c <"$TMP/t1")" = 4 ] && [ -n "$value" ] && [ $((want - value)) -le 5 ] && [ $((value - want)) -le 5 ]; then
        pass "time tcp: nc reads 4 big-endian bytes (seconds since 1900)"
    else
        fail "time tcp: nc reads 4 big-endian bytes" "got $(od -An -tx1 "$TMP/t1"), expected about $want"
    fi

    if [ $UDP = yes ]; then
        out=$(TZ=UTC timeout 10 rdate -u -p -o "$PORT" 127.0.0.1 2>&1)
        status=$?
        when=$(date -u -d "${out##*$'\t'}" +%s 2>/dev/null)
        now=$(date -u +%s)
        if [ $status = 0 ] && [ -n "$when" ] && [ $((now - when)) -le 5 ] && [ $((when - now)) -le 5 ]; then
            pass "time udp: rdate -u -p prints our time ($out)"
        else
            fail "time udp: rdate -u -p prints our time" "exit $status: $out"
        fi
    else
        skip "time udp: rdate -u" "no UDP in this build"
    fi

    stop "$SERVER_PID" TERM
    check_exit "time-server: SIGTERM → exit 0" 0 $?
else
    fail "time-server starts" "see above"
fi

if start_server time-server --addr 127.0.0.1:0; then
    stop "$SERVER_PID" INT
    check_exit "time-server: SIGINT → exit 0" 0 $?
fi

section "time-client against socat servers"

# 2000-01-01T00:00:00Z is 3155673600 = 0xBC17C200 seconds after 1900; 0x00000001 is one second after the
# 32-bit count wrapped, 2036-02-07T06:28:17Z.
for case in 'bc 17 c2 00|2000-01-01T00:00:00Z' '00 00 00 01|2036-02-07T06:28:17Z'; do
    bytes=${case%|*}
    want=${case#*|}
    printf "$(printf '\\x%s' $bytes)" >"$TMP/t-answer"  # the 4 bytes socat sends
    port=$(free_port)
    background timeout 20 socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "OPEN:$TMP/t-answer"
    helper=$LAST_PID
    if wait_for_port "$port"; then
        timeout 10 "$BIN/time-client" --timeout 5s "127.0.0.1:$port" >"$TMP/t2" 2>&1
        check_text "time-client: decodes $bytes as $want" "$want" "$TMP/t2"
    else
        fail "time-client: decodes $bytes" "socat did not listen"
    fi
    stop "$helper"
done

# ---------------------------------------------------------------------------------------------------------------
section "echo-server (RFC 862) with nc and socat"

ECHO_SOCK="$TMP/echo.sock"
unix_args=()
[ $UNIX = yes ] && unix_args=(--unix "$ECHO_SOCK")
if start_server echo-server --addr 127.0.0.1:0 "${unix_args[@]}"; then
    timeout 20 nc -N 127.0.0.1 "$PORT" <"$RANDOM_FILE" >"$TMP/e1"
    check_same "echo tcp: nc gets 1 MiB back" "$RANDOM_FILE" "$TMP/e1"

    timeout 20 socat -t 10 - "TCP:127.0.0.1:$PORT" <"$RANDOM_FILE" >"$TMP/e2"
    check_same "echo tcp: socat gets 1 MiB back" "$RANDOM_FILE" "$TMP/e2"

    printf 'hello, echo\r\n' >"$TMP/e3-in"
    timeout 5 nc -N 127.0.0.1 "$PORT" <"$TMP/e3-in" >"$TMP/e3"
    check_same "echo tcp: a short line comes back byte for byte" "$TMP/e3-in" "$TMP/e3"

    clients=()
    for i in $(seq 1 16); do
        head -c $((4096 * i)) "$RANDOM_FILE" >"$TMP/ec$i-in"
        timeout 20 socat -t 10 - "TCP:127.0.0.1:$PORT" <"$TMP/ec$i-in" >"$TMP/ec$i" &
        clients+=($!)
    done
    for pid in "${clients[@]}"; do wait "$pid"; done
    bad=0
    for i in $(seq 1 16); do cmp -s "$TMP/ec$i-in" "$TMP/ec$i" || bad=$((bad + 1)); done
    if [ $bad = 0 ]; then pass "echo tcp: 16 concurrent socat clients"; else
        fail "echo tcp: 16 concurrent socat clients" "$bad of 16 got other bytes back"; fi

    if [ $UDP = yes ]; then
        printf 'hello, udp' | timeout 5 socat -t 3 - "UDP:127.0.0.1:$PORT" >"$TMP/e4"
        check_text "echo udp: socat gets its datagram back" "hello, udp" "$TMP/e4"
        printf 'ping' | timeout 5 nc -u -w 1 127.0.0.1 "$PORT" >"$TMP/e5"
        check_text "echo udp: nc -u gets its datagram back" "ping" "$TMP/e5"
    else
        skip "echo udp: socat" "no UDP in this build"
        skip "echo udp: nc -u" "no UDP in this build"
    fi

    if [ $UNIX = yes ]; then
        timeout 20 socat -t 10 - "UNIX-CONNECT:$ECHO_SOCK" <"$RANDOM_FILE" >"$TMP/e6"
        check_same "echo unix: socat gets 1 MiB back" "$RANDOM_FILE" "$TMP/e6"
        timeout 5 nc -N -U "$ECHO_SOCK" <"$TMP/e3-in" >"$TMP/e7"
        check_same "echo unix: nc -U gets a line back" "$TMP/e3-in" "$TMP/e7"
    else
        skip "echo unix: socat" "no Unix sockets in this build"
        skip "echo unix: nc -U" "no Unix sockets in this build"
    fi

    # SIGTERM with a connection open: the server closes it (the client sees the end) and exits 0.
    background timeout 20 socat -u "TCP:127.0.0.1:$PORT" "SYSTEM:cat >$TMP/e8"
    client=$LAST_PID
    wait_for_connection "$PORT"
    stop "$SERVER_PID" TERM
    check_exit "echo-server: SIGTERM with a client connected → exit 0" 0 $?
    finish "$client" 5
    check_exit "echo-server: the connected client saw the end of the stream" 0 $?
    if [ $UNIX = yes ]; then
        if [ ! -e "$ECHO_SOCK" ]; then pass "echo-server: its Unix socket file is gone after exit"; else
            fail "echo-server: its Unix socket file is gone after exit" "$ECHO_SOCK still exists"; fi
    fi
else
    fail "echo-server starts" "see above"
fi

port=$(free_port)
if start_server echo-server --port "$port"; then
    check_text "echo-server --port N listens on 127.0.0.1:N" "$port" <(echo "$PORT")
    printf 'via --port' | timeout 5 nc -N 127.0.0.1 "$port" >"$TMP/e9"
    check_text "echo-server --port N echoes" "via --port" "$TMP/e9"
    stop "$SERVER_PID" INT
    check_exit "echo-server: SIGINT → exit 0" 0 $?
else
    fail "echo-server --port starts" "see above"
fi

# ---------------------------------------------------------------------------------------------------------------
section "nkcat against socat and nc"

port=$(free_port)
background timeout 30 socat -t 10 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" EXEC:cat
helper=$LAST_PID
if wait_for_port "$port"; then
    timeout 20 "$BIN/nkcat" "127.0.0.1:$port" <"$RANDOM_FILE" >"$TMP/n1"
    check_same "nkcat tcp: 1 MiB through a socat echo (half-close at end of input)" "$RANDOM_FILE" "$TMP/n1"
else
    fail "nkcat tcp: socat echo" "socat did not listen"
fi
stop "$helper"

port=$(free_port)
printf 'from nkcat\n' >"$TMP/n2-in"
background timeout 20 "$BIN/nkcat" -l "127.0.0.1:$port" <"$TMP/n2-in" >"$TMP/n2"
helper=$LAST_PID
if wait_for_port "$port"; then
    timeout 10 nc -N 127.0.0.1 "$port" <"$RANDOM_FILE" >"$TMP/n2-back"
    finish "$helper"
    check_exit "nkcat -l tcp: exit 0 after the peer closed" 0 $?
    check_same "nkcat -l tcp: prints 1 MiB nc sent" "$RANDOM_FILE" "$TMP/n2"
    check_same "nkcat -l tcp: nc gets nkcat's input" "$TMP/n2-in" "$TMP/n2-back"
else
    fail "nkcat -l tcp" "nkcat did not listen"
    stop "$helper"
fi

port=$(free_port)
timeout 10 "$BIN/nkcat" "127.0.0.1:$port" </dev/null >"$TMP/n3" 2>&1
check_text "nkcat: refused → Go's dial error" "nkcat: dial tcp 127.0.0.1:$port: connect: connection refused" "$TMP/n3"

if [ $UDP = yes ]; then
    port=$(free_port)
    background timeout 20 socat -T 5 "UDP-LISTEN:$port,bind=127.0.0.1,reuseaddr" PIPE
    helper=$LAST_PID
    wait_for_port "$port" udp
    printf 'datagram' | timeout 10 "$BIN/nkcat" -u "127.0.0.1:$port" >"$TMP/n4"
    check_text "nkcat -u: a datagram through a socat echo" "datagram" "$TMP/n4"
    stop "$helper"

    port=$(free_port)
    printf 'pong' >"$TMP/n5-in"
    background timeout 20 "$BIN/nkcat" -l -u "127.0.0.1:$port" <"$TMP/n5-in" >"$TMP/n5"
    helper=$LAST_PID
    wait_for_port "$port" udp
    printf 'ping' | timeout 5 socat -t 2 - "UDP:127.0.0.1:$port" >"$TMP/n5-back"
    finish "$helper"
    check_text "nkcat -l -u: prints the datagram socat sent" "ping" "$TMP/n5"
    check_text "nkcat -l -u: socat gets nkcat's input" "pong" "$TMP/n5-back"
else
    skip "nkcat -u against socat" "no UDP in this build"
    skip "nkcat -l -u against socat" "no UDP in this build"
fi

if [ $UNIX = yes ]; then
    sock="$TMP/socat.sock"
    background timeout 30 socat -t 10 "UNIX-LISTEN:$sock" EXEC:cat
    helper=$LAST_PID
    if wait_for_path "$sock"; then
        timeout 20 "$BIN/nkcat" -U "$sock" <"$RANDOM_FILE" >"$TMP/n6"
        check_same "nkcat -U: 1 MiB through a socat echo" "$RANDOM_FILE" "$TMP/n6"
    else
        fail "nkcat -U: socat echo" "socat did not listen"
    fi
    stop "$helper"

    sock="$TMP/nkcat.sock"
    background timeout 20 "$BIN/nkcat" -l -U "$sock" <"$TMP/n2-in" >"$TMP/n7"
    helper=$LAST_PID
    if wait_for_path "$sock"; then
        printf 'over unix' | timeout 10 socat -t 5 - "UNIX-CONNECT:$sock" >"$TMP/n7-back"
        finish "$helper"
        check_text "nkcat -l -U: prints what socat sent" "over unix" "$TMP/n7"
        check_same "nkcat -l -U: socat gets nkcat's input" "$TMP/n2-in" "$TMP/n7-back"
    else
        fail "nkcat -l -U" "nkcat did not listen"
    fi
else
    skip "nkcat -U against socat" "no Unix sockets in this build"
    skip "nkcat -l -U against socat" "no Unix sockets in this build"
fi

# ---------------------------------------------------------------------------------------------------------------
echo
if [ $FAILED -gt 0 ] && [ -s "$TMP/background.log" ]; then
    echo "standard error of the helper processes:"
    sed 's/^/    /' "$TMP/background.log" | tail -40
fi
for f in "${FAILURES[@]}"; do echo "failed: $f"; done
[ $SKIPPED -gt 0 ] && echo "$SKIPPED skipped: ${SKIPS[*]}"
echo "$PASSED passed, $FAILED failed"
[ $FAILED = 0 ]
