//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package fsstore

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting. It reports
// errLocked when another open file (in this process or another) holds
// one, and errLockUnsupported when the file system has no locks.
// The lock lasts until f is closed, or the process ends, which is the
// point: a killed writer's lock is gone with it.
func tryLock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLocked
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EINVAL):
			return errLockUnsupported
		default:
			return err
		}
	}
}
