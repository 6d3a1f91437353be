package storetest

import (
	"os"
	"syscall"
	"testing"
)

// ReadOnly makes dir (and everything under it) unwritable for the test
// process until the test ends. Without root this is a chmod; as root,
// whom permissions do not stop, it is a read-only bind mount of dir onto
// itself, which is what a read-only volume looks like to the server.
// Where neither works, the test is skipped with the reason.
func ReadOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		chmodTree(t, dir, 0o555)
		t.Cleanup(func() { chmodTree(t, dir, 0o755) })
		return
	}
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		t.Skipf("cannot make %s read-only: bind mount: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	if err := syscall.Mount("", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot make %s read-only: remount: %v", dir, err)
	}
}

// Full mounts a tmpfs of 256 KiB on a new directory and fills it, so that
// writes there fail with ENOSPC as on a full disk, and returns the
// directory. It needs root (mount); without it the test is skipped with
// the reason: ProbeDir's free-space threshold is tested without a mount.
func Full(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("a full file system needs a tmpfs mount (root): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	f, err := os.Create(dir + "/filler")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			break // ENOSPC: full
		}
	}
	return dir
}

func chmodTree(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() {
			chmodTree(t, dir+"/"+e.Name(), mode)
		}
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}
