package proto

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

// frame builds raw frame bytes field by field, so tests can break any field.
func frame(magic string, version, typ byte, reserved uint16, length uint32, payload string) []byte {
	b := []byte(magic)
	b = append(b, version, typ)
	b = binary.BigEndian.AppendUint16(b, reserved)
	b = binary.BigEndian.AppendUint32(b, length)
	return append(b, payload...)
}

func TestReadFrame(t *testing.T) {
	tests := []struct {
		name        string
		in          []byte
		wantType    FrameType
		wantPayload string
		wantErr     error // matched with errors.Is, or errFrame for any *FrameError
	}{
		{"hello", frame("PRCW", FrameVersion, 1, 0, 21, `{"version":1,"pid":7}`), FrameHello, `{"version":1,"pid":7}`, nil},
		{"trailing bytes", frame("PRCW", FrameVersion, 2, 0, 2, "{}xyz"), FrameJob, "{}", nil},
		{"job", frame("PRCW", FrameVersion, 2, 0, 2, "{}"), FrameJob, "{}", nil},
		{"ready", frame("PRCW", FrameVersion, 4, 0, 14, `{"activas":[]}`), FrameReady, `{"activas":[]}`, nil},
		{"result empty", frame("PRCW", FrameVersion, 3, 0, 0, ""), FrameResult, "", nil},
		{"max payload", frame("PRCW", FrameVersion, 3, 0, MaxFramePayload, strings.Repeat("x", MaxFramePayload)), FrameResult, strings.Repeat("x", MaxFramePayload), nil},
		{"empty stream", nil, 0, "", io.EOF},
		{"short header", []byte("PRCW\x01"), 0, "", io.ErrUnexpectedEOF},
		{"short payload", frame("PRCW", FrameVersion, 2, 0, 10, "{}"), 0, "", io.ErrUnexpectedEOF},
		{"bad magic", frame("PRCX", 1, 2, 0, 2, "{}"), 0, "", errFrame},
		{"http request", []byte("GET / HTTP/1.1\r\n\r\n"), 0, "", errFrame},
		{"version 0", frame("PRCW", 0, 2, 0, 2, "{}"), 0, "", errFrame},
		{"version 1", frame("PRCW", 1, 2, 0, 2, "{}"), 0, "", errFrame},
		{"next version", frame("PRCW", FrameVersion+1, 2, 0, 2, "{}"), 0, "", errFrame},
		{"type 0", frame("PRCW", FrameVersion, 0, 0, 2, "{}"), 0, "", errFrame},
		{"type 5", frame("PRCW", FrameVersion, 5, 0, 2, "{}"), 0, "", errFrame},
		{"reserved", frame("PRCW", FrameVersion, 2, 1, 2, "{}"), 0, "", errFrame},
		{"too large", frame("PRCW", FrameVersion, 2, 0, MaxFramePayload+1, ""), 0, "", errFrame},
		{"huge length", frame("PRCW", FrameVersion, 2, 0, 0xFFFFFFFF, ""), 0, "", errFrame},
	}
	for _, tt := range tests {
		for _, bufCap := range []int{0, 64} {
			typ, payload, err := ReadFrame(bytes.NewReader(tt.in), make([]byte, 0, bufCap))
			if !matchErr(err, tt.wantErr) {
				t.Errorf("%s (buf %d): ReadFrame error = %v; want %v", tt.name, bufCap, err, tt.wantErr)
				continue
			}
			if err != nil {
				continue
			}
			if typ != tt.wantType || string(payload) != tt.wantPayload {
				t.Errorf("%s (buf %d): ReadFrame = %v, %.40q; want %v, %.40q", tt.name, bufCap, typ, payload, tt.wantType, tt.wantPayload)
			}
		}
	}
}

// errFrame stands for "any *FrameError" in test tables.
var errFrame = errors.New("any *FrameError")

