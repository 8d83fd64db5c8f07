package trace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"procesa/proto"
)

// TestOffCostsNothing checks that with tracing off no hook allocates or
// writes: each is a test and nothing else.
func TestOffCostsNothing(t *testing.T) {
	var buf bytes.Buffer
	Enable(&buf)
	Disable()
	var tc *Conn // what Accept returns while tracing is off
	req := &proto.Request{Method: "GET", Target: "/", Major: 1, Minor: 1}
	cmd := exec.Command("/bin/true")
	job := any(proto.Job{ID: "x"})
	fds := []int{7, 8}
	cause := errors.New("señal")
	allocs := testing.AllocsPerRun(100, func() {
		if Accept(nil) != nil {
			t.Fatal("Accept con la traza apagada no devolvió nil")
		}
		Listen(nil)
		tc.Request(req)
		tc.Raw()
		tc.Continue()
		tc.Body(10, io.EOF)
		tc.Status(200)
		tc.KeepAlive()
		tc.Close(true)
		Fsync("/a/b")
		FsyncDir("/a")
		Rename("/a/b", "/a/c")
		Spawn(1, cmd)
		Exit(1, nil)
		FrameOut(1, proto.FrameJob, job)
		FrameIn(1, proto.FrameResult, nil)
		PassFDs(1, fds, "entrada, salida")
		FrameSent(1, nil)
		PassFiles(1, "entrada, salida", nil, nil)
		Inherited(nil, 3)
		Upgrade(cmd)
		HandOver("x")
		Signal(cause)
	})
	if allocs != 0 {
		t.Errorf("con la traza apagada los ganchos hacen %v asignaciones, se esperaba 0", allocs)
	}
	if buf.Len() != 0 {
		t.Errorf("con la traza apagada se escribió %q", buf.String())
	}
}

// TestLines checks the lines of a connection's events and of frames, with
// tracing on.
func TestLines(t *testing.T) {
	var buf bytes.Buffer
	Enable(&buf)
	defer Disable()

	srv, cli := tcpPair(t)
	tc := Accept(srv)
	if tc == nil {
		t.Fatal("Accept con la traza encendida devolvió nil")
	}
	req := &proto.Request{Method: "PUT", Target: "/a\x1b[2Jb", Major: 1, Minor: 0, ContentLength: 3,
		Header: proto.Header{{Name: "Host", Value: "x"}}}
	tc.Request(req)
	tc.Body(2, nil)
	tc.Body(1, io.EOF)
	tc.Status(413)
	tc.Close(false)
	FrameOut(42, proto.FrameJob, map[string]string{"id": "t1", "entrada": "/e", "salida": "/s"})
	FrameIn(42, proto.FrameResult, []byte(`{"id":"t1"}`))
	PassFDs(42, []int{5, 6}, "entrada, salida")
	sent, _ := proto.AppendFrame(nil, proto.FrameJob, []byte(`{"id":"t2"}`))
	FrameSent(42, sent)
	in, err := os.Open(filepath.Join(t.TempDir(), "."))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	PassFiles(42, "entrada", in)
	Fsync("/datos/tmp/abc")
	Rename("/datos/tmp/abc", "/datos/entradas/abc")
	FsyncDir("/datos/entradas")

	prefix := "[c" // then the number, then the client's address
	v := fmt.Sprintf("%02x", proto.FrameVersion)
	client := cli.LocalAddr().String()
	want := []string{
		"] accept(): cliente " + client + " en " + srv.LocalAddr().String() + ", socket AF_INET",
		`] solicitud: "PUT /a\x1b[2Jb HTTP/1.0", 1 campos de cabecera, cuerpo de 3 bytes (Content-Length)`,
		"] cuerpo leído entero: 3 bytes",
		`] respuesta: "HTTP/1.1 413 Content Too Large"`,
		"] cierre: close()",
		`[w pid 42] -> trama job: 50 52 43 57 | ` + v + ` | 02 | 00 00 | 00 00 00 28  {"entrada":"/e","id":"t1","salida":"/s"}`,
		`[w pid 42] <- trama result: 50 52 43 57 | ` + v + ` | 03 | 00 00 | 00 00 00 0b  {"id":"t1"}`,
		"[w pid 42] descriptores pasados con SCM_RIGHTS: fd 5 fd 6 (entrada, salida)",
		`[w pid 42] -> trama job: 50 52 43 57 | ` + v + ` | 02 | 00 00 | 00 00 00 0b  {"id":"t2"}`,
		"[w pid 42] descriptores pasados con SCM_RIGHTS: fd " + strconv.Itoa(int(in.Fd())) + " (" + short(in.Name()) + "), entrada",
		"[datos] fsync tmp/abc",
		"[datos] rename tmp/abc -> entradas/abc",
		"[datos] fsync del directorio entradas/ (hace durable el rename)",
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d líneas, se esperaban %d:\n%s", len(got), len(want), buf.String())
	}
	for i, w := range want {
		g := got[i]
		if strings.HasPrefix(w, "]") {
			// A connection's line: "[c<n> <client>]" then the event.
			p := prefix
			if !strings.HasPrefix(g, p) || !strings.Contains(g, " "+client+w) {
				t.Errorf("línea %d = %q; se esperaba [c<n> %s%s", i, g, client, w)
			}
			continue
		}
		if g != w {
			t.Errorf("línea %d = %q; se esperaba %q", i, g, w)
		}
	}
	// A control character sent by a client never reaches the terminal raw.
	if strings.ContainsRune(buf.String(), 0x1b) {
		t.Error("un carácter de control de la solicitud llegó tal cual a la traza")
	}
}

func tcpPair(t *testing.T) (srv, cli net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cli, err = net.Dial("tcp4", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err = l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cli.Close() })
	return srv, cli
}

// BenchmarkOffPerRequest measures, with tracing off, the hooks one
// keep-alive GET passes through in netio: request line, status line,
// keep-alive.
func BenchmarkOffPerRequest(b *testing.B) {
	Disable()
	tc := Accept(nil)
	req := &proto.Request{Method: "GET", Target: "/", Major: 1, Minor: 1}
	b.ReportAllocs()
	for b.Loop() {
		tc.Request(req)
		tc.Status(200)
		tc.KeepAlive()
	}
}
