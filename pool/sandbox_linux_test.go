package pool

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// envIdle makes this test binary a process that only waits: the child a
// fake worker starts before its sandbox, for the ptrace attempt, and the
// program the exec attempt runs.
const envIdle = "PROCESA_TEST_INACTIVO"

// envLayers, in this test binary only, names the Linux layers a fake worker
// applies, separated by commas.
const envLayers = "PROCESA_TEST_CAPAS"

// tracee is the pid of the child the fake worker started before Serve.
var tracee int

func init() {
	switch os.Getenv(envIdle) {
	case "":
	case "salir":
		os.Exit(0)
	default:
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	beforeServe = func() {
		// A worker of TestLandlockAlone keeps only the layers named.
		if only := os.Getenv(envLayers); only != "" {
			layers = slices.DeleteFunc(layers, func(l struct {
				name  string
				apply func() error
			}) bool {
				return !slices.Contains(strings.Split(only, ","), l.name)
			})
		}
		startTracee()
	}
	attempts["abrir"] = func(path string) error {
		f, err := os.Open(path)
		if err == nil {
			f.Close()
		}
		return err
	}
	attempts["crear"] = func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "escapado-"+strconv.Itoa(os.Getpid())), []byte("x"), 0o644)
	}
	attempts["conectar"] = func(addr string) error {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			c.Close()
		}
		return err
	}
	attempts["ejecutar"] = func(string) error {
		cmd := exec.Command(os.Args[0])
		cmd.Env = []string{envIdle + "=salir"}
		// Descriptors already open, so that exec is what is tried, not
		// opening /dev/null.
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stderr, os.Stderr
		return cmd.Run()
	}
	attempts["ptrace"] = func(string) error {
		if tracee == 0 {
			return errors.New("no hay proceso hijo")
		}
		runtime.LockOSThread() // ptrace requests come from the attaching thread
		defer runtime.UnlockOSThread()
		if err := unix.PtraceAttach(tracee); err != nil {
			return err
		}
		var ws unix.WaitStatus
		unix.Wait4(tracee, &ws, unix.WALL, nil)
		return unix.PtraceDetach(tracee)
	}
	attempts["leer-fd"] = func(fd string) error {
		n, _ := strconv.Atoi(fd)
		b := make([]byte, 16)
		k, err := unix.Pread(n, b, 0)
		if err != nil {
			return err
		}
		if string(b[:k]) != "secreto" {
			// The number was reused for another file, such as the job's.
			return fmt.Errorf("el descriptor %d es otro archivo", n)
		}
		return nil
	}
	attempts["reservar"] = func(size string) error {
		// In blocks, as an image is decoded: the kernel checks RLIMIT_DATA
		// as the heap grows, against what is mapped already.
		n, _ := strconv.Atoi(size)
		var blocks [][]byte
		for ; n > 0; n -= 32 << 20 {
			b := make([]byte, min(n, 32<<20))
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			blocks = append(blocks, b)
		}
		runtime.KeepAlive(blocks)
		return nil
	}
}

