package pool

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"procesa/proto"
)

// unixPair returns the two ends of a new socketpair, closed when the test
// ends.
func unixPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := socketpair()
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "par")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
		t.Cleanup(func() { c.Close() })
	}
	return conns[0], conns[1]
}

// serveOnSocket starts Serve with run on one end of a socketpair and returns
// the other, after checking the Hello and the Ready. Serve's return value
// arrives on the channel.
func serveOnSocket(t *testing.T, run func(proto.Job) proto.Result) (*net.UnixConn, <-chan error) {
	t.Helper()
	server, worker := unixPair(t)
	done := make(chan error, 1)
	go func() {
		done <- Serve(worker, run)
		worker.Close()
	}()
	server.SetDeadline(time.Now().Add(30 * time.Second))
	var h proto.Hello
	if err := proto.ReadMessage(server, proto.FrameHello, &h); err != nil {
		t.Fatalf("reading Hello: %v", err)
	}
	if h.Version != proto.FrameVersion || h.PID != os.Getpid() {
		t.Fatalf("Hello = %+v; want version %d, pid %d", h, proto.FrameVersion, os.Getpid())
	}
	var r proto.Ready
	if err := proto.ReadMessage(server, proto.FrameReady, &r); err != nil {
		t.Fatalf("reading Ready: %v", err)
	}
	return server, done
}

// sendJob sends job to the worker on conn with the given files attached.
func sendJob(t *testing.T, conn *net.UnixConn, job proto.Job, files ...*os.File) {
	t.Helper()
	payload, _ := json.Marshal(job)
	b, err := proto.AppendFrame(nil, proto.FrameJob, payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeWithFiles(conn, b, files...); err != nil {
		t.Fatalf("sending job %s: %v", job.ID, err)
	}
}

// echoJob answers with what the job's input holds, and writes it to the
// output too.
func echoJob(job proto.Job) proto.Result {
	b := make([]byte, 100)
	n, _ := job.Input.ReadAt(b, 0)
	job.Output.Write(b[:n])
	return proto.Result{ID: job.ID, Format: string(b[:n])}
}

func TestServeAnswersJobs(t *testing.T) {
	ran := make(chan proto.Job, 3)
	conn, done := serveOnSocket(t, func(job proto.Job) proto.Result {
		ran <- job
		return echoJob(job)
	})
	for _, id := range []string{"a", "b", "c"} {
		job := testJob(t, id, "in-"+id)
		sendJob(t, conn, proto.Job{ID: id}, job.Input, job.Output)
		var res proto.Result
		if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
			t.Fatal(err)
		}
		if res.ID != id || res.Format != "in-"+id {
			t.Errorf("result = %+v; want the answer to job %s", res, id)
		}
		if res.WorkMicros <= 0 {
			t.Errorf("result of job %s has WorkMicros = %d; want the time the job took", id, res.WorkMicros)
		}
		// The worker wrote through the descriptor it got: the file the
		// server created holds the answer.
		if b, err := os.ReadFile(job.Output.Name()); err != nil || string(b) != "in-"+id {
			t.Errorf("output file of job %s = %q, %v; want %q", id, b, err, "in-"+id)
		}
		// Serve closed its copies once the job was answered.
		last := <-ran
		if _, err := last.Input.Stat(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("job %s: worker's input still open after the answer (Stat = %v)", id, err)
		}
		if _, err := last.Output.Stat(); !errors.Is(err, os.ErrClosed) {
			t.Errorf("job %s: worker's output still open after the answer (Stat = %v)", id, err)
		}
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve after the server closed = %v; want nil", err)
	}
}

