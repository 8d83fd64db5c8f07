package pool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"procesa/proto"
)

// Timing of the supervisor. Variables, not constants, only so that tests
// can shorten them.
var (
	// helloTimeout bounds the time a new worker takes to say Hello.
	helloTimeout = 15 * time.Second
	// sendTimeout bounds writing one frame to a worker.
	sendTimeout = 5 * time.Second
	// exitGrace is how long a worker whose socket was closed, or that
	// closed its own, may take to exit before it is killed.
	exitGrace = 2 * time.Second
	// backoffMin and backoffMax bound the delay before a replacement is
	// started when workers keep dying young; healthyLife is the age from
	// which a worker's death no longer counts as dying young.
	backoffMin  = 100 * time.Millisecond
	backoffMax  = 5 * time.Second
	healthyLife = 10 * time.Second
)

// DefaultTaskTimeout is the task time limit when Config.TaskTimeout is 0.
const DefaultTaskTimeout = 60 * time.Second

// ErrClosed is returned by Do once the pool is shutting down: for a job that
// was waiting for a worker, and for a job whose worker Close stopped. The
// job did nothing wrong; it may run again after a restart.
var ErrClosed = errors.New("el grupo de procesos de trabajo está detenido")

// TaskError is the failure of a job caused by its worker rather than by the
// image: the worker crashed, was killed, broke the protocol or exceeded the
// time limit. The worker has been replaced. Reason is a Spanish sentence
// suitable for the task's state.
type TaskError struct {
	Reason string
	// Crashed is set when the worker died or misbehaved during the job.
	Crashed bool
	// TimedOut is set when the job exceeded the time limit and the worker
	// was killed for it.
	TimedOut bool
	// PID is the process id of the worker that ran the job.
	PID int
}

// Error returns Reason.
func (e *TaskError) Error() string { return e.Reason }

// Status is the HTTP status a synchronous request gets for the failure:
// 422, since the task was taken and could not be processed.
func (e *TaskError) Status() int { return 422 }

// Config configures a Pool. Its zero value is valid: one worker per CPU,
// re-running this executable, with a 60 s task limit.
type Config struct {
	// Procs is the number of workers; 0 means runtime.NumCPU().
	Procs int
	// Exe is the executable started as a worker; "" means os.Executable().
	Exe string
	// Args are the worker's arguments (after the program name); nil means
	// none. The worker is recognised by EnvWorker, not by its arguments.
	Args []string
	// TaskTimeout is the longest a worker may spend on one job before it is
	// killed; 0 means DefaultTaskTimeout.
	TaskTimeout time.Duration
	// Logger receives one line per worker start and death; nil means
	// slog.Default().
	Logger *slog.Logger
	// Limits are the resource limits of every worker; the zero value sets
	// no memory limit.
	Limits Limits
}

// Pool runs a fixed number of worker processes and hands them jobs, one job
// per worker at a time. Its methods are safe for concurrent use.
type Pool struct {
	procs   int
	exe     string
	args    []string
	env     []string
	timeout time.Duration
	log     *slog.Logger

	// jobs hands a request to a free worker's supervisor; unbuffered, so a
	// send succeeds only when a worker is free.
	jobs chan *request
	// closing is closed when shutdown begins: no new jobs are accepted.
	closing   chan struct{}
	closeOnce sync.Once
	// abort is closed when jobs in flight must be stopped.
	abort     chan struct{}
	abortOnce sync.Once
	// draining is closed when the server starts shutting down (Drain,
	// Shutdown or Close): no worker is started from then on.
	draining  chan struct{}
	drainOnce sync.Once
	wg        sync.WaitGroup // one per supervisor

	alive    atomic.Int32
	busy     atomic.Int32
	restarts atomic.Int64

	mu   sync.Mutex  // guards pids and ready
	pids map[int]int // supervisor index -> pid of its live worker
	// ready is what the last worker to start said of its protections;
	// told says whether what it could not apply was logged already.
	ready proto.Ready
	told  bool
}

// request is one job handed to a supervisor.
type request struct {
	ctx   context.Context
	job   proto.Job
	reply chan reply // buffered: the supervisor never blocks on it
}

type reply struct {
	res proto.Result
	err error
}

