#!/bin/sh
# Logstag installer.
#
# From a source checkout (builds the server and installs it as the logstag-server service):
#     sudo sh install.sh                 # or: sudo sh install.sh --from-source
#
# From a running Logstag server (installs the agent; the asset's setup page shows this line):
#     curl -fsSL https://SERVER/install.sh | sudo LOGSTAG_SERVER=https://SERVER \
#         LOGSTAG_ASSET=<asset id> LOGSTAG_PLATFORM=self-hosted sh -s -- agent
#
# Running it again upgrades in place: the binary and the units are replaced, the configuration
# and the data are kept.
#
# Environment:
#   LOGSTAG_SERVER       agent mode: the server's base URL (https://, or http:// on loopback only)
#   LOGSTAG_ASSET        agent mode: the asset this host is being set up for (shown in agent.toml)
#   LOGSTAG_PLATFORM     agent mode: self-hosted (default), aws-rds or huawei-rds
#   LOGSTAG_TOKEN_FILE   agent mode: file holding the registration token, for an unattended enrollment
#   LOGSTAG_NONINTERACTIVE=1   never prompt (no enrollment unless LOGSTAG_TOKEN_FILE is set)
#   LOGSTAG_PREFIX (/usr/local)  LOGSTAG_ETC (/etc/logstag)  LOGSTAG_STATE (/var/lib/logstag)
#   LOGSTAG_LOG (/var/log/logstag)  LOGSTAG_SYSTEMD_DIR (/etc/systemd/system)
#   LOGSTAG_NO_SYSTEMD=1  do not touch systemd      LOGSTAG_SKIP_USER=1  no service user, no chown
#   LOGSTAG_SKIP_DEPS=1   do not install Debian packages
# The registration token is never accepted on the command line: ps and shell history show it.
#
# Everything is inside functions and `main` runs on the last line, so a download that breaks
# off half way runs nothing, and no command reads the rest of a piped script as its input.
set -eu

PREFIX=${LOGSTAG_PREFIX:-/usr/local}
ETC_DIR=${LOGSTAG_ETC:-/etc/logstag}
STATE_DIR=${LOGSTAG_STATE:-/var/lib/logstag}
LOG_DIR=${LOGSTAG_LOG:-/var/log/logstag}
SYSTEMD_DIR=${LOGSTAG_SYSTEMD_DIR:-/etc/systemd/system}
NO_SYSTEMD=${LOGSTAG_NO_SYSTEMD:-0}
SKIP_USER=${LOGSTAG_SKIP_USER:-0}
SKIP_DEPS=${LOGSTAG_SKIP_DEPS:-0}
BIN_PATH=$PREFIX/bin/logstag
SERVICE_USER=logstag
BUILD_DEPS="libssl-dev libargon2-dev zlib1g-dev libsqlite3-dev libpq-dev libhiredis-dev libcurl4-openssl-dev pkg-config"
RUNTIME_DEPS="libssl3 libargon2-1 zlib1g libsqlite3-0 libpq5 libhiredis0.14 libcurl4"
WORK_DIR=""

say() { printf '%s\n' "$*"; }
warn() { printf 'logstag-install: warning: %s\n' "$*" >&2; }
die() {
    printf 'logstag-install: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<'EOF'
Usage:
  sudo sh install.sh [--from-source]      build this checkout and install the server
  curl -fsSL https://SERVER/install.sh | sudo LOGSTAG_SERVER=https://SERVER \
      LOGSTAG_ASSET=<asset id> LOGSTAG_PLATFORM=self-hosted sh -s -- agent
                                          install the agent binary from a running server
Options:
  agent          download the binary from $LOGSTAG_SERVER and install the agent service
  --from-source  build from the checkout next to this script (or the current directory)
  -h, --help     show this help
The registration token is read by `logstag --mode agent --enroll` from its prompt or from
the file named by LOGSTAG_TOKEN_FILE; it is never passed on the command line.
EOF
}

