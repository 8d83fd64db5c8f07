package pool

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"procesa/proto"
)

// EnvWorker is the environment variable that marks a worker process; the
// pool sets it to "1".
const EnvWorker = "PROCESA_WORKER"

// workerFD is the worker's end of the socketpair: the first of ExtraFiles.
const workerFD = 3

// IsWorker reports whether this process was started by a Pool as a worker.
func IsWorker() bool { return os.Getenv(EnvWorker) == "1" }

// WorkerConn returns the worker's end of the socketpair the pool passed as
// fd 3. The caller owns the connection and closes it. It fails when fd 3 is
// not a Unix socket, for example when the process was not started by a Pool.
func WorkerConn() (*net.UnixConn, error) {
	f := os.NewFile(workerFD, "procesa-trabajo")
	if f == nil {
		return nil, errors.New("el descriptor 3 del proceso de trabajo no existe")
	}
	defer f.Close() // net.FileConn holds its own duplicate
	c, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("abriendo el socket del proceso de trabajo: %w", err)
	}
	uc, ok := c.(*net.UnixConn)
	if !ok {
		c.Close()
		return nil, errors.New("el descriptor 3 del proceso de trabajo no es un socket Unix")
	}
	return uc, nil
}

// hangUp ends the worker when its server is gone in the middle of a job; a
// variable only so that tests can observe it instead of exiting.
var hangUp = func() { os.Exit(0) }

// Serve runs the worker side of the protocol on conn: it sends a Hello,
// drops the rights the worker does not need (see dropRights) and says which
// protections are in force in a Ready frame, then answers each Job frame
// with the Result that run returns, one job at a time. Each Job comes with
// its input and output files as descriptors; Serve closes both once run has
// returned, and answers a Job that came with any other number of
// descriptors with an error, closing them, without calling run. Between
// jobs it gives memory back to the system, so that an idle worker does not
// sit on a big image's pages.
//
// It returns nil when conn reaches end of file between jobs (the server
// closed its end, which is how it stops a worker), and an error when conn
// fails or the server breaks the protocol.
//
// A worker must never outlive its server. Linux and FreeBSD kill it with
// PR_SET_PDEATHSIG (see sysProcAttr); elsewhere, and as a second line
// everywhere, a goroutine keeps reading conn while a job runs, and if the
// server hangs up then (its death closes its end), the process exits at
// once: nobody is left to take the result.
func Serve(conn *net.UnixConn, run func(proto.Job) proto.Result) error {
	hello := proto.Hello{Version: proto.FrameVersion, PID: os.Getpid()}
	if err := proto.WriteMessage(conn, proto.FrameHello, hello); err != nil {
		return fmt.Errorf("enviando el saludo: %w", err)
	}
	ready := dropRights(limitsFromEnv())
	if err := proto.WriteMessage(conn, proto.FrameReady, ready); err != nil {
		return fmt.Errorf("enviando el aviso de listo: %w", err)
	}
	jobs := make(chan received)
	failed := make(chan error, 1)
	var busy atomic.Bool
	go func() {
		r := newRightsReader(conn)
		buf := make([]byte, 0, 4096)
		for {
			job, err := readJob(r, buf)
			if err != nil {
				if busy.Load() {
					hangUp()
				}
				failed <- err
				return
			}
			busy.Store(true) // before the job is taken: no window to miss
			jobs <- job
		}
	}()
	idle := time.NewTimer(idleRelease)
	idle.Stop()
	for {
		select {
		case err := <-failed:
			if err == io.EOF {
				return nil
			}
			return err
		case job := <-jobs:
			idle.Stop()
			res := runJob(job, run)
			busy.Store(false)
			if err := proto.WriteMessage(conn, proto.FrameResult, res); err != nil {
				return fmt.Errorf("enviando el resultado: %w", err)
			}
			idle.Reset(idleRelease)
		case <-idle.C:
			ReleaseMemory()
		}
	}
}

// idleRelease is how long a worker waits without a job before it returns
// its free memory to the system. A job that follows soon after another
// reuses the pages the first one touched; returning them after every job
// made each job fault all its pages in again (and have the kernel zero
// them): on a 20 MP photo scaled to a quarter that was 128 ms instead of
// 96 ms end to end, on a 2.3 MP one 32 ms instead of 28 ms
// (scripts/bench_vs_pillow.sh). A worker left idle still shrinks back to
// its baseline, a few seconds after its last job.
var idleRelease = 5 * time.Second

// ReleaseMemory is what a worker idle for idleRelease calls to return its
// free memory to the system: debug.FreeOSMemory, unless the worker's job
// function keeps buffers for its next job, in which case the worker sets
// it to a function that drops them first (see imgproc.ReleaseMemory).
var ReleaseMemory = debug.FreeOSMemory

// received is a Job as read from the socket, with the reason its
// descriptors were refused, if they were.
type received struct {
	job    proto.Job
	badFDs error
}

// runJob runs one received job and closes its files.
func runJob(r received, run func(proto.Job) proto.Result) proto.Result {
	if r.badFDs != nil {
		return proto.Result{ID: r.job.ID, Status: 500, Error: "la tarea llegó sin sus archivos: " + r.badFDs.Error()}
	}
	defer r.job.Input.Close()
	defer r.job.Output.Close()
	start := time.Now()
	res := run(r.job)
	res.WorkMicros = max(time.Since(start).Microseconds(), 1)
	return res
}

// readJob reads the next frame, which must be a Job, and takes the
// descriptors that came with it. It returns io.EOF when conn ends cleanly
// before a frame.
func readJob(r *rightsReader, buf []byte) (received, error) {
	var rec received
	typ, payload, err := proto.ReadFrame(r, buf)
	if err == io.EOF {
		return rec, err
	}
	if err != nil {
		return rec, fmt.Errorf("leyendo una tarea: %w", err)
	}
	if err := proto.DecodeMessage(typ, payload, proto.FrameJob, &rec.job); err != nil {
		r.take(0) // closes whatever came with it
		return rec, err
	}
	files, err := r.take(jobFiles)
	if err != nil {
		rec.badFDs = err
		return rec, nil
	}
	rec.job.Input, rec.job.Output = files[0], files[1]
	return rec, nil
}
