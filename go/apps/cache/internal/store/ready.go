package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ReadinessChecker is implemented by stores that can tell whether they
// can take a write right now (GET /readyz).
type ReadinessChecker interface {
	// Ready returns nil when a Put could succeed now, and otherwise an
	// error wrapping ErrNotReady. Its message names no file paths or
	// credentials: it is shown to unauthenticated clients.
	Ready(ctx context.Context) error
}

// ErrNotReady: the store cannot take a write now (a read-only or full
// disk, an unreachable bucket).
var ErrNotReady = errors.New("not ready")

// probeData is what a write probe writes: one small block.
var probeData = make([]byte, 512)

// ProbeName is how the files of a write probe begin; no entry or upload
// name does.
const ProbeName = ".slipway-ready."

// ProbeDir checks that dir can take a write: it has at least minFree bytes
// available to this process (0: no check; unknown on systems without
// statfs), it has free inodes, and a file can be created in it, written
// and synced. With publishDir set, the file is also hard-linked there, as
// a file store publishes an entry. The probe's files are removed. what
// names dir in messages ("the cache directory").
func ProbeDir(dir, publishDir, what string, minFree int64) error {
	if free, files, ffree, ok := freeSpace(dir); ok {
		if minFree > 0 && free < minFree {
			return fmt.Errorf("%w: %s has %s free, less than the %s required (CACHE_MIN_FREE_BYTES)",
				ErrNotReady, what, formatBytes(free), formatBytes(minFree))
		}
		if files > 0 && ffree == 0 {
			return fmt.Errorf("%w: %s has no free inodes", ErrNotReady, what)
		}
	}
	f, err := os.CreateTemp(dir, ProbeName+"*")
	if err != nil {
		return fmt.Errorf("%w: cannot create a file in %s (%s)", ErrNotReady, what, errnoText(err))
	}
	defer func() {
		f.Close()
		_ = os.Remove(f.Name()) // a crash leaves it to the next start's cleanup
	}()
	if _, err := f.Write(probeData); err != nil {
		return fmt.Errorf("%w: cannot write in %s (%s)", ErrNotReady, what, errnoText(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%w: cannot sync a file in %s (%s)", ErrNotReady, what, errnoText(err))
	}
	if publishDir != "" {
		link := filepath.Join(publishDir, filepath.Base(f.Name()))
		if err := os.Link(f.Name(), link); err != nil {
			return fmt.Errorf("%w: cannot add a name to %s (%s)", ErrNotReady, what, errnoText(err))
		}
		_ = os.Remove(link)
	}
	return nil
}

// errnoText is the operating system's reason of err without the path
// (PathError), e.g. "read-only file system".
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "failed"
}

// formatBytes renders n in binary units, e.g. "12.0 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
