//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package fsstore

import "os"

// tryLock: no flock here, so leftovers go by age (staleTmpAge).
func tryLock(*os.File) error { return errLockUnsupported }
