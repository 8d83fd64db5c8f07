package client

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeServer is a small HTTP/1.1 server written by hand for the client's
// tests: request heads are read with net/textproto (not with package proto, so
// that the client's wire code is checked against an independent parser) and
// answers are written byte by byte.
type fakeServer struct {
	t    *testing.T
	ln   net.Listener
	port int

	conns atomic.Int32 // connections accepted

	mu sync.Mutex
	// refuse, if set, sees each request before its body is read; an answer it
	// returns is sent at once (without "100 Continue") and the connection is
	// then closed. Guarded by mu.
	refuse func(r *fakeRequest) *fakeResponse
	// handle answers each request once its body has been read. Guarded by mu.
	handle func(r *fakeRequest) fakeResponse
	reqs   []*fakeRequest        // guarded by mu
	open   map[net.Conn]struct{} // connections being served; guarded by mu
	isDown bool                  // between down and up; guarded by mu
	wg     sync.WaitGroup
	done   chan struct{}
}

type fakeRequest struct {
	Method, Target string
	Header         textproto.MIMEHeader
	Body           []byte
	Conn           int32 // number of the connection it came on, from 1
}

type fakeResponse struct {
	Status  int
	Header  []string // "Name: value" lines
	Body    []byte
	Chunked bool // send the body chunked
	Close   bool // say "Connection: close" and close
	Drop    bool // close after the answer without saying so, as an idle timeout would
	Hang    bool // never answer; wait for the client to go away
}

// newFakeServer listens on addr ("127.0.0.1:0", "[::1]:0"); it skips the test
// when the address family is not available.
func newFakeServer(t *testing.T, addr string) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("no se puede escuchar en %s (¿sin esa familia de direcciones?): %v", addr, err)
	}
	s := &fakeServer{t: t, ln: ln, port: ln.Addr().(*net.TCPAddr).Port, done: make(chan struct{}),
		open: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.serve(ln)
	t.Cleanup(func() {
		s.mu.Lock()
		close(s.done)
		s.ln.Close()
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// down stops the server as a crash would: the listener is closed (new
// connections are refused) and so is every open connection.
func (s *fakeServer) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.isDown = true
	s.ln.Close()
	for c := range s.open {
		c.Close()
	}
}

// up listens again on the same address after down.
func (s *fakeServer) up() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
		return // the test is over
	default:
	}
	ln, err := net.Listen("tcp", s.ln.Addr().String())
	if err != nil {
		s.t.Errorf("no se pudo volver a escuchar en %s: %v", s.ln.Addr(), err)
		return
	}
	s.ln, s.isDown = ln, false
	s.wg.Add(1)
	go s.serve(ln)
}

func (s *fakeServer) setHandle(f func(r *fakeRequest) fakeResponse) {
	s.mu.Lock()
	s.handle = f
	s.mu.Unlock()
}

func (s *fakeServer) setRefuse(f func(r *fakeRequest) *fakeResponse) {
	s.mu.Lock()
	s.refuse = f
	s.mu.Unlock()
}

func (s *fakeServer) requests() []*fakeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*fakeRequest(nil), s.reqs...)
}

func (s *fakeServer) serve(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		n := s.conns.Add(1)
		s.mu.Lock()
		if s.isDown {
			s.mu.Unlock()
			c.Close()
			continue
		}
		s.open[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.mu.Lock()
				delete(s.open, c)
				s.mu.Unlock()
			}()
			s.serveConn(c, n)
		}()
	}
}

func (s *fakeServer) serveConn(c net.Conn, n int32) {
	go func() { // unblock reads when the test ends
		<-s.done
		c.SetDeadline(time.Unix(1, 0))
	}()
	br := bufio.NewReader(c)
	tp := textproto.NewReader(br)
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		method, rest, _ := strings.Cut(line, " ")
		target, _, _ := strings.Cut(rest, " ")
		hdr, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		r := &fakeRequest{Method: method, Target: target, Header: hdr, Conn: n}
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		refuse, handle := s.refuse, s.handle
		s.mu.Unlock()
		if refuse != nil {
			if resp := refuse(r); resp != nil {
				resp.Close = true
				writeFake(c, *resp)
				// Lingering close: let the client see the answer before a reset.
				c.(*net.TCPConn).CloseWrite()
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				got, _ := io.Copy(io.Discard, br)
				s.mu.Lock()
				r.Body = make([]byte, got) // only its length matters
				s.mu.Unlock()
				return
			}
		}
		if strings.EqualFold(hdr.Get("Expect"), "100-continue") {
			io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\n")
		}
		if cl := hdr.Get("Content-Length"); cl != "" {
			size, err := strconv.ParseInt(cl, 10, 64)
			if err != nil {
				return
			}
			body := make([]byte, size)
			if _, err := io.ReadFull(br, body); err != nil {
				return
			}
			s.mu.Lock()
			r.Body = body
			s.mu.Unlock()
		}
		resp := handle(r)
		if resp.Hang {
			io.Copy(io.Discard, br) // until the client closes
			return
		}
		writeFake(c, resp)
		if resp.Close || resp.Drop {
			return
		}
	}
}