cleanup() {
    if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
    rm -f "$BIN_PATH.new.$$"
}

# ---------------------------------------------------------------------------------------------
# Checks

is_root() { [ "$(id -u)" -eq 0 ]; }

need_root() {
    if ! is_root && [ "$SKIP_USER" != 1 ]; then
        die "run this as root (sudo sh install.sh ...)"
    fi
}

# Directory overrides are substituted into unit files with sed: keep them plain absolute paths.
check_paths() {
    for path in "$PREFIX" "$ETC_DIR" "$STATE_DIR" "$LOG_DIR" "$SYSTEMD_DIR"; do
        case $path in
            /*) ;;
            *) die "not an absolute path: $path" ;;
        esac
        case $path in
            *[!A-Za-z0-9._/+@:-]*) die "unsupported character in path: $path" ;;
        esac
    done
}

systemd_running() {
    [ "$NO_SYSTEMD" != 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

# True when a person can answer a prompt (a controlling terminal exists).
interactive() {
    [ "${LOGSTAG_NONINTERACTIVE:-0}" != 1 ] && (: </dev/tty) 2>/dev/null
}

# Installs the Debian packages that are missing (nothing to do when all are present).
ensure_packages() {
    if [ "$SKIP_DEPS" = 1 ]; then return 0; fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "not a Debian-based system: make sure these are installed: $*"
        return 0
    fi
    missing=""
    for pkg in "$@"; do
        # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell variable
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing="$missing $pkg"
        fi
    done
    if [ -z "$missing" ]; then return 0; fi
    if ! is_root; then die "missing packages:$missing (install them: sudo apt-get install$missing)"; fi
    say "Installing Debian packages:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing </dev/null
}

# ---------------------------------------------------------------------------------------------
# Installing files

ensure_user() {
    if [ "$SKIP_USER" = 1 ]; then return 0; fi
    if ! getent group "$SERVICE_USER" >/dev/null 2>&1; then
        groupadd --system "$SERVICE_USER"
    fi
    if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
        shell=/bin/false
        for candidate in /usr/sbin/nologin /sbin/nologin; do
            if [ -x "$candidate" ]; then
                shell=$candidate
                break
            fi
        done
        useradd --system --gid "$SERVICE_USER" --home-dir "$STATE_DIR" --no-create-home \
            --shell "$shell" --comment "Logstag service" "$SERVICE_USER"
        say "Created system user $SERVICE_USER"
    fi
}

# make_dir PATH MODE OWNER GROUP: creates PATH (or corrects an existing one).
make_dir() {
    mkdir -p "$1"
    chmod "$2" "$1"
    if [ "$SKIP_USER" != 1 ]; then chown "$3:$4" "$1"; fi
}

make_dirs() {
    make_dir "$ETC_DIR" 0750 root "$SERVICE_USER"
    make_dir "$STATE_DIR" 0700 "$SERVICE_USER" "$SERVICE_USER"
    make_dir "$LOG_DIR" 0750 "$SERVICE_USER" "$SERVICE_USER"
}

# install_binary SRC: copies next to the target and renames, so a running process keeps its
# old file and nobody ever sees a half-written binary.
install_binary() {
    mkdir -p "$PREFIX/bin"
    cp "$1" "$BIN_PATH.new.$$"
    chmod 0755 "$BIN_PATH.new.$$"
    mv -f "$BIN_PATH.new.$$" "$BIN_PATH"
    say "Installed $BIN_PATH ($("$BIN_PATH" --version </dev/null 2>/dev/null || echo 'version unknown'))"
}

# Rewrites the default paths in a unit (read on stdin) to the configured ones.
render_unit() {
    sed -e "s|/usr/local/bin/logstag|$BIN_PATH|g" \
        -e "s|/etc/logstag|$ETC_DIR|g" \
        -e "s|/var/lib/logstag|$STATE_DIR|g" \
        -e "s|/var/log/logstag|$LOG_DIR|g"
}

# install_unit NAME: writes stdin, rendered, to $SYSTEMD_DIR/NAME (0644).
install_unit() {
    mkdir -p "$SYSTEMD_DIR"
    render_unit >"$SYSTEMD_DIR/$1.new.$$"
    chmod 0644 "$SYSTEMD_DIR/$1.new.$$"
    mv -f "$SYSTEMD_DIR/$1.new.$$" "$SYSTEMD_DIR/$1"
    say "Installed $SYSTEMD_DIR/$1"
}

# install_config_once DEST MODE GROUP: writes stdin to DEST unless DEST exists already.
install_config_once() {
    if [ -e "$1" ]; then
        say "Kept existing $1"
        cat >/dev/null
        return 0
    fi
    (
        umask 077
        cat >"$1.new.$$"
    )
    chmod "$2" "$1.new.$$"
    if [ "$SKIP_USER" != 1 ]; then chown "$3:$4" "$1.new.$$"; fi
    mv -f "$1.new.$$" "$1"
    say "Wrote $1"
}

# The value of a `key = "string"` line in a TOML file (first match), or nothing.
toml_string() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1
}

# ---------------------------------------------------------------------------------------------
# Mode 1: from a source checkout

find_swift() {
    if command -v swift >/dev/null 2>&1; then
        command -v swift
        return 0
    fi
    for candidate in /opt/swift/usr/bin/swift /usr/share/swift/usr/bin/swift; do
        if [ -x "$candidate" ]; then
            say "$candidate"
            return 0
        fi
    done
    return 1
}

# Runs a build command as the person who called sudo when they own the checkout, so the
# checkout's .build/ does not end up owned by root.
as_checkout_owner() {
    if is_root && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && command -v sudo >/dev/null 2>&1 &&
        [ "$(stat -c %U "$SOURCE_DIR")" = "$SUDO_USER" ]; then
        sudo -H -u "$SUDO_USER" env PATH="$PATH" "$@"
    else
        "$@"
    fi
}

source_dir_of_script() {
    case $0 in
        *install.sh) ;;
        *) return 1 ;;
    esac
    dir=$(dirname -- "$0")
    [ -f "$dir/Package.swift" ] || return 1
    (cd "$dir" && pwd)
}

server_url_from_config() {
    config=$1
    url=$(toml_string public_url "$config")
    if [ -n "$url" ]; then
        say "$url"
        return 0
    fi
    listen=$(toml_string listen "$config")
    listen=${listen:-127.0.0.1:8080}
    scheme=http
    if [ -n "$(toml_string tls_certificate "$config")" ]; then scheme=https; fi
    case $listen in
        0.0.0.0:*) listen="127.0.0.1:${listen#0.0.0.0:}" ;;
    esac
    say "$scheme://$listen"
}

install_from_source() {
    need_root
    say "Installing the Logstag server from $SOURCE_DIR"
    # shellcheck disable=SC2086 # one word per package
    ensure_packages $BUILD_DEPS
    swift=$(find_swift) || die "Swift 6 is not installed (https://www.swift.org/install/linux/); swift must be on PATH"
    PATH="$(dirname -- "$swift"):$PATH"
    export PATH
    say "Building (swift build -c release --static-swift-stdlib --product logstag); the first build takes several minutes"
    (cd "$SOURCE_DIR" && as_checkout_owner "$swift" build -c release --static-swift-stdlib --product logstag </dev/null)
    built="$(cd "$SOURCE_DIR" && as_checkout_owner "$swift" build -c release --show-bin-path </dev/null)/logstag"
    [ -x "$built" ] || die "the build did not produce $built"

    ensure_user
    make_dirs
    install_binary "$built"
    sed "s|^data_dir = .*|data_dir = \"$STATE_DIR\"|" "$SOURCE_DIR/Resources/config/server.example.toml" |
        install_config_once "$ETC_DIR/server.toml" 0640 root "$SERVICE_USER"
    install_unit logstag-server.service <"$SOURCE_DIR/systemd/logstag-server.service"
    install_unit logstag-agent.service <"$SOURCE_DIR/systemd/logstag-agent.service"

    url=$(server_url_from_config "$ETC_DIR/server.toml")
    if systemd_running; then
        systemctl daemon-reload </dev/null
        systemctl enable logstag-server.service </dev/null
        # restart, not start: on an upgrade the running server must pick up the new binary.
        systemctl restart logstag-server.service </dev/null
        systemctl try-restart logstag-agent.service </dev/null || true
        say ""
        say "Logstag server is running: $url"
        say "On its first start the server prints a one-time bootstrap link to create the"
        say "organisation and its owner; see it with:  journalctl -u logstag-server | grep bootstrap"
    else
        say ""
        say "systemd is not available here, so no service was started. Start the server in the foreground:"
        say "    sudo -u $SERVICE_USER $BIN_PATH --mode server --config $ETC_DIR/server.toml"
        say "It will listen on $url and print the one-time bootstrap link on its first start."
    fi
}

# ---------------------------------------------------------------------------------------------
# Mode 2: the agent, from a running server

# Sets SERVER (no trailing slash) and SECURE (1 = https only) from LOGSTAG_SERVER.
check_server_url() {
    SERVER=${LOGSTAG_SERVER:-}
    [ -n "$SERVER" ] || die "set LOGSTAG_SERVER to the Logstag server's URL (the asset's setup page shows the full command)"
    while :; do
        case $SERVER in
            */) SERVER=${SERVER%/} ;;
            *) break ;;
        esac
    done
    if printf '%s\n' "$SERVER" | grep -q '[^]A-Za-z0-9._:/%@+~[-]'; then
        die "LOGSTAG_SERVER contains characters a URL should not: $SERVER"
    fi
    case $SERVER in
        https://?*) SECURE=1 ;;
        http://127.0.0.1 | http://127.0.0.1:* | http://localhost | http://localhost:* | http://\[::1\] | http://\[::1\]:*)
            SECURE=0 ;;
        http://*) die "LOGSTAG_SERVER must be https:// (plain http:// is accepted for 127.0.0.1 and localhost only)" ;;
        *) die "LOGSTAG_SERVER must start with https://: $SERVER" ;;
    esac
}

