package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// activationScript runs procesa with LISTEN_PID set to its own pid, as a
// service manager does: the shell's $$ is the pid that exec keeps.
const activationScript = `LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"`

// listenerFile opens a listening socket on addr and returns it as a file to
// pass to a child, and its port. Only the file stays open.
func listenerFile(t *testing.T, network, addr string) (*os.File, int) {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	return f, l.Addr().(*net.TCPAddr).Port
}

// TestSocketActivation passes two listening sockets (127.0.0.1 and ::1,
// or one without IPv6) as descriptors 3 and 4 with LISTEN_FDS and
// LISTEN_PID, as systemd does for procesa.socket, and checks that procesa
// serves them instead of binding: its flags name the very port it was given,
// which it could not bind a second time; uploads on both sockets complete;
// and its workers do not see the variables.
func TestSocketActivation(t *testing.T) {
	t.Parallel()
	f4, port4 := listenerFile(t, "tcp4", "127.0.0.1:0")
	files := []*os.File{f4}
	want := []string{"127.0.0.1:" + strconv.Itoa(port4)}
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		l.Close()
		f6, port6 := listenerFile(t, "tcp6", "[::1]:0")
		files = append(files, f6)
		want = append(want, "[::1]:"+strconv.Itoa(port6))
	}
	data := t.TempDir()
	cmd := exec.Command("sh", "-c", activationScript, binPath,
		"-i", "127.0.0.1", "-p", strconv.Itoa(port4), "-w", "1", "--datos", data)
	cmd.Env = append(os.Environ(), "LISTEN_FDS="+strconv.Itoa(len(files)), "LISTEN_FDNAMES=procesa")
	cmd.ExtraFiles = files
	s := startCmd(t, cmd, data)
	for _, f := range files {
		f.Close() // the server holds the only copies now
	}
	if strings.Join(s.addrs, " ") != strings.Join(want, " ") {
		t.Errorf("procesa escucha en %q, se esperaban los sockets heredados %q", s.addrs, want)
	}
	for _, a := range want {
		host, _, _ := net.SplitHostPort(a)
		base := "http://" + a
		id := upload(t, base, photo(t), "?escala=0.5")
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 75, 51, true)
		t.Logf("subida por el socket heredado %s (%s): completada", a, host)
	}
	workers := workerPIDs(t, s.cmd.Process.Pid)
	if len(workers) == 0 {
		t.Fatal("procesa no tiene procesos de trabajo")
	}
	for _, pid := range workers {
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.HasPrefix(kv, []byte("LISTEN_")) {
				t.Errorf("el proceso de trabajo %d ve %s", pid, kv)
			}
		}
	}
}

// TestSocketActivationOtherPID checks that sockets announced for another
// process (LISTEN_PID is not procesa's pid, as in a child that inherited
// the environment) are ignored: procesa binds its own port.
func TestSocketActivationOtherPID(t *testing.T) {
	t.Parallel()
	f, port := listenerFile(t, "tcp4", "127.0.0.1:0")
	defer f.Close()
	data := t.TempDir()
	cmd := exec.Command(binPath, "-i", "127.0.0.1", "-p", "0", "-w", "1", "--datos", data)
	cmd.Env = append(os.Environ(), "LISTEN_PID=1", "LISTEN_FDS=1")
	cmd.ExtraFiles = []*os.File{f}
	s := startCmd(t, cmd, data)
	if s.port == port {
		t.Fatalf("procesa sirvió el socket anunciado para el pid 1 (puerto %d)", port)
	}
	id := upload(t, s.base(), photo(t), "")
	waitDone(t, s.base(), id)
}

// TestSocketActivationBadFD checks that LISTEN_FDS naming a descriptor that
// is not a listening socket is a one-line Spanish error and exit status 2.
func TestSocketActivationBadFD(t *testing.T) {
	t.Parallel()
	notSocket, err := os.Open(filepath.Join(goroot, "VERSION"))
	if err != nil {
		notSocket, err = os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
	}
	defer notSocket.Close()
	cmd := exec.Command("sh", "-c", activationScript, binPath, "-w", "1", "--datos", t.TempDir())
	cmd.Env = append(os.Environ(), "LISTEN_FDS=1")
	cmd.ExtraFiles = []*os.File{notSocket}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("procesa con un archivo como socket heredado: %v, se esperaba estado 2; stderr %q", err, stderr.String())
	}
	msg := strings.TrimSpace(stderr.String())
	if strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, "procesa: no se pueden usar los sockets heredados:") {
		t.Errorf("error %q, se esperaba una línea «procesa: no se pueden usar los sockets heredados: …»", msg)
	}
}

// TestSystemdSocketActivate starts procesa under systemd-socket-activate,
// systemd's own tool for the protocol: it holds the port, and starts
// procesa only when the first connection comes. That first upload must
// wait in the socket's queue and succeed.
func TestSystemdSocketActivate(t *testing.T) {
	t.Parallel()
	tool := needTool(t, "systemd-socket-activate")
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // the tool binds it again; another test taking it meanwhile is unlikely
	var out lockedBuffer
	cmd := exec.Command(tool, "-l", addr, binPath, "-w", "1", "--datos", t.TempDir())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("procesa terminó con %v tras SIGTERM:\n%s", err, out.String())
			}
		case <-time.After(25 * time.Second):
			cmd.Process.Kill()
			t.Errorf("procesa no terminó tras SIGTERM:\n%s", out.String())
		}
	}()
	base := "http://" + addr
	// The tool may not listen yet: wait for the port, without connecting
	// (a connection would start procesa), by trying to bind it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		probe, err := net.Listen("tcp4", addr)
		if err != nil {
			break
		}
		probe.Close()
		if time.Now().After(deadline) {
			t.Fatalf("systemd-socket-activate no escucha en %s:\n%s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	id := upload(t, base, photo(t), "?ancho=50")
	waitDone(t, base, id)
	checkImage(t, result(t, base, id), "jpeg", 50, 34, true)
	if want := "escuchando en http://" + addr; !strings.Contains(out.String(), want) {
		t.Errorf("procesa no mostró %q:\n%s", want, out.String())
	}
}

// TestSystemdUnits checks deploy/procesa.service and deploy/procesa.socket
// with systemd-analyze verify. The unit's ExecStart names the installed
// path, /usr/local/bin/procesa, which verify requires to exist; the test
// checks a copy naming the binary under test instead. verify exits 0 even
// after ignoring a line it cannot parse, so any output fails the test.
func TestSystemdUnits(t *testing.T) {
	t.Parallel()
	tool := needTool(t, "systemd-analyze")
	dir := t.TempDir()
	for _, name := range []string{"procesa.service", "procesa.socket"} {
		b, err := os.ReadFile(filepath.Join("..", "deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "procesa.service" {
			if !bytes.Contains(b, []byte("ExecStart=/usr/local/bin/procesa ")) {
				t.Fatalf("%s no arranca /usr/local/bin/procesa", name)
			}
			b = bytes.ReplaceAll(b, []byte("/usr/local/bin/procesa"), []byte(binPath))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(tool, "verify", filepath.Join(dir, "procesa.socket"), filepath.Join(dir, "procesa.service"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
