package fsstore

import (
	"io/fs"
	"syscall"
)

// identityOf returns what identifies a file's current contents, from its
// stat; ok is false where the system does not tell (then every read
// verifies).
func identityOf(fi fs.FileInfo) (identity, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return identity{}, false
	}
	return identity{
		dev: uint64(st.Dev), ino: st.Ino, size: st.Size,
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}, true
}