// startTracee starts, before the sandbox, the child of the ptrace attempt:
// this binary, waiting a minute, killed when the worker dies.
func startTracee() {
	if os.Getenv(envIdle+"_HIJO") != "1" {
		return
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{envIdle + "=esperar"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread() // the death signal follows this thread; it never ends
	if err := cmd.Start(); err == nil {
		tracee = cmd.Process.Pid
	}
}

// sandboxPool starts a pool of one fake worker, confined or not, and
// returns it with the protections its worker reported.
func sandboxPool(t *testing.T, confined bool, limits Limits) (*Pool, []string) {
	t.Helper()
	if confined {
		t.Setenv(envNoSandbox, "0")
	} else {
		t.Setenv(envNoSandbox, "1")
	}
	t.Setenv(envIdle+"_HIJO", "1")
	p := startPool(t, Config{Procs: 1, Limits: limits})
	active, missing := p.Protections()
	if confined {
		for _, m := range missing {
			t.Logf("AVISO: protección no aplicada en este sistema: %s", m)
		}
	}
	return p, active
}

// escapeOrder is one attempt of a worker to reach beyond its descriptors.
type escapeOrder struct {
	name, order string
	// needs lists the protections of which one at least must be active
	// for the attempt to be expected to fail.
	needs []string
}

// escapeOrders returns the attempts, towards dir (standing for --datos) and
// a TCP port listening on 127.0.0.1 until the test ends.
func escapeOrders(t *testing.T, dir string) []escapeOrder {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return []escapeOrder{
		{"open /etc/passwd", "abrir /etc/passwd", []string{"landlock", "seccomp"}},
		{"create a file in the data directory", "crear " + dir, []string{"landlock", "seccomp"}},
		{"connect to a TCP port on 127.0.0.1", "conectar " + ln.Addr().String(), []string{"landlock", "seccomp"}},
		{"exec a program", "ejecutar", []string{"landlock", "seccomp"}},
		{"ptrace a child started before the sandbox", "ptrace", []string{"landlock", "seccomp"}},
	}
}

// tryEscapes runs every order on p, which must succeed at each when free
// and fail at each that its protections cover otherwise. Free, it returns
// the orders that the system cannot do at all (ENOSYS, as under qemu-user),
// which are then not checked confined either.
func tryEscapes(t *testing.T, p *Pool, active []string, orders []escapeOrder, free bool) []escapeOrder {
	t.Helper()
	var possible []escapeOrder
	for _, o := range orders {
		if free {
			if res, err := do(t, p, o.order); err == nil && strings.Contains(res.Error, "function not implemented") {
				t.Logf("AVISO: no se comprueba %q: este sistema no lo implementa", o.name)
				continue
			}
		}
		possible = append(possible, o)
		if !free && !slices.ContainsFunc(o.needs, func(p string) bool { return slices.Contains(active, p) }) {
			t.Logf("AVISO: no se comprueba %q: este sistema no aplica %v", o.name, o.needs)
			continue
		}
		res, err := do(t, p, o.order)
		switch {
		case free && (err != nil || res.Error != ""):
			t.Fatalf("without the sandbox, %s failed (%v, %q): the check would prove nothing", o.name, err, res.Error)
		case free:
		case err != nil:
			t.Errorf("with %v, %s killed the worker: %v", active, o.name, err)
		case res.Error == "":
			t.Errorf("with %v, %s succeeded", active, o.name)
		case !strings.Contains(res.Error, "operation not permitted") && !strings.Contains(res.Error, "permission denied"):
			t.Errorf("with %v, %s failed with %q; want EPERM or EACCES", active, o.name, res.Error)
		default:
			t.Logf("%v: %s: %s", active, o.name, res.Error)
		}
	}
	return possible
}

// TestSandboxForbidsEscapes makes a worker try to reach outside its
// descriptors, first without the sandbox, where each attempt must succeed
// (or the check would prove nothing), then with it, where each must fail.
func TestSandboxForbidsEscapes(t *testing.T) {
	dir := t.TempDir() // stands for --datos
	orders := escapeOrders(t, dir)

	free, _ := sandboxPool(t, false, Limits{})
	orders = tryEscapes(t, free, nil, orders, true)
	free.Close()
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Fatalf("without the sandbox the worker created %d files; want 1", len(left))
	}
	os.RemoveAll(dir)
	os.Mkdir(dir, 0o755)

	confined, active := sandboxPool(t, true, Limits{})
	tryEscapes(t, confined, active, orders, false)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("with the sandbox the worker created %d files in the data directory", len(left))
	}
	// After all that the worker still works.
	mustEcho(t, confined)
	if confined.Restarts() != 0 {
		t.Errorf("Restarts() = %d; want 0: refused calls fail, they do not kill", confined.Restarts())
	}
}

// TestSandboxLayersAlone runs the escapes against each of Landlock and
// seccomp alone (with no_new_privs, which both need), so that each layer
// is seen to hold by itself, not only behind the other.
func TestSandboxLayersAlone(t *testing.T) {
	dir := t.TempDir()
	orders := escapeOrders(t, dir)
	for _, layer := range []string{"landlock", "seccomp"} {
		t.Run(layer, func(t *testing.T) {
			t.Setenv(envLayers, "no_new_privs,"+layer)
			p, active := sandboxPool(t, true, Limits{})
			if !slices.Contains(active, layer) {
				t.Skipf("AVISO: este sistema no aplica %s", layer)
			}
			if slices.Contains(active, map[string]string{"landlock": "seccomp", "seccomp": "landlock"}[layer]) {
				t.Fatalf("protections %v: the other layer was applied too", active)
			}
			tryEscapes(t, p, active, orders, false)
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("%s alone let the worker create %d files", layer, len(left))
			}
		})
	}
}

