#!/usr/bin/env bash
# Local base images for machines without an image registry, built from the machine's Debian
# mirror with debootstrap and cached by tag (rebuilt only when missing):
#   server-agent-ci/runtime-base:bookworm   curl, git, nodejs, postgresql-client (the app's runtime base)
#   server-agent-ci/build-base:bookworm     minbase only (the build stage, given a prebuilt jar)
#   server-agent-ci/postgres:15             Debian's PostgreSQL 15 behind an entrypoint like postgres:16's
# Needs a running engine (deploy/compose-check.sh starts one). Prints the three tags.
set -euo pipefail
NAME=base-images.sh
cd "$(dirname "$0")/.."
. deploy/lib.sh
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "$CACHE"
work=$(mktemp -d /tmp/sa-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

minbase() {   # the debootstrap tree, cached as a tarball; prints only its path (callers capture it)
  local tar=$CACHE/$SUITE-minbase.tar
  if [ ! -s "$tar" ]; then {
    apt_install debootstrap debootstrap || fail "cannot install debootstrap"
    say "debootstrap $SUITE from $MIRROR (once; cached in $tar)"
    timeout 900 debootstrap --variant=minbase "$SUITE" "$work/minbase" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
      || fail "debootstrap: $(tail -3 "$work/debootstrap.log" | tr '\n' ' ')"
    tar -C "$work/minbase" -cf "$tar.part" . && mv "$tar.part" "$tar"
    rm -rf "$work/minbase"
  } >&2; fi  # progress to stderr: on a machine without the cache it used to become part of the path
  echo "$tar"
}

image() {   # image TAG PACKAGES...: minbase plus PACKAGES, imported as TAG
  local tag=$1; shift
  if "$DOCKER" image inspect "$tag" >/dev/null 2>&1; then return 0; fi
  local tar root=$work/root-${tag//[^a-z0-9]/_}
  tar=$(minbase)
  mkdir -p "$root" && tar -C "$root" -xf "$tar"
  if [ $# -gt 0 ]; then
    say "building $tag: $*"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    timeout 900 chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $* >/dev/null" \
      || fail "apt-get install in $tag failed"
  fi
  chroot "$root" sh -c 'apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin; : > /etc/resolv.conf'
  tar -C "$root" -c . | "$DOCKER" import --change 'CMD ["/bin/bash"]' - "$tag" >/dev/null
  rm -rf "$root"
}

image server-agent-ci/build-base:$SUITE
image server-agent-ci/runtime-base:$SUITE ca-certificates curl git nodejs postgresql-client util-linux
image server-agent-ci/postgres-base:$SUITE postgresql-15
if ! "$DOCKER" image inspect server-agent-ci/postgres:15 >/dev/null 2>&1; then
  "$DOCKER" build -q --build-arg BASE=server-agent-ci/postgres-base:$SUITE -t server-agent-ci/postgres:15 deploy/ci/postgres >/dev/null
fi
echo "server-agent-ci/build-base:$SUITE server-agent-ci/runtime-base:$SUITE server-agent-ci/postgres:15"