check_platform() {
    PLATFORM=${LOGSTAG_PLATFORM:-self-hosted}
    case $PLATFORM in
        self-hosted | aws-rds | huawei-rds) ;;
        *) die "LOGSTAG_PLATFORM must be self-hosted, aws-rds or huawei-rds, not: $PLATFORM" ;;
    esac
    ASSET=${LOGSTAG_ASSET:-}
    case $ASSET in
        *[!A-Za-z0-9._:-]*) die "LOGSTAG_ASSET is not an asset id: $ASSET" ;;
    esac
}

# download URL FILE
download() {
    if [ "$SECURE" = 1 ]; then
        curl -fsSL --proto '=https' --proto-redir '=https' --retry 3 --connect-timeout 30 --max-time 900 \
            -o "$2" "$1" </dev/null || die "could not download $1"
    else
        curl -fsSL --retry 3 --connect-timeout 30 --max-time 900 -o "$2" "$1" </dev/null ||
            die "could not download $1"
    fi
}

# verify_checksum BINARY SUMFILE: the first word of SUMFILE must be the binary's SHA-256.
verify_checksum() {
    expected=$(awk 'NR == 1 { print tolower($1) }' "$2")
    case $expected in
        "" | *[!0-9a-f]*) die "the server's checksum file is not a SHA-256 line ($SERVER/download/logstag.sha256)" ;;
    esac
    [ "${#expected}" -eq 64 ] || die "the server's checksum file is not a SHA-256 line ($SERVER/download/logstag.sha256)"
    actual=$(sha256sum "$1" | awk '{ print $1 }')
    if [ "$actual" != "$expected" ]; then
        die "checksum mismatch for $SERVER/download/logstag: expected $expected, got $actual. Nothing was installed."
    fi
    say "Checksum verified (sha256 $actual)"
}

