#!/usr/bin/env bash
# The whole test suite (the README's test command): lint the shell scripts, build and run the
# Swift tests, build the release binary and run the end-to-end tests against it.
# Every stage runs even after an earlier one failed (unless it depends on it); the exit status
# is non-zero when anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=()

# stage NAME COMMAND...: runs one stage, records a failure instead of stopping.
stage() {
    local name=$1
    shift
    echo
    echo "==> $name: $*"
    if "$@"; then
        echo "==> $name: ok"
    else
        echo "==> $name: FAILED (exit $?)"
        failed+=("$name")
        return 1
    fi
}

stage shellcheck shellcheck install.sh scripts/*.sh bench/*.sh .ci/run || true

# Real PostgreSQL 15, Redis 7 and Valkey 8/9 on loopback high ports, for the agent's tests.
# Servers that were already running (a developer's session) are left running afterwards.
if ! bash scripts/test-databases.sh running; then
    trap 'bash scripts/test-databases.sh stop' EXIT
fi
if stage test-databases bash scripts/test-databases.sh start; then
    eval "$(bash scripts/test-databases.sh env)"
fi

if stage swift-build swift build; then
    stage swift-test swift test || true
fi

if stage release-build swift build -c release --static-swift-stdlib --product logstag; then
    LOGSTAG_BIN="$(swift build -c release --show-bin-path)/logstag"
    export LOGSTAG_BIN
    stage e2e python3 -m pytest -v Tests/e2e || true
else
    failed+=("e2e (not run: no release binary)")
fi

echo
if ((${#failed[@]})); then
    printf '==> FAILED stages: %s\n' "${failed[*]}"
    exit 1
fi
echo "==> all stages passed"
