// Command api is Slipway's build ledger API: it records the image builds CI
// reports and serves them to the web frontend. Configuration comes from
// API_* environment variables; see run.go.
package main

import "slipway/libs/service"

// version is the build version, set with -ldflags "-X main.version=...".
var version = "dev"

func main() { service.Main(run) }