// Start starts the workers and waits until each has said Hello or failed
// its first start. It fails, leaving nothing running, when no worker could
// start; workers that failed alone are retried in the background.
func Start(cfg Config) (*Pool, error) {
	p := &Pool{
		procs:    cfg.Procs,
		exe:      cfg.Exe,
		args:     cfg.Args,
		env:      cfg.Limits.env(),
		timeout:  cfg.TaskTimeout,
		log:      cfg.Logger,
		jobs:     make(chan *request),
		closing:  make(chan struct{}),
		abort:    make(chan struct{}),
		draining: make(chan struct{}),
		pids:     make(map[int]int),
	}
	if p.procs <= 0 {
		p.procs = runtime.NumCPU()
	}
	if p.timeout <= 0 {
		p.timeout = DefaultTaskTimeout
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("buscando el ejecutable propio: %w", err)
		}
		p.exe = exe
	}

	first := make(chan error, p.procs)
	for i := range p.procs {
		p.wg.Add(1)
		go p.supervise(i, first)
	}
	var errs []error
	for range p.procs {
		if err := <-first; err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == p.procs {
		p.Close()
		return nil, fmt.Errorf("no se pudo iniciar ningún proceso de trabajo: %w", errs[0])
	}
	return p, nil
}

// Do hands job to a free worker and returns its Result. job.Input and
// job.Output must be open files (the upload, readable; the result,
// writable); the worker gets them as descriptors, and they stay the
// caller's to close. It waits for a free
// worker until ctx is done (returning ctx.Err()) or the pool shuts down
// (ErrClosed).
//
// A Result whose Error is set is a normal answer: the image could not be
// processed. An error is returned only when the worker failed: a *TaskError
// when it crashed, was killed or timed out (the worker is replaced); ctx.Err()
// when ctx ended during the job (the worker is killed and replaced, since it
// cannot be interrupted); ErrClosed when Close stopped it.
func (p *Pool) Do(ctx context.Context, job proto.Job) (proto.Result, error) {
	select {
	case <-p.closing:
		return proto.Result{}, ErrClosed
	default:
	}
	if job.Input == nil || job.Output == nil {
		return proto.Result{}, errors.New("la tarea no trae sus archivos de entrada y salida")
	}
	req := &request{ctx: ctx, job: job, reply: make(chan reply, 1)}
	select {
	case p.jobs <- req:
	case <-ctx.Done():
		return proto.Result{}, ctx.Err()
	case <-p.closing:
		return proto.Result{}, ErrClosed
	}
	r := <-req.reply
	return r.res, r.err
}

// Alive returns the number of workers that have said Hello and not died.
func (p *Pool) Alive() int { return int(p.alive.Load()) }

// Busy returns the number of workers running a job.
func (p *Pool) Busy() int { return int(p.busy.Load()) }

// Procs returns the configured number of workers.
func (p *Pool) Procs() int { return p.procs }

// Restarts returns the number of replacement workers started so far.
func (p *Pool) Restarts() int64 { return p.restarts.Load() }

// Protections returns the protections the workers run under, as the last
// worker to start reported them: the names of those in force, and a Spanish
// sentence for each that could not be applied. Both are nil before any
// worker started.
func (p *Pool) Protections() (active, missing []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready.Active, p.ready.Missing
}

// noteReady records what a worker said of its protections, and logs once
// what it could not apply.
func (p *Pool) noteReady(r proto.Ready) {
	p.mu.Lock()
	p.ready = r
	tell := !p.told && len(r.Missing) > 0
	p.told = p.told || tell
	p.mu.Unlock()
	if tell {
		p.log.Warn("los procesos de trabajo funcionan sin algunas protecciones que este sistema no permite aplicar",
			"no_aplicadas", strings.Join(r.Missing, "; "), "activas", strings.Join(r.Active, ","))
	}
}

// PIDs returns the process ids of the live workers, sorted.
func (p *Pool) PIDs() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	pids := make([]int, 0, len(p.pids))
	for _, pid := range p.pids {
		pids = append(pids, pid)
	}
	sort.Ints(pids)
	return pids
}

// Drain tells the pool that the server is shutting down, without refusing
// jobs: the live workers keep taking and finishing jobs, but from now on no
// worker is started, so one that dies or is stopped (for a cancelled job,
// say) is not replaced. A job that finds no live worker waits as Do always
// does, until its context ends or the pool closes. Shutdown and Close drain
// too. Calling Drain again does nothing.
func (p *Pool) Drain() {
	p.drainOnce.Do(func() { close(p.draining) })
}

// Shutdown stops the pool gently: it accepts no new jobs, lets the jobs in
// flight finish until ctx is done, then stops them as Close does. It returns
// once every worker has exited and been reaped; ctx.Err() if jobs had to be
// stopped.
func (p *Pool) Shutdown(ctx context.Context) error {
	p.Drain()
	p.closeOnce.Do(func() { close(p.closing) })
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	p.abortOnce.Do(func() { close(p.abort) })
	<-done
	return ctx.Err()
}

// Close stops the pool at once: jobs waiting for a worker and jobs in flight
// return ErrClosed. Every worker's socket is closed, which makes it exit; one
// that does not exit within a short grace is killed. Close returns once every
// worker has been reaped, so no child process is left behind. Calling it
// again does nothing.
func (p *Pool) Close() error {
	p.Drain()
	p.closeOnce.Do(func() { close(p.closing) })
	p.abortOnce.Do(func() { close(p.abort) })
	p.wg.Wait()
	return nil
}

