package pool

import (
	"io"
	"net"
	"os"
	"testing"
	"time"

	"procesa/proto"
)

// serveOnPipe starts Serve with run on one end of a pipe and returns the
// other, after checking the Hello. Serve's return value arrives on the
// channel.
func serveOnPipe(t *testing.T, run func(proto.Job) proto.Result) (net.Conn, <-chan error) {
	t.Helper()
	server, worker := net.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Serve(worker, run)
		worker.Close()
	}()
	t.Cleanup(func() { server.Close() })
	server.SetDeadline(time.Now().Add(30 * time.Second))
	var h proto.Hello
	if err := proto.ReadMessage(server, proto.FrameHello, &h); err != nil {
		t.Fatalf("reading Hello: %v", err)
	}
	if h.Version != proto.FrameVersion || h.PID != os.Getpid() {
		t.Fatalf("Hello = %+v; want version %d, pid %d", h, proto.FrameVersion, os.Getpid())
	}
	return server, done
}

func echoJob(job proto.Job) proto.Result {
	return proto.Result{ID: job.ID, Format: job.Input}
}

func TestServeAnswersJobs(t *testing.T) {
	conn, done := serveOnPipe(t, echoJob)
	for _, id := range []string{"a", "b", "c"} {
		if err := proto.WriteMessage(conn, proto.FrameJob, proto.Job{ID: id, Input: "in-" + id}); err != nil {
			t.Fatal(err)
		}
		var res proto.Result
		if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
			t.Fatal(err)
		}
		if res.ID != id || res.Format != "in-"+id {
			t.Errorf("result = %+v; want the answer to job %s", res, id)
		}
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve after the server closed = %v; want nil", err)
	}
}

func TestServeProtocolErrors(t *testing.T) {
	conn, done := serveOnPipe(t, echoJob)
	// A Result frame is not something a server sends.
	if err := proto.WriteMessage(conn, proto.FrameResult, proto.Result{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("Serve accepted a Result frame from the server")
	}

	conn, done = serveOnPipe(t, echoJob)
	// The worker stops reading after the header, so the rest of this
	// write may fail; only the worker's verdict matters.
	go conn.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if err := <-done; err == nil {
		t.Error("Serve accepted bytes that are not a frame")
	}

	// A frame cut short by the server's death is an error, not a clean end.
	conn, done = serveOnPipe(t, echoJob)
	frame, _ := proto.AppendFrame(nil, proto.FrameJob, []byte(`{"id":"x"}`))
	conn.Write(frame[:15])
	conn.Close()
	if err := <-done; err == nil {
		t.Error("Serve returned nil on a truncated frame")
	}
}

func TestServeHelloFails(t *testing.T) {
	if err := Serve(failingConn{}, echoJob); err == nil {
		t.Error("Serve on a broken connection = nil; want an error")
	}
}

type failingConn struct{}

func (failingConn) Read([]byte) (int, error)  { return 0, io.ErrClosedPipe }
func (failingConn) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

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
	conn, _ := serveOnPipe(t, func(job proto.Job) proto.Result {
		close(started)
		<-release // a job that never ends by itself
		return proto.Result{ID: job.ID}
	})
	if err := proto.WriteMessage(conn, proto.FrameJob, proto.Job{ID: "largo"}); err != nil {
		t.Fatal(err)
	}
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
	conn, done := serveOnPipe(t, echoJob)
	if err := proto.WriteMessage(conn, proto.FrameJob, proto.Job{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	var res proto.Result
	if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve = %v; want nil", err)
	}
}