func matchErr(err, want error) bool {
	if want == errFrame {
		var fe *FrameError
		return errors.As(err, &fe)
	}
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

// TestReadFrameDoesNotReadPastBadHeader checks that a refused frame's
// payload is not consumed (nor allocated) from the stream.
func TestReadFrameDoesNotReadPastBadHeader(t *testing.T) {
	r := bytes.NewReader(append(frame("PRCW", FrameVersion, 2, 0, MaxFramePayload+1, ""), "rest"...))
	if _, _, err := ReadFrame(r, nil); err == nil {
		t.Fatal("ReadFrame accepted an oversized frame")
	}
	if r.Len() != len("rest") {
		t.Errorf("ReadFrame consumed %d bytes past the header", len("rest")-r.Len())
	}
}

func TestWriteFrameRoundTrip(t *testing.T) {
	var stream bytes.Buffer
	payloads := []struct {
		typ FrameType
		p   string
	}{{FrameHello, `{"version":1}`}, {FrameJob, ""}, {FrameResult, strings.Repeat("é", 1000)}}
	for _, f := range payloads {
		if err := WriteFrame(&stream, f.typ, []byte(f.p)); err != nil {
			t.Fatalf("WriteFrame(%v): %v", f.typ, err)
		}
	}
	buf := make([]byte, 0, 16)
	for _, f := range payloads {
		typ, p, err := ReadFrame(&stream, buf)
		if err != nil || typ != f.typ || string(p) != f.p {
			t.Fatalf("ReadFrame = %v, %.20q, %v; want %v, %.20q, nil", typ, p, err, f.typ, f.p)
		}
	}
	if _, _, err := ReadFrame(&stream, buf); err != io.EOF {
		t.Fatalf("ReadFrame at end = %v; want io.EOF", err)
	}
}

func TestWriteFrameRefuses(t *testing.T) {
	var w bytes.Buffer
	if err := WriteFrame(&w, FrameJob, make([]byte, MaxFramePayload+1)); err == nil {
		t.Error("WriteFrame accepted a payload over MaxFramePayload")
	}
	if err := WriteFrame(&w, FrameType(9), nil); err == nil {
		t.Error("WriteFrame accepted an unknown type")
	}
	if w.Len() != 0 {
		t.Errorf("refused frames wrote %d bytes", w.Len())
	}
}

// TestWriteFrameSingleWrite checks that a frame is one Write call, which is
// what keeps frames whole on a socket.
func TestWriteFrameSingleWrite(t *testing.T) {
	var cw countingWriter
	if err := WriteFrame(&cw, FrameResult, []byte(`{"id":"x"}`)); err != nil {
		t.Fatal(err)
	}
	if cw.writes != 1 {
		t.Errorf("WriteFrame made %d Write calls; want 1", cw.writes)
	}
}

type countingWriter struct{ writes int }

func (c *countingWriter) Write(p []byte) (int, error) { c.writes++; return len(p), nil }

func TestMessages(t *testing.T) {
	var stream bytes.Buffer
	job := Job{ID: "a1", Options: json.RawMessage(`{"escala":0.5}`)}
	res := Result{ID: "a1", Width: 3, Height: 4, Bytes: 99}
	fail := Result{ID: "a2", Status: 422, Error: "la imagen está dañada"}
	hello := Hello{Version: FrameVersion, PID: 42}
	for _, m := range []struct {
		typ FrameType
		v   any
	}{{FrameHello, hello}, {FrameJob, job}, {FrameResult, res}, {FrameResult, fail}} {
		if err := WriteMessage(&stream, m.typ, m.v); err != nil {
			t.Fatal(err)
		}
	}
	var gotHello Hello
	var gotJob Job
	var gotRes, gotFail Result
	if err := ReadMessage(&stream, FrameHello, &gotHello); err != nil || gotHello != hello {
		t.Errorf("hello = %+v, %v; want %+v", gotHello, err, hello)
	}
	if err := ReadMessage(&stream, FrameJob, &gotJob); err != nil || !reflect.DeepEqual(gotJob, job) {
		t.Errorf("job = %+v, %v; want %+v", gotJob, err, job)
	}
	if err := ReadMessage(&stream, FrameResult, &gotRes); err != nil || gotRes != res {
		t.Errorf("result = %+v, %v; want %+v", gotRes, err, res)
	}
	// A frame of the wrong type is refused.
	var fe *FrameError
	if err := ReadMessage(&stream, FrameJob, &gotJob); !errors.As(err, &fe) {
		t.Errorf("ReadMessage of a result as a job = %v; want *FrameError", err)
	}
	if err := ReadMessage(&stream, FrameResult, &gotFail); err != io.EOF {
		t.Errorf("ReadMessage after the last frame = %v; want io.EOF", err)
	}
}

func TestMessageWireNames(t *testing.T) {
	// The files travel as descriptors, never in the JSON.
	b, err := json.Marshal(Job{ID: "i", Options: json.RawMessage(`{}`), Input: os.Stdin, Output: os.Stdout})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"i","opciones":{}}`; string(b) != want {
		t.Errorf("Job JSON = %s; want %s", b, want)
	}
	b, _ = json.Marshal(Result{ID: "i", Status: 415, Error: "x"})
	if want := `{"id":"i","estado_http":415,"error":"x"}`; string(b) != want {
		t.Errorf("Result JSON = %s; want %s", b, want)
	}
}

func TestDecodeMessageBadJSON(t *testing.T) {
	var j Job
	var fe *FrameError
	if err := DecodeMessage(FrameJob, []byte(`{"id":`), FrameJob, &j); !errors.As(err, &fe) {
		t.Errorf("DecodeMessage(truncated JSON) = %v; want *FrameError", err)
	}
	if err := DecodeMessage(FrameJob, []byte(`{"id":7}`), FrameJob, &j); !errors.As(err, &fe) {
		t.Errorf("DecodeMessage(wrong JSON type) = %v; want *FrameError", err)
	}
}

func TestReadFrameAllocs(t *testing.T) {
	raw := frame("PRCW", FrameVersion, 3, 0, 10, `{"id":"x"}`)
	r := bytes.NewReader(raw)
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(raw)
		if _, _, err := ReadFrame(r, buf); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadFrame with a large enough buffer: %v allocs; want 0", allocs)
	}
}

// FuzzReadFrame checks that ReadFrame never panics or over-reads, and that
// every frame it accepts is re-encoded byte for byte by AppendFrame.
func FuzzReadFrame(f *testing.F) {
	f.Add(frame("PRCW", FrameVersion, 1, 0, 21, `{"version":1,"pid":7}`))
	f.Add(frame("PRCW", FrameVersion, 2, 0, 2, "{}"))
	f.Add(frame("PRCW", FrameVersion, 3, 0, 0, ""))
	f.Add(frame("PRCW", FrameVersion+1, 2, 0, 2, "{}"))
	f.Add(frame("PRCW", FrameVersion, 2, 0, 0xFFFFFFFF, ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		typ, payload, err := ReadFrame(r, make([]byte, 0, 32))
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) && err != io.EOF && err != io.ErrUnexpectedEOF {
				t.Fatalf("ReadFrame: unexpected error type %T: %v", err, err)
			}
			return
		}
		n := len(data) - r.Len()
		if n != FrameHeaderLen+len(payload) {
			t.Fatalf("ReadFrame consumed %d bytes for a %d-byte payload", n, len(payload))
		}
		again, err := AppendFrame(nil, typ, payload)
		if err != nil {
			t.Fatalf("AppendFrame refused an accepted frame: %v", err)
		}
		if !bytes.Equal(again, data[:n]) {
			t.Fatalf("re-encoded frame differs:\n got %q\nwant %q", again, data[:n])
		}
		// Decoding the payload must not panic whatever it holds.
		switch typ {
		case FrameHello:
			var h Hello
			_ = DecodeMessage(typ, payload, FrameHello, &h)
		case FrameJob:
			var j Job
			_ = DecodeMessage(typ, payload, FrameJob, &j)
		case FrameResult:
			var res Result
			_ = DecodeMessage(typ, payload, FrameResult, &res)
		case FrameReady:
			var r Ready
			_ = DecodeMessage(typ, payload, FrameReady, &r)
		}
	})
}

func BenchmarkFrameRoundTrip(b *testing.B) {
	job := Job{ID: "0b0c3f1e-7d6a-4d0e-9a51-2f0f7c1b9a10", Options: json.RawMessage(`{"escala":0.5,"gris":true,"formato":"jpeg","calidad":75,"filtro":"bicubico"}`)}
	var stream bytes.Buffer
	var got Job
	b.ReportAllocs()
	for b.Loop() {
		stream.Reset()
		if err := WriteMessage(&stream, FrameJob, job); err != nil {
			b.Fatal(err)
		}
		if err := ReadMessage(&stream, FrameJob, &got); err != nil {
			b.Fatal(err)
		}
	}
}
