# shellcheck shell=bash
# The team deployment (deploy/compose.yaml) run for real in Docker, for tests/deploy/test_compose_stack.py:
# Docker, a daemon, and the images the stack needs, built here from Debian and PyPI (no registry is reached).
#
# Used by .ci/run (from the repo root, as root, under `set -euo pipefail`):
#     source .ci/compose-stack.sh
#     compose_stack_prepare     # returns 1 with the reason on stderr when Docker cannot run here
#
# The images:
#   interviewer-base:bookworm      Debian bookworm (debootstrap --variant=minbase), imported with `docker import`.
#                                  The debootstrap tarball is cached under ~/.cache/interviewer/, so later runs
#                                  on the same machine only import it (or reuse the image when it is there).
#   interviewer-ci/python:3.11     Debian's python3.11 in a venv on PATH (deploy/ci/python), the base the app's
#                                  Dockerfile is built FROM in CI (`--build-arg BASE=...`), with the app's
#                                  dependencies installed ahead so `pip install .` finds them in place.
#   the stack's own images         built on these by the test's `up --build` (deploy/compose.yaml with the
#                                  override deploy/compose.ci.yaml): the app, Postgres 15, Chroma, Caddy, and a
#                                  stand-in for oauth2-proxy (see deploy/ci/).
# Each image carries a label with a hash of its inputs and is rebuilt only when they change (Docker's layer
# cache does the rest).

COMPOSE_CACHE=${INTERVIEWER_CACHE:-$HOME/.cache/interviewer}
COMPOSE_BASE_IMAGE=interviewer-base:bookworm
COMPOSE_PYTHON_IMAGE=interviewer-ci/python:3.11
COMPOSE_PYTHON_DEPS_IMAGE=interviewer-ci/python-deps:3.11
COMPOSE_MIRROR=${INTERVIEWER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
COMPOSE_INPUTS_LABEL=org.interviewer.inputs
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/interviewer-dockerd.log}

_compose_hash() {
  sha256sum | cut -c1-16
}

docker_install() {
  local missing=()
  { command -v docker && command -v dockerd; } >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "compose-stack: installing ${missing[*]}" >&2
  apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
}

# The storage driver for a daemon started here: overlay2 when the kernel mounts an overlay on Docker's
# folder (vfs copies every layer whole), else vfs.
_dockerd_storage_driver() {
  local dir
  mkdir -p /var/lib/docker || { echo vfs; return; }
  dir=$(mktemp -d /var/lib/docker/.overlay-check.XXXXXX) || { echo vfs; return; }
  mkdir -p "$dir/lower" "$dir/upper" "$dir/work" "$dir/merged"
  if mount -t overlay overlay -o "lowerdir=$dir/lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/merged" \
      2>/dev/null; then
    umount "$dir/merged"
    echo overlay2
  else
    echo vfs
  fi
  rm -rf "$dir"
}

dockerd_start() {
  local driver _
  docker info >/dev/null 2>&1 && return 0
  driver=$(_dockerd_storage_driver)
  echo "compose-stack: starting dockerd (storage driver $driver, log $DOCKERD_LOG)" >&2
  # Left running on purpose: the images and the layer cache live in it for the next run.
  nohup dockerd --storage-driver="$driver" >>"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "compose-stack: dockerd did not answer within 60 s:" >&2
  tail -n 20 "$DOCKERD_LOG" >&2
  return 1
}

_image_inputs() {
  docker image inspect -f "{{ index .Config.Labels \"$COMPOSE_INPUTS_LABEL\" }}" "$1" 2>/dev/null
}

# interviewer-base:bookworm from a cached debootstrap tarball, made when missing.
base_image_build() {
  local key tarball root
  key=$(printf 'bookworm minbase %s\n' "$COMPOSE_MIRROR" | _compose_hash)
  [ "$(_image_inputs "$COMPOSE_BASE_IMAGE")" = "$key" ] && return 0
  tarball=$COMPOSE_CACHE/debootstrap-bookworm-minbase-$key.tar
  if [ ! -s "$tarball" ]; then
    mkdir -p "$COMPOSE_CACHE" || return 1
    root=$(mktemp -d /var/tmp/interviewer-debootstrap.XXXXXX) || return 1
    echo "compose-stack: debootstrap bookworm into $root (cached as $tarball)" >&2
    if ! debootstrap --variant=minbase bookworm "$root" "$COMPOSE_MIRROR" >"$root.log" 2>&1; then
      tail -n 20 "$root.log" >&2
      rm -rf "$root"
      return 1
    fi
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball" || return 1
    rm -rf "$root" "$root.log"
  fi
  echo "compose-stack: importing $tarball as $COMPOSE_BASE_IMAGE" >&2
  docker import --change "LABEL $COMPOSE_INPUTS_LABEL=$key" --change 'CMD ["/bin/bash"]' \
    "$tarball" "$COMPOSE_BASE_IMAGE" >/dev/null
}

# `docker build` of deploy/ci/python's stage $2 as image $1 from context $3, unless the image already carries
# the hash $4 of its inputs.
_python_image_build() {
  local image=$1 target=$2 context=$3 key=$4
  [ "$(_image_inputs "$image")" = "$key" ] && return 0
  echo "compose-stack: building $image" >&2
  # The classic builder, as docker-compose v1 uses: this Docker may have no buildx.
  DOCKER_BUILDKIT=0 docker build -q --force-rm --target "$target" --label "$COMPOSE_INPUTS_LABEL=$key" -t "$image" "$context" >/dev/null
}

# interviewer-ci/python:3.11 (Python only) and interviewer-ci/python-deps:3.11 (with the app's dependencies,
# rebuilt when pyproject.toml's dependencies change).
python_images_build() {
  local context base_key key rc=0
  context=$(mktemp -d /tmp/interviewer-python-image.XXXXXX) || return 1
  cp deploy/ci/python/Dockerfile "$context/" || return 1
  # The machine's own certificate authorities (a TLS-inspecting way to PyPI needs them inside too).
  mkdir -p "$context/ca-certificates" || return 1
  find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp {} "$context/ca-certificates/" \; 2>/dev/null
  python3 -c 'import sys, tomllib; print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))' \
    pyproject.toml >"$context/requirements.txt" || return 1
  base_key=$( { _image_inputs "$COMPOSE_BASE_IMAGE"; sed '/^FROM python AS app-deps/,$d' "$context/Dockerfile"
    cat "$context"/ca-certificates/*.crt 2>/dev/null || true; } | _compose_hash)
  key=$(cat "$context/Dockerfile" "$context/requirements.txt" <(echo "$base_key") | _compose_hash)
  _python_image_build "$COMPOSE_PYTHON_IMAGE" python "$context" "$base_key" \
    && _python_image_build "$COMPOSE_PYTHON_DEPS_IMAGE" app-deps "$context" "$key" || rc=1
  rm -rf "$context"
  return $rc
}

# Everything tests/deploy/test_compose_stack.py needs before its `up --build` (which builds the stack's own
# images from these): Docker, a daemon, the Debian base and the Python bases.
compose_stack_prepare() {
  docker_install || { echo "compose-stack: could not install Docker" >&2; return 1; }
  dockerd_start || return 1
  base_image_build || { echo "compose-stack: could not build $COMPOSE_BASE_IMAGE" >&2; return 1; }
  python_images_build || { echo "compose-stack: could not build the Python base images" >&2; return 1; }
}
