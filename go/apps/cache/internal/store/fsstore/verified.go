package fsstore

import (
	"sync"
	"sync/atomic"
	"time"
)

// Verification is recorded, not repeated. An entry file that passed its
// check (header, length, SHA-256 of the payload) is remembered with its
// identity: device, inode, size, modification time and inode change time
// (ctime). A later read re-hashes the file only when that identity
// changed. Any write through the file system (write, truncate, mmap,
// chmod, utimes, a new link) sets ctime to the current time, and nothing
// but the kernel can set ctime, so a byte changed after the check, even
// with the modification time put back, changes the identity and the next
// read hashes the file and finds the damage. What bypasses the file
// system (bit rot, writes to the raw device) keeps the identity; the
// scrub (scrub.go) re-hashes every entry at a bounded rate for that.
//
// Timestamps are coarse (a kernel tick, a second on some file systems), so
// a write just after a check, within the same tick as the file's ctime,
// could leave ctime as it was. A verification counts only when it started
// at least trustMargin after the file's ctime; until then every read
// re-hashes ("racily clean", as git calls it). An entry read within two
// seconds of its last change is therefore hashed on each of those reads.
const trustMargin = 2 * time.Second

// identity is what a file's stat says about its contents.
type identity struct {
	dev, ino           uint64
	size, mtime, ctime int64 // bytes; Unix nanoseconds
}

// entryState is what this process knows about one entry beyond the file.
type entryState struct {
	// id is the identity at the last verification, trusted when set.
	id      identity
	trusted bool
	// lastUse is the time of the last hit (Unix nanoseconds, the
	// store's clock), 0 if none: eviction's last-use time, without a
	// syscall per hit.
	lastUse atomic.Int64
}

// states holds the entries' states; safe for concurrent use.
type states struct {
	mu sync.RWMutex
	m  map[string]*entryState
}

// get returns the state of hash, or nil.
func (st *states) get(hash string) *entryState {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.m[hash]
}

// getOrAdd returns the state of hash, adding an empty one if needed.
func (st *states) getOrAdd(hash string) *entryState {
	if e := st.get(hash); e != nil {
		return e
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	e := st.m[hash]
	if e == nil {
		e = &entryState{}
		st.m[hash] = e
	}
	return e
}

// trusts reports whether the entry's file, now of identity id, was
// verified as it is.
func (st *states) trusts(hash string, id identity) bool {
	st.mu.RLock()
	defer st.mu.RUnlock()
	e := st.m[hash]
	return e != nil && e.trusted && e.id == id
}

// verified records that the file of hash, of identity id, passed its
// check, which started at started (wall clock).
func (st *states) verified(hash string, id identity, started time.Time) {
	e := st.getOrAdd(hash)
	st.mu.Lock()
	defer st.mu.Unlock()
	e.id = id
	e.trusted = started.UnixNano()-id.ctime >= int64(trustMargin)
}

// remove forgets hash (its file was removed).
func (st *states) remove(hash string) {
	st.mu.Lock()
	delete(st.m, hash)
	st.mu.Unlock()
}

// keepOnly forgets every hash for which keep is false.
func (st *states) keepOnly(keep func(string) bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for h := range st.m {
		if !keep(h) {
			delete(st.m, h)
		}
	}
}

// lastUse returns the recorded last use of hash (Unix nanoseconds), 0 if
// none.
func (st *states) lastUse(hash string) int64 {
	if e := st.get(hash); e != nil {
		return e.lastUse.Load()
	}
	return 0
}