# Makes sure the downloaded binary runs here, installing its shared libraries if they are missing.
check_runs() {
    chmod 0755 "$1"
    if command -v ldd >/dev/null 2>&1 && ldd "$1" 2>/dev/null | grep -q 'not found'; then
        # shellcheck disable=SC2086 # one word per package
        ensure_packages $RUNTIME_DEPS
    fi
    if ! "$1" --version </dev/null >/dev/null 2>&1; then
        missing=$(ldd "$1" 2>/dev/null | awk '/not found/ { print $1 }' | tr '\n' ' ')
        die "the downloaded binary does not run on this machine ($(uname -m))${missing:+; missing libraries: $missing}"
    fi
}

# The agent unit is embedded here because the server serves only this script; a test keeps it
# identical to systemd/logstag-agent.service.
agent_unit() {
    cat <<'EOF'
[Unit]
Description=Logstag agent (database monitoring collector)
Documentation=file:///etc/logstag/agent.toml
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=logstag
Group=logstag
EnvironmentFile=-/etc/default/logstag-agent
ExecStart=/usr/local/bin/logstag --mode agent --config /etc/logstag/agent.toml
Restart=on-failure
RestartSec=5
KillMode=mixed
TimeoutStopSec=20

StateDirectory=logstag
StateDirectoryMode=0700
LogsDirectory=logstag
LogsDirectoryMode=0750
ReadWritePaths=/var/lib/logstag /var/log/logstag
UMask=0077

NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
PrivateMounts=yes
RemoveIPC=yes
RestrictSUIDSGID=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
EOF
}

