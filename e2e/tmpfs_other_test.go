//go:build !linux

package e2e

import "testing"

// mountTmpfs skips the test: it mounts a Linux tmpfs.
func mountTmpfs(t *testing.T, size int) string {
	t.Skip("AVISO: la prueba de disco lleno monta un tmpfs de Linux")
	return ""
}

// fill is not reached where mountTmpfs skips.
func fill(t *testing.T, dir string, free int64) string { return "" }
