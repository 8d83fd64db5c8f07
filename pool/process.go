package pool

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"procesa/proto"
	"procesa/trace"
)

// frame is one frame read from a worker.
type frame struct {
	typ     proto.FrameType
	payload []byte
}

// process is one running worker process and the parent's end of its socket.
// Its methods may be called from several goroutines.
type process struct {
	pid     int
	started time.Time
	conn    *net.UnixConn
	cmd     *exec.Cmd

	// frames delivers the frames the worker sends, in order; it is closed
	// when reading fails (end of file when the worker dies), after readErr
	// is set.
	frames  chan frame
	readErr error
	// quit is closed by close to stop the reading goroutine.
	quit chan struct{}

	// exited is closed once the process has been reaped, after state and
	// waitErr are set.
	exited  chan struct{}
	state   *os.ProcessState
	waitErr error
}

// startProcess starts exe with args as a worker connected through a new
// socketpair, with env added to its environment, and returns once the
// process runs. The worker's stdout and stderr are the server's stderr, so
// a panic in a worker shows in the logs.
func startProcess(exe string, args, env []string) (*process, error) {
	fds, err := socketpair()
	if err != nil {
		return nil, fmt.Errorf("creando el socketpair: %w", err)
	}
	parentFile := os.NewFile(uintptr(fds[0]), "procesa-servidor")
	childFile := os.NewFile(uintptr(fds[1]), "procesa-trabajo")
	c, err := net.FileConn(parentFile)
	parentFile.Close()
	if err != nil {
		childFile.Close()
		return nil, fmt.Errorf("abriendo el socket del servidor: %w", err)
	}
	conn := c.(*net.UnixConn) // a socketpair is a Unix socket

	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), EnvWorker+"=1"), env...)
	cmd.ExtraFiles = []*os.File{childFile} // fd 3 in the worker
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = sysProcAttr()

	w := &process{
		conn:   conn,
		cmd:    cmd,
		frames: make(chan frame, 1),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	started := make(chan error, 1)
	go w.startAndReap(childFile, started)
	if err := <-started; err != nil {
		conn.Close()
		return nil, fmt.Errorf("iniciando el proceso de trabajo: %w", err)
	}
	w.pid = cmd.Process.Pid
	w.started = time.Now()
	trace.Spawn(w.pid, cmd)
	go w.read()
	return w, nil
}

// startAndReap starts the process, reports the outcome on started, and
// waits for the process to end. It runs on a goroutine locked to its OS
// thread and never unlocks it: PR_SET_PDEATHSIG fires when the thread that
// forked the child exits, so that thread must outlive the child. When
// startAndReap returns, still locked, the runtime ends the thread; the
// child is reaped by then.
func (w *process) startAndReap(childFile *os.File, started chan<- error) {
	runtime.LockOSThread()
	err := w.cmd.Start()
	childFile.Close() // the worker holds its own copy now
	started <- err
	if err != nil {
		return
	}
	w.waitErr = w.cmd.Wait()
	w.state = w.cmd.ProcessState
	trace.Exit(w.cmd.Process.Pid, w.state)
	close(w.exited)
}

// read delivers the worker's frames on w.frames until reading fails or
// close is called.
func (w *process) read() {
	defer close(w.frames)
	for {
		typ, payload, err := proto.ReadFrame(w.conn, nil)
		if err != nil {
			w.readErr = err
			return
		}
		trace.FrameIn(w.pid, typ, payload)
		select {
		case w.frames <- frame{typ, payload}:
		case <-w.quit:
			return
		}
	}
}

// sendJob writes a Job frame to the worker with the job's input and output
// attached as descriptors, bounded by a deadline so that a worker that
// stopped reading cannot block the pool.
func (w *process) sendJob(job proto.Job) error {
	payload, err := json.Marshal(job)
	if err != nil {
		return fmt.Errorf("codificando la tarea: %w", err)
	}
	b, err := proto.AppendFrame(nil, proto.FrameJob, payload)
	if err != nil {
		return err
	}
	w.conn.SetWriteDeadline(time.Now().Add(sendTimeout))
	trace.FrameSent(w.pid, b)
	trace.PassFiles(w.pid, "entrada, salida", job.Input, job.Output)
	return writeWithFiles(w.conn, b, job.Input, job.Output)
}

// kill sends SIGKILL to the process. Killing a process that already ended
// is harmless.
func (w *process) kill() {
	w.cmd.Process.Kill()
}

// wait waits up to d for the process to end on its own, kills it if it has
// not, and returns once it has been reaped.
func (w *process) wait(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.exited:
		return
	case <-t.C:
	}
	w.kill()
	<-w.exited
}

// close ends the process: it closes the socket, which makes a healthy worker
// exit, gives it grace to do so, then kills it, and returns once it has been
// reaped.
func (w *process) close(grace time.Duration) {
	w.conn.Close()
	w.wait(grace)
	w.stopReading()
}

// stopReading releases the reading goroutine. Call it only after the
// process has been reaped and the socket closed.
func (w *process) stopReading() {
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	w.conn.Close()
}

// signalName names the signals a worker is likely to die of, in Spanish.
func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGKILL:
		return "SIGKILL, matado"
	case syscall.SIGSEGV:
		return "SIGSEGV, acceso inválido a memoria"
	case syscall.SIGABRT:
		return "SIGABRT, abortado"
	case syscall.SIGTERM:
		return "SIGTERM, terminado"
	case syscall.SIGINT:
		return "SIGINT, interrumpido"
	case syscall.SIGBUS:
		return "SIGBUS, error de bus"
	}
	return fmt.Sprintf("señal %d", int(sig))
}

// exitReason describes how the reaped process ended, in Spanish:
// "señal: SIGKILL, matado" or "código de salida 2".
func (w *process) exitReason() string {
	if w.state == nil {
		return fmt.Sprintf("error: %v", w.waitErr)
	}
	if ws, ok := w.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "señal: " + signalName(ws.Signal())
	}
	return fmt.Sprintf("código de salida %d", w.state.ExitCode())
}