agent_config() {
    cat <<EOF
# Logstag agent configuration, written by install.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ).
# Enrollment (\`logstag --mode agent --enroll\`) adds the agent key and the target for the asset
# below. Keep this file 0600: it holds credentials.
# Asset: ${ASSET:-(not given)}   platform: $PLATFORM   setup page: $SERVER/assets/${ASSET:-}

[agent]
api_base_url = "$SERVER"
log_level = "info"
state_dir = "$STATE_DIR"     # host.key (secret encryption) and the delivery spool
log_dir = "$LOG_DIR"
# high_frequency_interval = 10       # seconds; 0 disables a tier
# medium_frequency_interval = 60
# low_frequency_interval = 600
# schema_frequency_interval = 14400

# [targets.main]
# platform = "$PLATFORM"
# db_engine = "postgresql"
# db_host = "127.0.0.1"
# db_port = 5432
# db_username = "logstag_monitor"
# db_name = "postgres"
EOF
}

# Makes sure agent.toml has a [targets.<name>] table before enrolling: interactively through
# setup mode (password asked without echo and stored encrypted), else it explains the step.
# Returns 1 when there is still no target.
target_step() {
    if grep -q '^[[:space:]]*\[targets\.' "$ETC_DIR/agent.toml" 2>/dev/null; then return 0; fi
    if interactive; then
        say ""
        say "Add the database this agent monitors (logstag --mode setup --write-agent-config)"
        if "$BIN_PATH" --mode setup --write-agent-config --agent-config "$ETC_DIR/agent.toml" --state-dir "$STATE_DIR" </dev/tty; then
            return 0
        fi
        warn "no database target was added"
    fi
    say ""
    say "Next step: add the database this agent monitors, then enroll:"
    say "    sudo $BIN_PATH --mode setup --write-agent-config --agent-config $ETC_DIR/agent.toml"
    say "(or add a [targets.<name>] table to $ETC_DIR/agent.toml by hand; see the commented example)"
    return 1
}

