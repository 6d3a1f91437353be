//go:build linux || darwin

package store

import "syscall"

// freeSpace reports the bytes available to unprivileged users, and the
// total and free inodes, of the file system holding dir.
func freeSpace(dir string) (free int64, files, ffree uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), uint64(st.Files), uint64(st.Ffree), true
}
