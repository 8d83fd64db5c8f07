package api

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statusServerEnv, set in the environment of the test binary, makes it run
// one status server for BenchmarkStatusIsolated instead of the tests: its
// value says which, "procesa" or "nethttp".
const statusServerEnv = "PROCESA_BENCH_STATUS_SERVER"

func TestMain(m *testing.M) {
	if which := os.Getenv(statusServerEnv); which != "" {
		if err := runStatusServer(which); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", which, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runStatusServer is the child process: it serves a store holding one
// finished task on 127.0.0.1:0 with the server named which, prints
// "<address> <task id>" on stdout, and serves until stdin closes.
func runStatusServer(which string) error {
	dir, err := os.MkdirTemp("", "procesa-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, id, err := openStatusStore(dir)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var shutdown func(context.Context) error
	switch which {
	case "procesa":
		shutdown = serveProcesa(store, l)
	case "nethttp":
		shutdown = serveNetHTTP(store, l)
	default:
		return fmt.Errorf("unknown server %q", which)
	}
	fmt.Printf("%s %s\n", l.Addr(), id)
	io.Copy(io.Discard, os.Stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shutdown(ctx)
	return store.Shutdown(ctx)
}

// statusServer is a status server running in a child process.
type statusServer struct {
	pid  int
	addr string
	id   string
}

// startStatusServer re-executes the test binary to run the server named
// which in its own process, and stops that process when tb ends.
func startStatusServer(tb testing.TB, which string) *statusServer {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), statusServerEnv+"="+which)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		io.Copy(io.Discard, stdout)
	}()
	var s string
	select {
	case s = <-line:
	case <-time.After(30 * time.Second):
		tb.Fatalf("the %s server did not start", which)
	}
	addr, id, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		// Let it exit, to report what it wrote on stderr.
		stdin.Close()
		time.Sleep(100 * time.Millisecond)
		tb.Fatalf("the %s server did not start: %q %s", which, s, stderr.Bytes())
	}
	return &statusServer{pid: cmd.Process.Pid, addr: addr, id: id}
}

// cpu returns the CPU time, user and system, the server process has used
// so far in all its threads.
//
// It sums the first field of /proc/<pid>/task/*/schedstat, in nanoseconds
// (/proc/<pid>/schedstat covers only the main thread), and falls back on
// utime+stime from /proc/<pid>/stat, in 100 Hz clock ticks, where schedstat
// is missing or reads zero. A thread that has exited would drop out of the
// sum; the Go runtime keeps its threads, so the servers' do not exit.
func (s *statusServer) cpu(tb testing.TB) time.Duration {
	if d, ok := schedstatCPU(s.pid); ok {
		return d
	}
	d, err := statCPU(s.pid)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// schedstatCPU sums the time on CPU of pid's threads from their schedstat.
func schedstatCPU(pid int) (time.Duration, bool) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, false
	}
	var sum int64
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "schedstat"))
		if err != nil {
			return 0, false
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		sum += n
	}
	return time.Duration(sum), sum > 0
}

// statCPU returns utime+stime of pid from /proc/<pid>/stat.
func statCPU(pid int) (time.Duration, error) {
	name := fmt.Sprintf("/proc/%d/stat", pid)
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count the fields
	// from the last ')'. utime and stime are fields 14 and 15 of the line,
	// so 12 and 13 after it.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("%s: %q", name, b)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%s: %q", name, b)
	}
	return time.Duration(ut+st) * (time.Second / 100), nil
}
