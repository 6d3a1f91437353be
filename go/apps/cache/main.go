// Command cache is Slipway's self-hosted Nx remote cache server: it speaks
// the contract of Nx's NX_SELF_HOSTED_REMOTE_CACHE_SERVER client
// (PUT/GET /v1/cache/{hash}), keeps entries on local disk or in
// S3-compatible object storage, and separates read-only from read-write
// tokens. Configuration comes from CACHE_* environment variables; see
// run.go.
package main

import "slipway/libs/service"

// version is the build version, set with -ldflags "-X main.version=...".
var version = "dev"

func main() { service.Main(run) }