# Runs the enrollment when it can get a token without the command line, else explains it.
enroll_step() {
    enroll_hint="sudo $BIN_PATH --mode agent --enroll --config $ETC_DIR/agent.toml"
    if ! target_step; then
        say "    $enroll_hint"
        say "Then start the agent: systemctl enable --now logstag-agent"
        return 0
    fi
    if [ -n "${LOGSTAG_TOKEN_FILE:-}" ]; then
        [ -r "$LOGSTAG_TOKEN_FILE" ] || die "LOGSTAG_TOKEN_FILE is not a readable file: $LOGSTAG_TOKEN_FILE"
        enroll_input=/dev/null
    elif interactive; then
        enroll_input=/dev/tty
    else
        say ""
        say "Next step: enroll this host with the registration token from the asset's setup page:"
        say "    $enroll_hint"
        say "It asks for the token; unattended, put the token in a root-only file and run it with"
        say "LOGSTAG_TOKEN_FILE=<file>. Never put the token on the command line."
        say "Then start the agent: systemctl enable --now logstag-agent"
        return 0
    fi
    say ""
    say "Enrolling this host (logstag --mode agent --enroll)"
    status=0
    "$BIN_PATH" --mode agent --enroll --config "$ETC_DIR/agent.toml" <"$enroll_input" || status=$?
    if [ "$status" -ne 0 ]; then
        die "enrollment failed (exit $status); fix the problem shown above and run: $enroll_hint"
    fi
    if systemd_running; then
        # restart, not just start: a running agent reads its new target only at start-up.
        systemctl enable logstag-agent.service </dev/null
        systemctl restart logstag-agent.service </dev/null
        say "The agent is enrolled and running (journalctl -u logstag-agent)."
    else
        say "The agent is enrolled. Start it: sudo -u $SERVICE_USER $BIN_PATH --mode agent --config $ETC_DIR/agent.toml"
    fi
}

install_agent() {
    check_server_url
    check_platform
    need_root
    command -v curl >/dev/null 2>&1 || ensure_packages curl ca-certificates
    say "Installing the Logstag agent from $SERVER"
    WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/logstag-install.XXXXXX")
    download "$SERVER/download/logstag.sha256" "$WORK_DIR/logstag.sha256"
    download "$SERVER/download/logstag" "$WORK_DIR/logstag"
    verify_checksum "$WORK_DIR/logstag" "$WORK_DIR/logstag.sha256"
    check_runs "$WORK_DIR/logstag"

    ensure_user
    make_dirs
    install_binary "$WORK_DIR/logstag"
    agent_unit | install_unit logstag-agent.service
    agent_config | install_config_once "$ETC_DIR/agent.toml" 0600 "$SERVICE_USER" "$SERVICE_USER"

    if systemd_running; then
        systemctl daemon-reload </dev/null
        # An upgrade restarts a running agent on the new binary; a new one starts after enrollment.
        systemctl try-restart logstag-agent.service </dev/null || true
    fi
    enroll_step
}

main() {
    mode=""
    SOURCE_DIR=""
    for arg in "$@"; do
        case $arg in
            agent) mode=agent ;;
            server | --from-source) mode=source ;;
            -h | --help)
                usage
                exit 0
                ;;
            *lsr_* | --token*) die "never pass the registration token on the command line; use the prompt or LOGSTAG_TOKEN_FILE" ;;
            *)
                usage >&2
                exit 64
                ;;
        esac
    done
    if [ -z "$mode" ]; then
        if SOURCE_DIR=$(source_dir_of_script); then
            mode=source
        elif [ -n "${LOGSTAG_SERVER:-}" ]; then
            mode=agent
        else
            usage >&2
            exit 64
        fi
    fi
    check_paths
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    case $mode in
        source)
            if [ -z "$SOURCE_DIR" ]; then
                SOURCE_DIR=$(source_dir_of_script) || SOURCE_DIR=$(pwd)
            fi
            [ -f "$SOURCE_DIR/Package.swift" ] || die "no Package.swift in $SOURCE_DIR: run install.sh from the Logstag checkout"
            install_from_source
            ;;
        agent) install_agent ;;
    esac
}

main "$@"
