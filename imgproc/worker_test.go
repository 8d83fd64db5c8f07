package imgproc

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"procesa/proto"
)

// serverSide starts ServeWorker on one end of a pipe and returns the other,
// after checking the Hello. The worker's return value arrives on the
// channel once the returned conn is closed.
func serverSide(t *testing.T) (net.Conn, <-chan error) {
	t.Helper()
	server, worker := net.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- ServeWorker(worker)
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

func roundTrip(t *testing.T, conn net.Conn, job proto.Job) proto.Result {
	t.Helper()
	if err := proto.WriteMessage(conn, proto.FrameJob, job); err != nil {
		t.Fatalf("sending job: %v", err)
	}
	var res proto.Result
	if err := proto.ReadMessage(conn, proto.FrameResult, &res); err != nil {
		t.Fatalf("reading result: %v", err)
	}
	if res.ID != job.ID {
		t.Fatalf("result id %q; want %q", res.ID, job.ID)
	}
	return res
}

func goroot(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "src", "image", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("GOROOT test image missing: %v", err)
	}
	return p
}

func optionsJSON(t *testing.T, o Options) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServeWorkerProcessesJobs(t *testing.T) {
	conn, done := serverSide(t)
	dir := t.TempDir()
	in := goroot(t, "video-001.png")
	src, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}

	o := DefaultOptions()
	o.Scale = 0.5
	jpegOut := filepath.Join(dir, "a.jpg.tmp")
	res := roundTrip(t, conn, proto.Job{ID: "a", Input: in, Output: jpegOut, Options: optionsJSON(t, o)})
	wantW, wantH := cfg.Width/2, cfg.Height/2
	if res.Error != "" || res.Status != 0 || res.Format != "png" || res.Width != wantW || res.Height != wantH {
		t.Fatalf("result = %+v; want png → %dx%d", res, wantW, wantH)
	}
	got, err := os.ReadFile(jpegOut)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != res.Bytes {
		t.Errorf("Bytes = %d; output file has %d", res.Bytes, len(got))
	}
	// The worker's output is exactly what Process writes for the same options.
	var want bytes.Buffer
	if _, err := Process(src, &want, o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("worker output (%d bytes) differs from Process output (%d bytes)", len(got), want.Len())
	}
	m, err := jpeg.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	if _, ok := m.(*image.Gray); !ok || m.Bounds().Dx() != wantW || m.Bounds().Dy() != wantH {
		t.Errorf("output is %T %v; want gray %dx%d", m, m.Bounds(), wantW, wantH)
	}

	// A second job on the same connection, with other options: colour PNG
	// at a fixed width.
	o = DefaultOptions()
	o.Gray, o.Format, o.Width = false, FormatPNG, 40
	pngOut := filepath.Join(dir, "b.png.tmp")
	res = roundTrip(t, conn, proto.Job{ID: "b", Input: goroot(t, "video-001.jpeg"), Output: pngOut, Options: optionsJSON(t, o)})
	if res.Error != "" || res.Format != "jpeg" || res.Width != 40 {
		t.Fatalf("result = %+v; want jpeg → 40 wide", res)
	}
	f, err := os.Open(pngOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pm, err := png.Decode(f)
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	if pm.Bounds().Dx() != 40 || pm.Bounds().Dy() != res.Height {
		t.Errorf("PNG output is %v; want 40x%d", pm.Bounds(), res.Height)
	}

	// Absent options mean the defaults: gray JPEG at scale 1.
	defOut := filepath.Join(dir, "c.tmp")
	res = roundTrip(t, conn, proto.Job{ID: "c", Input: in, Output: defOut})
	if res.Error != "" || res.Width != cfg.Width || res.Height != cfg.Height {
		t.Errorf("default-options result = %+v; want %dx%d", res, cfg.Width, cfg.Height)
	}

	conn.Close()
	if err := <-done; err != nil {
		t.Errorf("ServeWorker after the server closed = %v; want nil", err)
	}
}

func TestServeWorkerFailures(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("esto no es una imagen"), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := goroot(t, "video-001.progressive.truncated.jpeg")
	good := goroot(t, "video-001.png")
	bad := DefaultOptions()
	bad.Scale = -1
	tiny := DefaultOptions()
	tiny.MaxPixels = 100

	tests := []struct {
		name       string
		job        proto.Job
		wantStatus int
	}{
		{"not an image", proto.Job{Input: garbage}, 415},
		{"bad option", proto.Job{Input: good, Options: optionsJSON(t, bad)}, 400},
		{"over pixel limit", proto.Job{Input: good, Options: optionsJSON(t, tiny)}, 413},
		{"bad options JSON", proto.Job{Input: good, Options: json.RawMessage(`{"escala":"x"}`)}, 500},
		{"missing input", proto.Job{Input: filepath.Join(dir, "missing")}, 500},
		{"unwritable output", proto.Job{Input: good, Output: filepath.Join(dir, "no", "such", "dir")}, 500},
	}
	conn, _ := serverSide(t)
	for i, tt := range tests {
		tt.job.ID = tt.name
		if tt.job.Output == "" {
			tt.job.Output = filepath.Join(dir, "out"+string(rune('a'+i)))
		}
		res := roundTrip(t, conn, tt.job)
		if res.Status != tt.wantStatus || res.Error == "" || res.Bytes != 0 {
			t.Errorf("%s: result = %+v; want status %d with a reason", tt.name, res, tt.wantStatus)
		}
		if _, err := os.Stat(tt.job.Output); !os.IsNotExist(err) {
			t.Errorf("%s: output file left behind (stat: %v)", tt.name, err)
		}
	}
	// A truncated image is either processed (the decoder tolerates it) or
	// refused as damaged; never a crash.
	res := roundTrip(t, conn, proto.Job{ID: "trunc", Input: truncated, Output: filepath.Join(dir, "t")})
	if res.Error != "" && res.Status != 422 {
		t.Errorf("truncated JPEG: result = %+v; want success or 422", res)
	}
	// The worker still serves after all those failures.
	res = roundTrip(t, conn, proto.Job{ID: "ok", Input: good, Output: filepath.Join(dir, "ok")})
	if res.Error != "" {
		t.Errorf("job after failures = %+v; want success", res)
	}
}

func TestServeWorkerProtocolErrors(t *testing.T) {
	conn, done := serverSide(t)
	// A Result frame is not something a server sends.
	if err := proto.WriteMessage(conn, proto.FrameResult, proto.Result{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("ServeWorker accepted a Result frame from the server")
	}

	conn, done = serverSide(t)
	// The worker stops reading after the header, so the rest of this
	// write may fail; only the worker's verdict matters.
	conn.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if err := <-done; err == nil {
		t.Error("ServeWorker accepted bytes that are not a frame")
	}

	// A frame cut short by the server's death is an error, not a clean end.
	conn, done = serverSide(t)
	frame, _ := proto.AppendFrame(nil, proto.FrameJob, []byte(`{"id":"x"}`))
	conn.Write(frame[:15])
	conn.Close()
	if err := <-done; err == nil {
		t.Error("ServeWorker returned nil on a truncated frame")
	}
}

func TestServeWorkerHelloFails(t *testing.T) {
	if err := ServeWorker(failingConn{}); err == nil {
		t.Error("ServeWorker on a broken connection = nil; want an error")
	}
}

type failingConn struct{}

func (failingConn) Read([]byte) (int, error)  { return 0, io.ErrClosedPipe }
func (failingConn) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