// TestSandboxLayers checks each Linux layer on its own, from what the
// kernel shows of the worker: no_new_privs and a seccomp filter in
// /proc/PID/status, and the resource limits in /proc/PID/limits.
func TestSandboxLayers(t *testing.T) {
	p, active := sandboxPool(t, true, Limits{Memory: 512 << 20})
	pid := p.PIDs()[0]
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) string {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, name+":"); ok {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	if slices.Contains(active, "no_new_privs") && field("NoNewPrivs") != "1" {
		t.Errorf("no_new_privs reported active but NoNewPrivs = %q", field("NoNewPrivs"))
	}
	if slices.Contains(active, "seccomp") && field("Seccomp") != "2" {
		t.Errorf("seccomp reported active but Seccomp = %q; want 2 (filter)", field("Seccomp"))
	}
	limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Max data size             536870912            536870912",
		fmt.Sprintf("Max open files            %-20d %d", maxOpenFiles, maxOpenFiles),
		"Max core file size        0                    0",
	} {
		if !strings.Contains(string(limits), want) {
			t.Errorf("/proc/%d/limits lacks %q:\n%s", pid, want, limits)
		}
	}
	if !slices.Contains(active, "rlimits") {
		t.Errorf("protections %v lack rlimits", active)
	}
}

// TestMemoryLimit checks that an allocation past the worker's memory limit
// costs only its task: the worker dies, the job fails with a TaskError
// (422), and a replacement takes the next job.
func TestMemoryLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("AVISO: con -race la memoria sombra del detector no cabe en el límite de memoria")
	}
	p, _ := sandboxPool(t, true, Limits{Memory: 256 << 20})
	// Under the limit: fine.
	if res, err := do(t, p, "reservar "+strconv.Itoa(64<<20)); err != nil || res.Error != "" {
		t.Fatalf("64 MiB under a 256 MiB limit = %+v, %v; want success", res, err)
	}
	_, err := do(t, p, "reservar "+strconv.Itoa(1<<30))
	te := asTaskError(t, err)
	if !te.Crashed || te.Status() != 422 {
		t.Errorf("1 GiB over a 256 MiB limit: TaskError = %+v; want Crashed, status 422", te)
	}
	waitFor(t, "a replacement worker", func() bool { return p.Alive() == 1 })
	mustEcho(t, p)
	if p.Restarts() != 1 {
		t.Errorf("Restarts() = %d; want 1", p.Restarts())
	}
}

// TestSandboxProtectionsReported checks what the pool says of the
// protections: each one this kernel offers is active, or reported missing
// with a reason, never both or neither.
func TestSandboxProtectionsReported(t *testing.T) {
	p, _ := sandboxPool(t, true, Limits{})
	active, missing := p.Protections()
	for _, name := range []string{"rlimits", "no_new_privs", "landlock", "seccomp"} {
		on := slices.Contains(active, name)
		off := slices.ContainsFunc(missing, func(m string) bool { return strings.HasPrefix(m, name+":") })
		if on == off {
			t.Errorf("%s: active %v, missing %v; want exactly one", name, active, missing)
		}
	}
	res, err := p.Do(context.Background(), testJob(t, "x", "echo"))
	if err != nil || res.Error != "" {
		t.Errorf("echo = %+v, %v", res, err)
	}
}

// TestInheritedDescriptorsClosed leaves a descriptor open without
// close-on-exec in the server, as a careless parent of the server would,
// and checks that a worker without the sandbox can read it (it is
// inherited) and a confined one cannot (it closed it).
func TestInheritedDescriptorsClosed(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secreto")
	if err := os.WriteFile(secret, []byte("secreto"), 0o600); err != nil {
		t.Fatal(err)
	}
	syscall.ForkLock.Lock() // no other test's child may inherit it
	fd, err := unix.Open(secret, unix.O_RDONLY, 0)
	syscall.ForkLock.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	order := "leer-fd " + strconv.Itoa(fd)

	free, _ := sandboxPool(t, false, Limits{})
	if res, err := do(t, free, order); err != nil || res.Error != "" {
		t.Fatalf("without the sandbox, reading the inherited descriptor %d failed (%v, %q): the check would prove nothing", fd, err, res.Error)
	}
	free.Close()
	confined, _ := sandboxPool(t, true, Limits{})
	res, err := do(t, confined, order)
	if err != nil || res.Error == "" {
		t.Errorf("confined, reading the inherited descriptor %d = %+v, %v; want it closed", fd, res, err)
	}
	t.Logf("confined: %s", res.Error)
}