// writeFake writes resp on c.
func writeFake(c net.Conn, resp fakeResponse) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d Fake\r\n", resp.Status)
	for _, h := range resp.Header {
		b.WriteString(h + "\r\n")
	}
	if resp.Close {
		b.WriteString("Connection: close\r\n")
	}
	if resp.Chunked {
		b.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		for body := resp.Body; len(body) > 0; {
			k := min(len(body), 1000)
			fmt.Fprintf(&b, "%x;ext=1\r\n", k)
			b.Write(body[:k])
			b.WriteString("\r\n")
			body = body[k:]
		}
		b.WriteString("0\r\nTrailer: x\r\n\r\n")
	} else {
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(resp.Body))
		b.Write(resp.Body)
	}
	c.Write(b.Bytes())
}

// jsonResponse is a JSON answer.
func jsonResponse(status int, body string) fakeResponse {
	return fakeResponse{Status: status, Header: []string{"Content-Type: application/json; charset=utf-8"}, Body: []byte(body)}
}

const fakeID = "6f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c"

// fakeTasks plays the server's task routes: an upload is accepted, its status
// goes from "En cola" through "En progreso" (busy polls) to final, and its
// result is served.
type fakeTasks struct {
	busy    int    // status answers "En progreso" before the final state
	final   string // "Completada" (default) or "Error"
	errMsg  string // "error" of a failed task
	result  []byte // the result image
	ctype   string // its Content-Type
	chunked bool   // send the result chunked

	mu    sync.Mutex
	polls int // guarded by mu
}

func (f *fakeTasks) handle(r *fakeRequest) fakeResponse {
	switch {
	case r.Method == "POST" && strings.HasPrefix(r.Target, "/procesar"):
		if !looksLikeImage(r.Body) {
			return jsonResponse(415, `{"error": "el archivo no es una imagen que el servidor sepa leer"}`)
		}
		if strings.Contains(r.Target, "esperar=1") {
			return fakeResponse{Status: 200, Header: []string{"Content-Type: " + f.ctype}, Body: f.result, Chunked: f.chunked}
		}
		resp := jsonResponse(202, `{"id_tarea":"`+fakeID+`","estado":"En cola","estado_url":"/estado/`+fakeID+`","resultado_url":"/resultado/`+fakeID+`"}`)
		resp.Header = append(resp.Header, "Location: /estado/"+fakeID)
		return resp
	case r.Method == "GET" && r.Target == "/estado/"+fakeID:
		f.mu.Lock()
		f.polls++
		polls := f.polls
		f.mu.Unlock()
		switch {
		case polls == 1:
			return jsonResponse(200, `{"id_tarea":"`+fakeID+`","estado":"En cola"}`)
		case polls <= 1+f.busy:
			return jsonResponse(200, `{"id_tarea":"`+fakeID+`","estado":"En progreso"}`)
		case f.final == "Error":
			return jsonResponse(200, `{"id_tarea":"`+fakeID+`","estado":"Error","error":"`+f.errMsg+`"}`)
		}
		return jsonResponse(200, `{"id_tarea":"`+fakeID+`","estado":"Completada","resultado_url":"/resultado/`+fakeID+`","ancho":3,"alto":2}`)
	case r.Method == "GET" && r.Target == "/resultado/"+fakeID:
		return fakeResponse{Status: 200, Header: []string{"Content-Type: " + f.ctype}, Body: f.result, Chunked: f.chunked}
	}
	return jsonResponse(404, `{"error":"no encontrado"}`)
}

// looksLikeImage reports whether b starts with a PNG, JPEG or GIF signature.
func looksLikeImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || bytes.HasPrefix(b, []byte("\xff\xd8\xff")) ||
		bytes.HasPrefix(b, []byte("GIF8"))
}
