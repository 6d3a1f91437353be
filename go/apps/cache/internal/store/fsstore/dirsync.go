package fsstore

import (
	"os"
	"sync"
)

// dirSyncer makes new names in one directory durable, sharing fsyncs
// between concurrent writers: a writer whose link is done needs an fsync
// of the directory that starts after its link. While one runs, the
// writers that linked meanwhile wait for it to end and then share the
// next one, so N concurrent uploads cost about two directory fsyncs, not
// N.
type dirSyncer struct {
	dir string
	// syncFn fsyncs a directory: syncDir, but for tests.
	syncFn func(dir string) error

	mu   sync.Mutex
	cond *sync.Cond
	// started and done number the directory fsyncs begun and finished;
	// one runs at a time, so they finish in order.
	started, done uint64
	running       bool
	// lastOK numbers the latest fsync that succeeded; lastErr is the
	// error of the latest that failed.
	lastOK  uint64
	lastErr error
	// syncs counts the fsyncs made.
	syncs uint64
}

func newDirSyncer(dir string) *dirSyncer {
	d := &dirSyncer{dir: dir, syncFn: syncDir}
	d.cond = sync.NewCond(&d.mu)
	return d
}

// sync returns once an fsync of the directory that started after the call
// has finished: nil if one such fsync succeeded, else the error.
func (d *dirSyncer) sync() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	// A running fsync began before this call: it does not count.
	want := d.started + 1
	for d.done < want {
		if d.running {
			d.cond.Wait()
			continue
		}
		d.running = true
		d.started++
		n := d.started
		d.mu.Unlock()
		err := d.syncFn(d.dir)
		d.mu.Lock()
		d.running = false
		d.done = n
		d.syncs++
		if err == nil {
			d.lastOK = n
		} else {
			d.lastErr = err
		}
		d.cond.Broadcast()
	}
	if d.lastOK >= want {
		return nil
	}
	return d.lastErr
}

// count returns the number of directory fsyncs made.
func (d *dirSyncer) count() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.syncs
}

// syncDir fsyncs a directory so that a new name in it survives a crash.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
