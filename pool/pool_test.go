package pool

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"procesa/proto"
)

// Environment variables of the helper processes this test binary becomes.
const (
	// envWorkerMode changes the fake worker: "nohello" exits at once.
	envWorkerMode = "PROCESA_TEST_WORKER_MODE"
	// envPoolParent makes the binary a server that starts a pool, puts
	// every worker on a long job, prints their pids and waits to be killed.
	envPoolParent = "PROCESA_TEST_POOL_PARENT"
	// envNoSandbox, set to "1", makes the fake workers skip dropRights, so
	// that a test can see an attempt succeed without the sandbox before it
	// sees it fail with it. It exists in this test binary only.
	envNoSandbox = "PROCESA_TEST_SIN_AISLAMIENTO"
)

// attempts are the orders of the fake worker that try something the
// sandbox forbids (sandbox_linux_test.go): each returns nil when it
// succeeded. beforeServe runs in the fake worker before Serve, and so
// before the sandbox.
var (
	attempts    = map[string]func(arg string) error{}
	beforeServe = func() {}
)

func TestMain(m *testing.M) {
	// Workers die young on purpose here; keep the back-off short.
	backoffMin, backoffMax = 10*time.Millisecond, 200*time.Millisecond
	// Under -race a process exiting with status 0 sleeps 1 s by default;
	// the workers inherit this setting.
	os.Setenv("GORACE", "atexit_sleep_ms=0")
	if IsWorker() {
		if os.Getenv(envNoSandbox) == "1" {
			dropRights = func(Limits) proto.Ready { return proto.Ready{} }
		}
		os.Exit(fakeWorker())
	}
	if os.Getenv(envPoolParent) == "1" {
		os.Exit(poolParent())
	}
	// The tests of Serve run it inside this process, which must stay free
	// to open files: they get a Ready that confines nothing. The workers
	// started by the pools of the tests, above, are confined for real.
	dropRights = func(Limits) proto.Ready { return proto.Ready{Active: []string{"ninguna"}} }
	os.Exit(m.Run())
}

// fakeWorker is the worker of the tests: Serve with a job function that
// reads an order from the job's input file:
//
//	echo            answer at once
//	sleep DURATION  answer after DURATION
//	block           write the pid to the output file, then sleep for an hour
//	exit CODE       exit with CODE in the middle of the job
//	panic           panic in the middle of the job
//	fail            answer with an image error (422)
//	garbage         answer with bytes that are not a frame
//	wrongid         answer with another job's id
//
// Every successful Result carries the worker's pid in Bytes.
func fakeWorker() int {
	if os.Getenv(envWorkerMode) == "nohello" {
		return 0
	}
	conn, err := WorkerConn()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake worker:", err)
		return 1
	}
	beforeServe() // once fd 3 is closed, so that no child inherits it
	pid := os.Getpid()
	err = Serve(conn, func(job proto.Job) proto.Result {
		res := proto.Result{ID: job.ID, Bytes: int64(pid)}
		order := make([]byte, 256)
		n, _ := job.Input.ReadAt(order, 0) // pread: the offset is shared with the server
		verb, arg, _ := strings.Cut(string(order[:n]), " ")
		switch verb {
		case "echo":
		case "sleep":
			d, _ := time.ParseDuration(arg)
			time.Sleep(d)
		case "block":
			job.Output.Write([]byte(strconv.Itoa(pid)))
			time.Sleep(time.Hour)
		case "exit":
			code, _ := strconv.Atoi(arg)
			os.Exit(code)
		case "panic":
			panic("fake worker asked to panic")
		case "fail":
			res = proto.Result{ID: job.ID, Status: 422, Error: "la imagen está dañada"}
		case "garbage":
			conn.Write([]byte("this is not a frame at all"))
		case "wrongid":
			res.ID = "other-" + job.ID
		default:
			if try, ok := attempts[verb]; ok {
				if err := try(arg); err != nil {
					res = proto.Result{ID: job.ID, Status: 403, Error: err.Error()}
				}
				break
			}
			res = proto.Result{ID: job.ID, Status: 500, Error: "orden desconocida: " + verb}
		}
		return res
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake worker:", err)
		return 1
	}
	return 0
}

