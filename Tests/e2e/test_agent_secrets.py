"""Secrets on the agent host, checked on the real binary (reliability-anchors.md section 10,
"Secrets on the agent host"; S8, S9, S10, S11).

What is proven (pass criteria):

* `--encrypt` and `--enroll` read their secret from stdin: while they wait for it, their
  /proc/<pid>/cmdline and environ hold no secret;
* after --encrypt and --enroll, agent.toml is 0600, host.key 0600 in a 0700 state_dir, and the
  file holds neither the database passwords nor any lsa_/lsr_ token (only enc:v1: values);
* an agent running at log_level = "trace" in the foreground (stdout) and as `--service`
  (<log_dir>/agent.log), with a working target and one whose password is wrong (in plain
  text, so only the log masker can keep it out), writes none of: the database passwords, the
  registration tokens, any lsa_/lsr_ token string; neither do its /proc/<pid>/cmdline and
  environ, nor the spooled batches;
* the agent refuses to start, naming the cause: without host.key ("machine" binding), with
  another host's host.key ("different machine"), and with a 0644 agent.toml ("chmod 600").
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from agent_e2e import (REDIS7_PORT, TICK_S, AgentHome, Org, PgRole, mode_of, pg_target, redis_target, secrets_in,
                       start_org_server, unique, wait_for_signal, write_private)
from logstag_e2e import clean_env

REFUSE_WITHIN_S = 30


@pytest.fixture(scope="module")
def org(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    server, org = start_org_server(logstag_bin, tmp_path_factory.mktemp("secrets-server"))
    try:
        yield org
    finally:
        server.stop_cleanly()


def _proc_text(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_bytes().replace(b"\0", b"\n").decode(errors="replace")


def _waiting_on_stdin(home: AgentHome, *args: str, answer: str, env: dict[str, str] | None = None):
    """Starts `logstag --mode agent --config F ARGS`, reads its cmdline and environ while it waits
    for stdin, then answers. Returns (completed output, cmdline + environ seen while waiting)."""
    process = subprocess.Popen([str(home.binary), "--mode", "agent", "--config", str(home.config), *args], cwd=home.root,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env or clean_env())
    try:
        time.sleep(0.5)
        assert process.poll() is None, f"{args} did not wait for stdin: {process.communicate()}"
        seen = _proc_text(process.pid, "cmdline") + "\n" + _proc_text(process.pid, "environ")
        stdout, stderr = process.communicate(answer + "\n", timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, f"{args} failed ({process.returncode}): {stdout}{stderr}"
    return stdout + stderr, seen


@pytest.fixture(scope="module")
def enrolled(org: Org, logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    """An agent at log_level trace with a working PostgreSQL target (password from --encrypt,
    token typed on stdin) and a Redis target whose wrong password is in plain text."""
    role = PgRole.create("lssecret")
    home = AgentHome(tmp_path_factory.mktemp("secrets-agent"), logstag_bin)
    home.write(org.base_url, [], log_level="trace", tiers={"high": TICK_S, "medium": TICK_S, "low": TICK_S, "schema": 0})
    state = {"role": role, "home": home, "seen": [], "tokens": [], "wrong": "wrong-" + unique("redispw")}
    try:
        output, seen = _waiting_on_stdin(home, "--encrypt", answer=role.password)
        state["seen"].append(seen)
        target = pg_target("main", role, password=output.strip().splitlines()[-1])
        home.append_target(target)
        home.append_target(redis_target("cache", REDIS7_PORT, state["wrong"]))
        state["assets"] = {}
        for name, engine in (("main", "postgresql"), ("cache", "redis")):
            asset = org.create_asset(engine)
            token = org.issue_token(asset["id"])["token"]
            state["tokens"].append(token)
            _, seen = _waiting_on_stdin(home, "--enroll", "--target", name, answer=token)
            state["seen"].append(seen)
            state["assets"][name] = asset["id"]
        yield state
    finally:
        role.drop()


def _secrets(state) -> list[str]:
    return [state["role"].password, state["wrong"], *state["tokens"]]


def test_prompts_keep_secrets_out_of_cmdline_and_environment(enrolled):
    for seen in enrolled["seen"]:
        assert not secrets_in(seen, _secrets(enrolled)), secrets_in(seen, _secrets(enrolled))


def test_config_is_private_and_holds_only_encrypted_secrets(enrolled):
    home: AgentHome = enrolled["home"]
    text = home.config.read_text()
    assert mode_of(home.config) == 0o600
    assert mode_of(home.state_dir) == 0o700
    assert mode_of(home.state_dir / "host.key") == 0o600
    assert enrolled["role"].password not in text
    assert "lsa_" not in text and "lsr_" not in text
    parsed = home.parsed()
    assert parsed["agent"]["api_key"].startswith("enc:v1:")
    assert parsed["targets"]["main"]["db_password"].startswith("enc:v1:")


def test_running_agent_logs_no_secret_at_trace(enrolled, org: Org):
    home: AgentHome = enrolled["home"]
    main, cache = enrolled["assets"]["main"], enrolled["assets"]["cache"]
    texts: dict[str, str] = {}

    with home.start() as agent:
        org.wait_status(main, "Connected", 45)
        org.wait_status(cache, "Issues", 30)
        assert org.connection_test(main)["status"] == "passed"
        texts["foreground cmdline+environ"] = agent.cmdline() + "\n" + agent.environ()
        spooled = [path.read_bytes().decode(errors="replace") for path in home.spool_files()]
        texts["spool"] = "\n".join(spooled)
    texts["foreground stdout"] = agent.output()

    service_log = home.log_dir / "agent.log"
    with home.start(service=True) as service:
        started = time.time()
        wait_for_signal(org, main, "pg_activity", 30, after=started)
        texts["service cmdline+environ"] = service.cmdline() + "\n" + service.environ()
    texts["service stdout"] = service.output()
    assert service_log.exists(), f"--service wrote no {service_log}"
    texts["service agent.log"] = service_log.read_text(errors="replace")

    # The logs cover the paths where a secret could slip out: start, the refused login of the
    # target with the wrong password, and connection tests.
    for name in ("foreground stdout", "service agent.log"):
        assert "agent started" in texts[name], f"{name}:\n{texts[name]}"
        assert "agent stopped" in texts[name], f"{name}:\n{texts[name]}"
    assert "rejected the login" in texts["foreground stdout"], texts["foreground stdout"]
    assert "connection test answered" in texts["foreground stdout"], texts["foreground stdout"]
    leaks = {name: secrets_in(text, _secrets(enrolled)) for name, text in texts.items()}
    assert not any(leaks.values()), f"secrets found: { {k: v for k, v in leaks.items() if v} }"


def _copy_home(home: AgentHome, to: Path) -> AgentHome:
    """Config + state dir copied elsewhere, with state_dir/log_dir pointing at the copy."""
    copy = AgentHome(to, home.binary)
    shutil.copytree(home.state_dir, copy.state_dir, dirs_exist_ok=True)
    copy.log_dir.mkdir(parents=True, exist_ok=True)
    text = home.config.read_text()
    text = text.replace(f'state_dir = "{home.state_dir}"', f'state_dir = "{copy.state_dir}"')
    text = text.replace(f'log_dir = "{home.log_dir}"', f'log_dir = "{copy.log_dir}"')
    write_private(copy.config, text)
    return copy


def _refused(home: AgentHome) -> str:
    result = subprocess.run([str(home.binary), "--mode", "agent", "--config", str(home.config)], cwd=home.root,
                            capture_output=True, text=True, timeout=REFUSE_WITHIN_S, stdin=subprocess.DEVNULL,
                            env=clean_env())
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the agent started (exit {result.returncode}):\n{output}"
    return output


def test_missing_host_key_refuses_with_machine_binding_message(enrolled, tmp_path: Path):
    copy = _copy_home(enrolled["home"], tmp_path / "other")
    (copy.state_dir / "host.key").unlink()
    output = _refused(copy)
    assert "machine" in output.lower() and "host.key" in output, output
    assert "--encrypt" in output, output
    assert not secrets_in(output, _secrets(enrolled))


def test_another_hosts_key_refuses_with_machine_binding_message(enrolled, tmp_path: Path):
    other = AgentHome(tmp_path / "elsewhere", enrolled["home"].binary)
    other.write("http://127.0.0.1:9", [])
    other.encrypt("anything")  # creates that "host's" own host.key
    copy = _copy_home(enrolled["home"], tmp_path / "other")
    shutil.copy2(other.state_dir / "host.key", copy.state_dir / "host.key")
    output = _refused(copy)
    assert "different machine" in output.lower(), output
    assert not secrets_in(output, _secrets(enrolled))


def test_world_readable_config_refuses_with_chmod_hint(enrolled, tmp_path: Path):
    copy = _copy_home(enrolled["home"], tmp_path / "readable")
    copy.config.chmod(0o644)
    output = _refused(copy)
    assert f"chmod 600 {copy.config}" in output, output
    check = copy.run("--check-config")
    assert check.returncode == 1 and "chmod 600" in check.stdout + check.stderr, check.stdout + check.stderr
