#!/usr/bin/env bash
# Measures idcap's CPU use, in % of one core, in three states: the live demo camera, a captured
# still, and the review tab after the camera has run. Runs the app on its own virtual X display
# (Xvfb) and clicks with xdotool, so it needs neither a screen nor a camera.
#
#   scripts/cpu_idle.sh [path/to/idcap]      (default: $CARGO_TARGET_DIR or target, debug build)
#
# Each figure is the process's user + system CPU time over a 5 s window (from /proc/PID/stat),
# divided by the wall time. The still is taken with Space after the live window, so the states do
# not depend on how fast the machine is. Results are machine-dependent: compare builds on the same
# machine at the same time.
set -euo pipefail

BIN=${1:-${CARGO_TARGET_DIR:-target}/debug/idcap}
DISPLAY_NUM=${DISPLAY_NUM:-:97}
WINDOW=${WINDOW:-5}
[ -x "$BIN" ] || { echo "no idcap binary at $BIN (cargo build first)" >&2; exit 2; }

SCRATCH=$(mktemp -d)
Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
APP=
cleanup() {
    [ -n "$APP" ] && kill "$APP" 2>/dev/null || true
    kill "$XVFB" 2>/dev/null || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
export DISPLAY=$DISPLAY_NUM
sleep 1

# A fresh settings directory, so a saved camera or document type does not change the run.
XDG_CONFIG_HOME=$SCRATCH XDG_DATA_HOME=$SCRATCH HOME=$SCRATCH "$BIN" --source demo \
    >"$SCRATCH/out" 2>&1 &
APP=$!

ticks() { awk '{print $14 + $15}' "/proc/$APP/stat"; }
cpu() {
    local a b hz
    hz=$(getconf CLK_TCK)
    a=$(ticks)
    sleep "$WINDOW"
    b=$(ticks)
    awk -v a="$a" -v b="$b" -v hz="$hz" -v s="$WINDOW" 'BEGIN { printf "%.0f", (b - a) * 100 / (hz * s) }'
}

WID=$(xdotool search --sync --name "idcap" | head -n 1)
xdotool windowmove "$WID" 0 0 windowsize "$WID" 1280 800
# Long enough for the demo to start on a busy machine, the card then in view; short enough that
# the 5 s live window ends before the demo's front is auto-captured (about 12 s in, on a release
# build too).
sleep "${STARTUP:-5}"
echo "live demo:                $(cpu) %"
# Space captures the frame in view: the captured still.
xdotool windowfocus --sync "$WID" key space
sleep 2
echo "captured still:           $(cpu) %"
# The "Review photos" tab in the top bar.
xdotool mousemove 215 12 click 1
sleep 2
echo "review tab (camera run):  $(cpu) %"
import -window root "${SHOT:-/dev/null}" 2>/dev/null || true