// poolParent is the helper server of TestParentDeathKillsWorkers.
func poolParent() int {
	p, err := Start(Config{Procs: 2, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pool parent:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "procesa-pool-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pool parent:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	for i := range 2 {
		job, err := newJob(dir, strconv.Itoa(i), "sleep 1h")
		if err != nil {
			fmt.Fprintln(os.Stderr, "pool parent:", err)
			return 1
		}
		go p.Do(context.Background(), job)
	}
	for p.Busy() < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	churnThreads(20)
	fmt.Println(strings.Trim(fmt.Sprint(p.PIDs()), "[]"))
	select {}
}

// churnThreads makes the runtime end n OS threads: a goroutine that exits
// while locked to its thread takes the thread with it. If the thread that
// started a worker were among them, PR_SET_PDEATHSIG would kill the worker.
func churnThreads(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			runtime.LockOSThread()
			time.Sleep(time.Millisecond)
		})
	}
	wg.Wait()
}

func startPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	p, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	if got := p.Alive(); got != p.Procs() {
		t.Fatalf("after Start, Alive() = %d; want %d", got, p.Procs())
	}
	return p
}

// newJob returns a job whose input file, in dir, holds order (see
// fakeWorker), and whose output is a new empty file in dir.
func newJob(dir, id, order string) (proto.Job, error) {
	in, err := os.CreateTemp(dir, "entrada-")
	if err == nil {
		_, err = in.WriteString(order)
	}
	if err != nil {
		return proto.Job{}, err
	}
	out, err := os.CreateTemp(dir, "salida-")
	if err != nil {
		in.Close()
		return proto.Job{}, err
	}
	return proto.Job{ID: id, Input: in, Output: out}, nil
}

// testJob is newJob in the test's temporary directory; the files are closed
// when the test ends.
func testJob(t testing.TB, id, order string) proto.Job {
	t.Helper()
	job, err := newJob(t.TempDir(), id, order)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { job.Input.Close(); job.Output.Close() })
	return job
}

func do(t *testing.T, p *Pool, order string) (proto.Result, error) {
	t.Helper()
	return p.Do(context.Background(), testJob(t, "t-"+order, order))
}

// mustEcho runs an echo job and fails the test if it does not succeed.
func mustEcho(t *testing.T, p *Pool) proto.Result {
	t.Helper()
	res, err := do(t, p, "echo")
	if err != nil || res.Error != "" || res.ID != "t-echo" {
		t.Fatalf("echo job = %+v, %v; want success", res, err)
	}
	return res
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processGone reports whether pid no longer runs: it does not exist or is a
// zombie waiting for a parent that will not reap it.
func processGone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist) || syscall.Kill(pid, 0) == syscall.ESRCH
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && (s[i+2] == 'Z' || s[i+2] == 'X')
}

func asTaskError(t *testing.T, err error) *TaskError {
	t.Helper()
	var te *TaskError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v (%T); want *TaskError", err, err)
	}
	return te
}

func TestManyJobsAcrossWorkers(t *testing.T) {
	p := startPool(t, Config{Procs: 3})
	const jobs = 30
	var wg sync.WaitGroup
	results := make([]proto.Result, jobs)
	errs := make([]error, jobs)
	maxBusy := 0
	var mu sync.Mutex
	for i := range jobs {
		wg.Go(func() {
			results[i], errs[i] = p.Do(context.Background(), testJob(t, strconv.Itoa(i), "sleep 20ms"))
			mu.Lock()
			maxBusy = max(maxBusy, p.Busy())
			mu.Unlock()
		})
	}
	wg.Wait()
	used := map[int64]bool{}
	for i := range jobs {
		if errs[i] != nil || results[i].ID != strconv.Itoa(i) || results[i].Error != "" {
			t.Errorf("job %d = %+v, %v; want success with its own id", i, results[i], errs[i])
		}
		used[results[i].Bytes] = true
	}
	var want []int64
	for _, pid := range p.PIDs() {
		want = append(want, int64(pid))
	}
	var got []int64
	for pid := range used {
		got = append(got, pid)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("jobs ran on pids %v; want every worker %v", got, want)
	}
	if maxBusy > 3 {
		t.Errorf("Busy() reached %d with 3 workers", maxBusy)
	}
	if p.Busy() != 0 || p.Restarts() != 0 {
		t.Errorf("after the jobs: Busy() = %d, Restarts() = %d; want 0, 0", p.Busy(), p.Restarts())
	}
}