func (p *Pool) closed() bool {
	select {
	case <-p.closing:
		return true
	default:
		return false
	}
}

func (p *Pool) drained() bool {
	select {
	case <-p.draining:
		return true
	default:
		return false
	}
}

// sleep waits d before a worker is started, or less if the pool drains; it
// reports whether a worker may still be started.
func (p *Pool) sleep(d time.Duration) bool {
	if d <= 0 {
		return !p.drained()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return !p.drained()
	case <-p.draining:
		return false
	}
}

// supervise keeps worker slot i filled until the pool drains or shuts down:
// it starts a worker, serves jobs with it until it dies, and starts a
// replacement after a back-off that doubles while workers keep dying young.
// The outcome of the first start is sent on first.
func (p *Pool) supervise(i int, first chan<- error) {
	defer p.wg.Done()
	var delay time.Duration
	for n := 0; ; n++ {
		w, err := p.spawn()
		if err != nil {
			if n == 0 {
				first <- err
			}
			if p.drained() {
				return
			}
			delay = nextDelay(delay)
			p.log.Error("no se pudo iniciar un proceso de trabajo", "error", err, "reintento_en", delay)
			if !p.sleep(delay) {
				return
			}
			continue
		}
		if n > 0 {
			p.restarts.Add(1)
		}
		p.setPID(i, w.pid)
		p.alive.Add(1)
		p.log.Info("proceso de trabajo iniciado", "pid", w.pid)
		if n == 0 {
			first <- nil // after the accounting, so Start returns with Alive counting w
		}

		reason := p.feed(i, w)
		if p.closed() {
			return
		}
		if p.drained() {
			p.log.Warn("proceso de trabajo terminado; no se reemplaza porque el servidor se está deteniendo", "pid", w.pid, "motivo", reason)
			return
		}
		delay = restartDelay(delay, time.Since(w.started))
		p.log.Warn("proceso de trabajo terminado", "pid", w.pid, "motivo", reason, "reinicio_en", delay)
		if !p.sleep(delay) {
			return
		}
	}
}

// restartDelay returns the delay before replacing a worker that died at
// age lived, given the previous delay: none after a worker that lived
// healthyLife or more, otherwise the next step of the back-off.
func restartDelay(prev, lived time.Duration) time.Duration {
	if lived >= healthyLife {
		return 0
	}
	return nextDelay(prev)
}

// nextDelay doubles the back-off d, from backoffMin up to backoffMax.
func nextDelay(d time.Duration) time.Duration {
	return min(max(2*d, backoffMin), backoffMax)
}

func (p *Pool) setPID(i, pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pid == 0 {
		delete(p.pids, i)
	} else {
		p.pids[i] = pid
	}
}

// spawn starts a worker and waits for its Hello, then for its Ready.
func (p *Pool) spawn() (*process, error) {
	w, err := startProcess(p.exe, p.args, p.env)
	if err != nil {
		return nil, err
	}
	t := time.NewTimer(helloTimeout)
	defer t.Stop()
	var h proto.Hello
	if err := p.handshake(w, t.C, proto.FrameHello, &h); err != nil {
		return nil, err
	}
	if h.PID != w.pid {
		w.close(0)
		return nil, fmt.Errorf("el proceso de trabajo %d saludó con el pid %d", w.pid, h.PID)
	}
	if h.Version != proto.FrameVersion {
		w.close(0)
		return nil, fmt.Errorf("el proceso de trabajo %d habla la versión %d del protocolo, no la %d", w.pid, h.Version, proto.FrameVersion)
	}
	var r proto.Ready
	if err := p.handshake(w, t.C, proto.FrameReady, &r); err != nil {
		return nil, err
	}
	p.noteReady(r)
	return w, nil
}

// handshake waits for the frame of type want from the new worker w and
// decodes it into v; on any failure w is stopped.
func (p *Pool) handshake(w *process, timeout <-chan time.Time, want proto.FrameType, v any) error {
	select {
	case f, ok := <-w.frames:
		if !ok {
			w.close(exitGrace)
			if want == proto.FrameHello {
				return fmt.Errorf("el proceso de trabajo %d terminó antes de saludar (%s)", w.pid, w.exitReason())
			}
			return fmt.Errorf("el proceso de trabajo %d terminó antes de estar listo (%s)", w.pid, w.exitReason())
		}
		if err := proto.DecodeMessage(f.typ, f.payload, want, v); err != nil {
			w.close(0)
			return fmt.Errorf("saludo del proceso de trabajo %d: %w", w.pid, err)
		}
		return nil
	case <-timeout:
		w.close(0)
		return fmt.Errorf("el proceso de trabajo %d no saludó en %v", w.pid, helloTimeout)
	case <-p.closing:
		w.close(exitGrace)
		return ErrClosed
	}
}

