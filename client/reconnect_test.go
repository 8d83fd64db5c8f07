package client

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestReconnectsAfterServerRestart stops the server while the client follows
// the task, or just as it asks for the result, and starts it again a second
// later on the same port: the client must wait for it and finish.
func TestReconnectsAfterServerRestart(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target string // the request that brings the server down
	}{
		{"durante el seguimiento", "/estado/" + fakeID},
		{"antes de la descarga", "/resultado/" + fakeID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			img, _ := copyImage(t, "video-001.png", dir, "foto.png")
			tasks := &fakeTasks{busy: 1, result: []byte("\xff\xd8\xffjpeg"), ctype: "image/jpeg"}
			srv := newFakeServer(t, "127.0.0.1:0")
			var once sync.Once
			srv.setHandle(func(r *fakeRequest) fakeResponse {
				resp := tasks.handle(r)
				if r.Target == tc.target {
					once.Do(func() {
						srv.down() // this answer is lost with its connection
						time.AfterFunc(time.Second, srv.up)
					})
				}
				return resp
			})
			out := filepath.Join(dir, "gris.jpg")
			r := runClient(t, t.Context(), "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", out, img)
			if r.code != 0 {
				t.Fatalf("estado %d; quería 0 tras el reinicio del servidor", r.code)
			}
			if want := "sin conexión con el servidor: conexión rechazada"; !strings.Contains(r.stderr, want) ||
				!strings.Contains(r.stderr, "se reintenta en 0,5 s") {
				t.Errorf("stderr no avisa de los reintentos (%q)", want)
			}
			if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, tasks.result) {
				t.Errorf("%s = %q, %v; quería el resultado", out, got, err)
			}
		})
	}
}

// TestGivesUpNamingTheTask keeps the server down after the task is accepted:
// once the reconnection time is spent, the error names the task and the URL of
// its result, so that it can be fetched later.
func TestGivesUpNamingTheTask(t *testing.T) {
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	tasks := &fakeTasks{busy: 5}
	srv := newFakeServer(t, "127.0.0.1:0")
	var once sync.Once
	srv.setHandle(func(r *fakeRequest) fakeResponse {
		resp := tasks.handle(r)
		if r.Method == "GET" {
			once.Do(srv.down)
		}
		return resp
	})
	var stdout, stderr bytes.Buffer
	s := &session{
		opts:   Options{Host: "127.0.0.1", Port: srv.port, Image: img, Output: dir},
		stdout: &stdout, disp: newDisplay(&stderr),
		reconnectFor: 2 * time.Second,
	}
	start := time.Now()
	err := s.run(t.Context())
	t.Logf("stderr:\n%s", stderr.String())
	if err == nil {
		t.Fatal("run = nil; quería un error con el servidor caído")
	}
	msg := describe(err)
	t.Logf("mensaje: %s", msg)
	for _, want := range []string{
		"conexión rechazada",
		"se reintentó durante",
		"La tarea " + fakeID + " queda en el servidor",
		"http://127.0.0.1:" + strconv.Itoa(srv.port) + "/resultado/" + fakeID,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q; quería que contuviera %q", msg, want)
		}
	}
	if n := strings.Count(stderr.String(), "se reintenta en"); n < 2 {
		t.Errorf("%d avisos de reintento; quería al menos 2", n)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("se rindió a los %v; quería poco más de 2 s", d)
	}
}

// TestInterruptWhileReconnecting: Ctrl-C during the waits between retries
// ends the client at once with 130, naming the task.
func TestInterruptWhileReconnecting(t *testing.T) {
	dir := t.TempDir()
	img, _ := copyImage(t, "video-001.png", dir, "foto.png")
	tasks := &fakeTasks{busy: 5}
	srv := newFakeServer(t, "127.0.0.1:0")
	ctx, cancel := context.WithCancel(t.Context())
	var once sync.Once
	srv.setHandle(func(r *fakeRequest) fakeResponse {
		resp := tasks.handle(r)
		if r.Method == "GET" {
			once.Do(func() {
				srv.down()
				time.AfterFunc(300*time.Millisecond, cancel)
			})
		}
		return resp
	})
	start := time.Now()
	r := runClient(t, ctx, "", "-i", "127.0.0.1", "-p", strconv.Itoa(srv.port), "-o", dir, img)
	if r.code != exitInterrupted || !strings.Contains(r.stderr, "la tarea "+fakeID+" sigue en el servidor") {
		t.Errorf("estado %d, stderr %q; quería 130 y la tarea nombrada", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("tardó %v en atender la interrupción", d)
	}
}