func TestKillWorkerMidTask(t *testing.T) {
	p := startPool(t, Config{Procs: 2})
	before := p.PIDs()
	job := testJob(t, "block", "block")
	pidFile := job.Output.Name()

	type outcome struct {
		res proto.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := p.Do(context.Background(), job)
		done <- outcome{res, err}
	}()
	var pid int
	waitFor(t, "the worker to start the job", func() bool {
		b, err := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
		return err == nil && pid > 0
	})
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var o outcome
	select {
	case o = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Do did not return after its worker was killed")
	}
	te := asTaskError(t, o.err)
	if !te.Crashed || te.TimedOut || te.PID != pid {
		t.Errorf("TaskError = %+v; want Crashed by pid %d", te, pid)
	}
	if want := "el proceso de trabajo terminó inesperadamente (señal: SIGKILL, matado)"; te.Reason != want {
		t.Errorf("Reason = %q; want %q", te.Reason, want)
	}

	waitFor(t, "a replacement worker", func() bool { return p.Alive() == 2 })
	if p.Restarts() != 1 {
		t.Errorf("Restarts() = %d; want 1", p.Restarts())
	}
	after := p.PIDs()
	if slices.Contains(after, pid) {
		t.Errorf("killed pid %d still listed in %v", pid, after)
	}
	for _, other := range before {
		if other != pid && !slices.Contains(after, other) {
			t.Errorf("worker %d, not the killed one, was replaced too: %v -> %v", other, before, after)
		}
	}
	for range 4 {
		mustEcho(t, p)
	}
}

func TestWorkerDiesDuringJob(t *testing.T) {
	tests := []struct {
		input, reason string
	}{
		{"exit 3", "el proceso de trabajo terminó inesperadamente (código de salida 3)"},
		{"exit 0", "el proceso de trabajo terminó inesperadamente (código de salida 0)"},
		{"panic", "el proceso de trabajo terminó inesperadamente (código de salida 2)"},
		{"garbage", "el proceso de trabajo respondió de forma no válida"},
		{"wrongid", "el proceso de trabajo respondió de forma no válida"},
	}
	p := startPool(t, Config{Procs: 1})
	for i, tt := range tests {
		_, err := do(t, p, tt.input)
		te := asTaskError(t, err)
		if !te.Crashed || te.Reason != tt.reason {
			t.Errorf("%s: TaskError = %+v; want Crashed with reason %q", tt.input, te, tt.reason)
		}
		waitFor(t, "a replacement worker", func() bool { return p.Alive() == 1 })
		mustEcho(t, p)
		if got := p.Restarts(); got != int64(i+1) {
			t.Errorf("%s: Restarts() = %d; want %d", tt.input, got, i+1)
		}
	}
}

func TestTaskTimeout(t *testing.T) {
	p := startPool(t, Config{Procs: 1, TaskTimeout: 300 * time.Millisecond})
	old := p.PIDs()[0]
	start := time.Now()
	_, err := do(t, p, "sleep 1m")
	te := asTaskError(t, err)
	if !te.TimedOut || te.Crashed || te.PID != old {
		t.Errorf("TaskError = %+v; want TimedOut by pid %d", te, old)
	}
	if want := "se superó el tiempo límite de 300ms"; te.Reason != want {
		t.Errorf("Reason = %q; want %q", te.Reason, want)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("timed-out job took %v", el)
	}
	if !processGone(old) {
		t.Errorf("timed-out worker %d still runs", old)
	}
	waitFor(t, "a replacement worker", func() bool { return p.Alive() == 1 })
	mustEcho(t, p)
	// A job under the limit is not affected.
	if res, err := do(t, p, "sleep 50ms"); err != nil || res.Error != "" {
		t.Errorf("short job = %+v, %v; want success", res, err)
	}
}

func TestImageErrorIsAResult(t *testing.T) {
	p := startPool(t, Config{Procs: 1})
	res, err := do(t, p, "fail")
	if err != nil {
		t.Fatalf("Do = %v; want the error in the Result", err)
	}
	if res.Status != 422 || res.Error != "la imagen está dañada" {
		t.Errorf("Result = %+v; want status 422 and the worker's reason", res)
	}
	mustEcho(t, p)
	if p.Restarts() != 0 {
		t.Errorf("Restarts() = %d after an image error; want 0", p.Restarts())
	}
}

func TestIdleWorkerKilled(t *testing.T) {
	p := startPool(t, Config{Procs: 2})
	victim := p.PIDs()[0]
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replacement of an idle worker", func() bool {
		return p.Restarts() == 1 && p.Alive() == 2
	})
	if slices.Contains(p.PIDs(), victim) {
		t.Errorf("killed pid %d still listed", victim)
	}
	for range 4 {
		mustEcho(t, p)
	}
}