// feed runs jobs on w, the worker of slot i, until w dies, fails a job, or
// the pool shuts down. It returns once w has been reaped and is no longer
// counted alive, with the reason it ended, for the log.
func (p *Pool) feed(i int, w *process) string {
	counted := true
	uncount := func() {
		if counted {
			counted = false
			p.alive.Add(-1)
			p.setPID(i, 0)
		}
	}
	defer uncount()
	for {
		select {
		case <-p.closing:
			w.close(exitGrace)
			return "cierre del servidor"
		case f, ok := <-w.frames:
			// An idle worker has nothing to say: it died or broke the
			// protocol.
			if !ok {
				return "sin tarea, " + p.ended(w)
			}
			w.close(0)
			return fmt.Sprintf("sin tarea, envió una trama %s", f.typ)
		case <-w.exited:
			// Dead, though its socket has not ended: another process
			// holds a copy of it.
			w.close(0)
			return "sin tarea, terminó inesperadamente (" + w.exitReason() + ")"
		case req := <-p.jobs:
			if p.closed() {
				req.reply <- reply{err: ErrClosed}
				w.close(exitGrace)
				return "cierre del servidor"
			}
			p.busy.Add(1)
			res, why, err := p.execute(w, req)
			p.busy.Add(-1)
			if why != "" {
				// Reply only once the dead worker is no longer counted,
				// so the caller sees a consistent Alive.
				uncount()
				req.reply <- reply{res, err}
				return why
			}
			req.reply <- reply{res, err}
		}
	}
}

// execute runs one job on w. On a worker failure it stops w and returns a
// non-empty reason it ended, besides the job's error.
func (p *Pool) execute(w *process, req *request) (res proto.Result, why string, err error) {
	if err := req.ctx.Err(); err != nil {
		return proto.Result{}, "", err
	}
	if err := w.sendJob(req.job); err != nil {
		w.close(exitGrace)
		why := "terminó inesperadamente (" + w.exitReason() + ")"
		return proto.Result{}, why, p.crash(w, why)
	}
	t := time.NewTimer(p.timeout)
	defer t.Stop()
	select {
	case f, ok := <-w.frames:
		if !ok {
			why := p.ended(w)
			return proto.Result{}, why, p.crash(w, why)
		}
		err := proto.DecodeMessage(f.typ, f.payload, proto.FrameResult, &res)
		if err == nil && res.ID != req.job.ID {
			err = fmt.Errorf("resultado de la tarea %q en lugar de %q", res.ID, req.job.ID)
		}
		if err != nil {
			w.close(0)
			why := "respondió de forma no válida"
			p.log.Error("respuesta no válida de un proceso de trabajo", "pid", w.pid, "error", err)
			return proto.Result{}, why, p.crash(w, why)
		}
		return res, "", nil
	case <-w.exited:
		// Dead, though its socket has not ended (another process holds a
		// copy of it): the job is lost all the same, and need not wait for
		// the time limit.
		w.close(0)
		why := "terminó inesperadamente (" + w.exitReason() + ")"
		return proto.Result{}, why, p.crash(w, why)
	case <-t.C:
		w.close(0)
		return proto.Result{}, "superó el tiempo límite", &TaskError{
			Reason:   fmt.Sprintf("se superó el tiempo límite de %v", p.timeout),
			TimedOut: true,
			PID:      w.pid,
		}
	case <-req.ctx.Done():
		w.close(0)
		return proto.Result{}, "tarea cancelada", req.ctx.Err()
	case <-p.abort:
		w.close(0)
		return proto.Result{}, "cierre del servidor", ErrClosed
	}
}

// ended stops w after its frames channel was closed and says why, in
// Spanish: the worker closed its socket, normally because it died, or it sent
// bytes that are not a frame.
func (p *Pool) ended(w *process) string {
	if errors.Is(w.readErr, io.EOF) || errors.Is(w.readErr, io.ErrUnexpectedEOF) || errors.Is(w.readErr, syscall.ECONNRESET) {
		w.wait(exitGrace)
		w.stopReading()
		return "terminó inesperadamente (" + w.exitReason() + ")"
	}
	w.close(0)
	p.log.Error("trama no válida de un proceso de trabajo", "pid", w.pid, "error", w.readErr)
	return "respondió de forma no válida"
}

// crash builds the TaskError of a job whose worker w ended for reason why.
func (p *Pool) crash(w *process, why string) *TaskError {
	return &TaskError{
		Reason:  "el proceso de trabajo " + why,
		Crashed: true,
		PID:     w.pid,
	}
}
