#!/usr/bin/env bash
# Regenerates the golden run logs in golden/ by running the real opentrons_simulate
# (opentrons==9.0.0 from PyPI, in a throwaway venv outside the repository) on every
# protocol in protocols/. Run by hand; `make test` never runs it.
#
#   tests/protocollib/make_golden.sh            # venv in /tmp/ot-ref
#   OT_REF_VENV=/some/dir tests/protocollib/make_golden.sh
#
# protocols/NAME.py|NAME.json -> golden/NAME.log   : the simulator's stdout (the run log), verbatim
# protocols/err_NAME.py       -> golden/err_NAME.error : the error message it ends with on stderr
# Nothing is stripped from run logs: the real simulator prints nothing volatile on stdout.
# From stderr only the final error message is kept: it starts at the last line that opens
# with an exception name ("SomeError: ..." or "SomeError [line N]: ...") and runs to the end
# (some messages span several lines), less trailing blank lines. Dropped as volatile or
# beside the point: the traceback frames (they hold the venv's paths) and the notes about
# missing calibration files.
# Python protocols loading labware whose load name starts with "ourlab_" get "-L labware/"
# (JSON protocols carry their labware definitions inside).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${OT_REF_VENV:-/tmp/ot-ref}"
ref_version="9.0.0"

ensure_reference_venv() {
    if [[ -x "$venv/bin/opentrons_simulate" ]] \
        && "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('opentrons') != '$ref_version')"; then
        return
    fi
    echo "creating reference venv in $venv (opentrons==$ref_version)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "opentrons==$ref_version"
}

simulate() {
    local protocol="$1" out="$2" err="$3"
    local labware_args=()
    if [[ "$protocol" == *.py ]] && grep -q 'ourlab_' "$protocol"; then
        labware_args=(-L "$here/labware")
    fi
    # The simulator reads and writes its robot config under OT_API_CONFIG_DIR (default
    # ~/.opentrons); a fresh empty directory keeps every run identical and the home clean.
    OT_API_CONFIG_DIR="$config_dir" "$venv/bin/opentrons_simulate" \
        "${labware_args[@]}" "$protocol" >"$out" 2>"$err"
}

final_error_message() {
    awk '
        /^[A-Za-z_][A-Za-z0-9_.]*(: | \[line [0-9]+\]: |:$)/ { n = 0 }
        { lines[++n] = $0 }
        END {
            while (n > 0 && lines[n] ~ /^[[:space:]]*$/) n--
            for (i = 1; i <= n; i++) print lines[i]
        }'
}

regenerate_one() {
    local protocol="$1" name stem out err
    name="$(basename "$protocol")"
    stem="${name%.*}"
    out="$(mktemp)" err="$(mktemp)"
    if simulate "$protocol" "$out" "$err"; then
        if [[ "$stem" == err_* ]]; then
            echo "FAIL $name: expected an error, the simulator succeeded" >&2
            failures=$((failures + 1))
        fi
        cp "$out" "$here/golden/$stem.log"
        rm -f "$here/golden/$stem.error"
    else
        if [[ "$stem" != err_* ]]; then
            echo "FAIL $name: the simulator failed:" >&2
            tail -n 5 "$err" >&2
            failures=$((failures + 1))
        fi
        final_error_message <"$err" >"$here/golden/$stem.error"
        rm -f "$here/golden/$stem.log"
    fi
    rm -f "$out" "$err"
    echo "ok $name" >&2
}

main() {
    ensure_reference_venv
    config_dir="$(mktemp -d)"
    trap 'rm -rf "$config_dir"' EXIT
    failures=0
    local only="${1:-}"
    for protocol in "$here"/protocols/*.py "$here"/protocols/*.json; do
        [[ -e "$protocol" ]] || continue
        [[ -z "$only" || "$(basename "$protocol")" == "$only"* ]] || continue
        regenerate_one "$protocol"
    done
    if ((failures > 0)); then
        echo "$failures protocol(s) did not behave as their names say" >&2
        exit 1
    fi
}

main "$@"
