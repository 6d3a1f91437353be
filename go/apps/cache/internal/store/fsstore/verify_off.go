//go:build slipway_noverify

package fsstore

// verifyReads: built with slipway_noverify, for the cache-server
// benchmark only: entries are served without any integrity check.
const verifyReads = false
