// Package e2e holds procesa's end-to-end tests. It has no code of its own:
// TestMain builds the procesa binary from the module root, and each test
// starts it as a real process on real sockets (127.0.0.1 and ::1), talks to
// it with net/http, raw sockets, curl and nc, and stops it with a signal.
package e2e