func TestServeProtocolErrors(t *testing.T) {
	conn, done := serveOnSocket(t, echoJob)
	// A Result frame is not something a server sends.
	if err := proto.WriteMessage(conn, proto.FrameResult, proto.Result{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("Serve accepted a Result frame from the server")
	}

	conn, done = serveOnSocket(t, echoJob)
	// The worker stops reading after the header, so the rest of this
	// write may fail; only the worker's verdict matters.
	go conn.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if err := <-done; err == nil {
		t.Error("Serve accepted bytes that are not a frame")
	}

	// A frame cut short by the server's death is an error, not a clean end.
	conn, done = serveOnSocket(t, echoJob)
	frame, _ := proto.AppendFrame(nil, proto.FrameJob, []byte(`{"id":"x"}`))
	conn.Write(frame[:15])
	conn.Close()
	if err := <-done; err == nil {
		t.Error("Serve returned nil on a truncated frame")
	}
}

func TestServeHelloFails(t *testing.T) {
	server, worker := unixPair(t)
	server.Close()
	if err := Serve(worker, echoJob); err == nil {
		t.Error("Serve on a socket whose server is gone = nil; want an error")
	}
}

// openFDs counts the process's open descriptors, or returns -1 where
// /proc/self/fd does not list them.
func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// TestServeUnexpectedDescriptors checks that a Job with the wrong number of
// descriptors is answered with an error without running it, and that the
// worker keeps none of the descriptors it did not expect.
func TestServeUnexpectedDescriptors(t *testing.T) {
	var ran atomic.Bool
	conn, done := serveOnSocket(t, func(job proto.Job) proto.Result {
		ran.Store(true)
		return echoJob(job)
	})
	extra := testJob(t, "extra", "x")
	third, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	before := openFDs(t)
	for _, tt := range []struct {
		name  string
		files []*os.File
	}{
		{"none", nil},
		{"one", []*os.File{extra.Input}},
		{"three", []*os.File{extra.Input, extra.Output, third}},
		{"many", []*os.File{third, third, third, third, third, third, third, third, third, third, third, third}},
	} {
		sendJob(t, conn, proto.Job{ID: tt.name}, tt.files...)
		var res proto.Result
		if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
			t.Fatal(err)
		}
		if res.ID != tt.name || res.Error == "" || res.Status != 500 {
			t.Errorf("job with %s descriptors: result %+v; want a 500 error", tt.name, res)
		}
		if after := openFDs(t); after != before {
			t.Errorf("job with %s descriptors: %d descriptors open before, %d after; want no leak", tt.name, before, after)
		}
	}
	if ran.Load() {
		t.Error("a job with the wrong descriptors was run")
	}
	// The worker is still in step: a good job works.
	good := testJob(t, "bueno", "ok")
	sendJob(t, conn, proto.Job{ID: "bueno"}, good.Input, good.Output)
	var res proto.Result
	if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil || res.Error != "" || res.Format != "ok" {
		t.Errorf("good job after the bad ones = %+v, %v", res, err)
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v", err)
	}
}

// TestServeHangUpDuringJob checks the fallback that ends a worker whose
// server dies while it is busy: Serve notices the end of file at once, not
// when the job is over.
func TestServeHangUpDuringJob(t *testing.T) {
	hung := make(chan struct{})
	defer func(f func()) { hangUp = f }(hangUp)
	hangUp = func() { close(hung) }

	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	conn, _ := serveOnSocket(t, func(job proto.Job) proto.Result {
		close(started)
		<-release // a job that never ends by itself
		return proto.Result{ID: job.ID}
	})
	job := testJob(t, "largo", "")
	sendJob(t, conn, proto.Job{ID: "largo"}, job.Input, job.Output)
	<-started
	conn.Close()
	select {
	case <-hung:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not hang up while its job was running")
	}
}

// TestServeIdleHangUpIsClean checks that the end of file between jobs is the
// normal way to stop a worker: Serve returns nil, without the hang-up exit.
func TestServeIdleHangUpIsClean(t *testing.T) {
	defer func(f func()) { hangUp = f }(hangUp)
	hangUp = func() { t.Error("hangUp called for an idle worker") }
	conn, done := serveOnSocket(t, echoJob)
	job := testJob(t, "a", "x")
	sendJob(t, conn, proto.Job{ID: "a"}, job.Input, job.Output)
	var res proto.Result
	if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v; want nil", err)
	}
}

// TestServeReleasesMemoryWhenIdle checks that a worker keeps its memory
// while jobs follow one another closely and returns it to the system once
// it has been idle for idleRelease, once per idle spell.
func TestServeReleasesMemoryWhenIdle(t *testing.T) {
	released := make(chan struct{}, 10)
	oldRelease, oldIdle := ReleaseMemory, idleRelease
	ReleaseMemory = func() { released <- struct{}{} }
	idleRelease = time.Second
	t.Cleanup(func() { ReleaseMemory, idleRelease = oldRelease, oldIdle })

	conn, done := serveOnSocket(t, echoJob)
	job := func(id string) {
		j := testJob(t, id, "in-"+id)
		sendJob(t, conn, proto.Job{ID: id}, j.Input, j.Output)
		var res proto.Result
		if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
			t.Fatal(err)
		}
	}
	// Jobs 100 ms apart: never idle long enough.
	for _, id := range []string{"a", "b", "c", "d"} {
		job(id)
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-released:
		t.Fatal("memory released between jobs that came 100 ms apart (idleRelease is 1 s)")
	default:
	}
	// Then idle: released once, not again.
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("memory not released after the worker was idle")
	}
	time.Sleep(2 * idleRelease)
	if n := len(released); n != 0 {
		t.Errorf("memory released %d more times during one idle spell; want once", n)
	}
	// A new job re-arms it.
	job("e")
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("memory not released after the second idle spell")
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v", err)
	}
}
