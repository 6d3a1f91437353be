//go:build !slipway_noverify

package fsstore

// verifyReads is false only in binaries built with the slipway_noverify
// tag, which the cache-server benchmark uses to show what verification
// costs; no other build serves unverified entries.
const verifyReads = true