func TestContextWhileWaiting(t *testing.T) {
	p := startPool(t, Config{Procs: 1})
	busy := make(chan error, 1)
	go func() {
		_, err := do(t, p, "sleep 500ms")
		busy <- err
	}()
	waitFor(t, "the worker to be busy", func() bool { return p.Busy() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.Do(ctx, testJob(t, "late", "echo")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do with no free worker = %v; want context.DeadlineExceeded", err)
	}
	if err := <-busy; err != nil {
		t.Errorf("the running job failed: %v", err)
	}
	if p.Restarts() != 0 {
		t.Errorf("Restarts() = %d; want 0", p.Restarts())
	}
}

func TestContextDuringJob(t *testing.T) {
	p := startPool(t, Config{Procs: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Do(ctx, testJob(t, "x", "sleep 1m")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do = %v; want context.DeadlineExceeded", err)
	}
	waitFor(t, "a replacement worker", func() bool { return p.Alive() == 1 })
	mustEcho(t, p)
}

func TestClose(t *testing.T) {
	p := startPool(t, Config{Procs: 3})
	pids := p.PIDs()
	inFlight := make(chan error, 1)
	go func() {
		_, err := do(t, p, "sleep 1m")
		inFlight <- err
	}()
	waitFor(t, "the worker to be busy", func() bool { return p.Busy() == 1 })
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Close took %v", el)
	}
	if err := <-inFlight; !errors.Is(err, ErrClosed) {
		t.Errorf("job in flight = %v; want ErrClosed", err)
	}
	for _, pid := range pids {
		// The pool reaped them: the pids no longer exist at all.
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("worker %d after Close: kill(pid, 0) = %v; want ESRCH", pid, err)
		}
	}
	if p.Alive() != 0 || len(p.PIDs()) != 0 {
		t.Errorf("after Close: Alive() = %d, PIDs() = %v; want none", p.Alive(), p.PIDs())
	}
	if _, err := do(t, p, "echo"); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close = %v; want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestShutdownFinishesJobs(t *testing.T) {
	p := startPool(t, Config{Procs: 2})
	inFlight := make(chan error, 1)
	go func() {
		_, err := do(t, p, "sleep 300ms")
		inFlight <- err
	}()
	waitFor(t, "the worker to be busy", func() bool { return p.Busy() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v; want nil", err)
	}
	if err := <-inFlight; err != nil {
		t.Errorf("job in flight = %v; want success", err)
	}
	if p.Alive() != 0 {
		t.Errorf("after Shutdown: Alive() = %d", p.Alive())
	}
}

func TestShutdownDeadline(t *testing.T) {
	p := startPool(t, Config{Procs: 1})
	inFlight := make(chan error, 1)
	go func() {
		_, err := do(t, p, "sleep 1m")
		inFlight <- err
	}()
	waitFor(t, "the worker to be busy", func() bool { return p.Busy() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v; want context.DeadlineExceeded", err)
	}
	if err := <-inFlight; !errors.Is(err, ErrClosed) {
		t.Errorf("job in flight = %v; want ErrClosed", err)
	}
}

func TestStartFails(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if p, err := Start(Config{Procs: 2, Exe: filepath.Join(t.TempDir(), "missing"), Logger: log}); err == nil {
		p.Close()
		t.Error("Start with a missing executable succeeded")
	}
	t.Setenv(envWorkerMode, "nohello")
	p, err := Start(Config{Procs: 1, Logger: log})
	if err == nil {
		p.Close()
		t.Fatal("Start with workers that never say Hello succeeded")
	}
	if !strings.Contains(err.Error(), "antes de saludar") {
		t.Errorf("Start error = %q; want it to say the worker ended before its Hello", err)
	}
}

// TestThreadChurnKeepsWorkers checks that workers survive the end of OS
// threads in the server: PR_SET_PDEATHSIG is tied to the thread that
// started the worker, which must live as long as the worker. Threads end
// all along while workers are killed and replaced, so that replacements
// start on threads that may end; any death beyond the kills is a failure.
func TestThreadChurnKeepsWorkers(t *testing.T) {
	p := startPool(t, Config{Procs: 2})
	stop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				churnThreads(4)
			}
		}
	})
	const kills = 4
	for i := range kills {
		victim := p.PIDs()[0]
		syscall.Kill(victim, syscall.SIGKILL)
		waitFor(t, "a replacement worker", func() bool {
			return p.Alive() == 2 && !slices.Contains(p.PIDs(), victim)
		})
		mustEcho(t, p)
		if got := p.Restarts(); got != int64(i+1) {
			t.Fatalf("after %d kills, Restarts() = %d: a worker died with a server thread", i+1, got)
		}
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	churn.Wait()
	before := p.PIDs()
	churnThreads(50)
	mustEcho(t, p)
	if got := p.Restarts(); got != kills || !slices.Equal(p.PIDs(), before) {
		t.Errorf("after thread churn: Restarts() = %d, PIDs() = %v; want %d, %v", got, p.PIDs(), kills, before)
	}
}

// TestParentDeathKillsWorkers SIGKILLs a server (this binary in poolParent
// mode) whose workers are busy on hour-long jobs, so they do not read their
// socket; only PR_SET_PDEATHSIG can stop them.
func TestParentDeathKillsWorkers(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PR_SET_PDEATHSIG is Linux only")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envPoolParent+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the helper's worker pids: %v", err)
	}
	var pids []int
	for _, f := range strings.Fields(line) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("helper printed %q", line)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 2 {
		t.Fatalf("helper printed pids %v; want 2", pids)
	}
	for _, pid := range pids {
		if processGone(pid) {
			t.Fatalf("worker %d died before its server", pid)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	waitFor(t, "the workers to die with their server", func() bool {
		return processGone(pids[0]) && processGone(pids[1])
	})
}

func TestRestartDelay(t *testing.T) {
	defer func(a, b, c time.Duration) { backoffMin, backoffMax, healthyLife = a, b, c }(backoffMin, backoffMax, healthyLife)
	backoffMin, backoffMax, healthyLife = 100*time.Millisecond, 5*time.Second, 10*time.Second
	tests := []struct {
		prev, lived, want time.Duration
	}{
		{0, time.Second, 100 * time.Millisecond},
		{100 * time.Millisecond, time.Second, 200 * time.Millisecond},
		{1600 * time.Millisecond, 0, 3200 * time.Millisecond},
		{3200 * time.Millisecond, time.Second, 5 * time.Second},
		{5 * time.Second, time.Second, 5 * time.Second},
		{5 * time.Second, 10 * time.Second, 0},
		{0, time.Hour, 0},
	}
	for _, tt := range tests {
		if got := restartDelay(tt.prev, tt.lived); got != tt.want {
			t.Errorf("restartDelay(%v, %v) = %v; want %v", tt.prev, tt.lived, got, tt.want)
		}
	}
}

// BenchmarkDo measures the round trip of an empty job through the pool:
// frame out, fake worker, frame back. It reports the jobs per second.
func BenchmarkDo(b *testing.B) {
	p, err := Start(Config{Procs: 2, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	job := testJob(b, "b", "echo")
	job.Options = []byte(`{"escala":0.5,"gris":true,"formato":"jpeg","calidad":75,"filtro":"bicubico"}`)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Do(context.Background(), job); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
}

// TestDrain checks that after Drain the pool still runs jobs on its live
// workers but replaces none: not one killed during a job, not one stopped
// for a cancelled job.
func TestDrain(t *testing.T) {
	p := startPool(t, Config{Procs: 3})
	job := testJob(t, "block", "block")
	pidFile := job.Output.Name()
	crashed := make(chan error, 1)
	go func() {
		_, err := p.Do(context.Background(), job)
		crashed <- err
	}()
	var pid int
	waitFor(t, "the worker to start the job", func() bool {
		b, err := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
		return err == nil && pid > 0
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() {
		_, err := p.Do(ctx, testJob(t, "c", "sleep 1m"))
		cancelled <- err
	}()
	waitFor(t, "two busy workers", func() bool { return p.Busy() == 2 })

	p.Drain()
	p.Drain() // a second call does nothing
	mustEcho(t, p)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	asTaskError(t, <-crashed)
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled job = %v; want context.Canceled", err)
	}
	waitFor(t, "one live worker", func() bool { return p.Alive() == 1 })
	// Replacements would come after backoffMin (10 ms here).
	time.Sleep(200 * time.Millisecond)
	if p.Alive() != 1 || p.Restarts() != 0 || len(p.PIDs()) != 1 {
		t.Errorf("after Drain and two lost workers: Alive() = %d, Restarts() = %d, PIDs() = %v; want 1, 0, one pid",
			p.Alive(), p.Restarts(), p.PIDs())
	}
	mustEcho(t, p)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := p.Shutdown(ctx2); err != nil {
		t.Errorf("Shutdown after Drain = %v", err)
	}
}
