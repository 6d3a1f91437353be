#!/bin/sh
# Slipway offline stand-in for the node image: same behaviour as the official image's
# entrypoint (github.com/nodejs/docker-node, MIT): run the command with node if the
# first argument is an option, is not a command, or is a non-executable file.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
