//go:build unix

// Package upgrade replaces a running server by a new copy of itself with no
// refused connection and no lost task (a zero-downtime upgrade), and tells
// systemd about it. On SIGHUP the server starts its executable again
// (os.Executable: the file on disk, which may have been replaced by a new
// version) and passes it the listening sockets, so that no connection is
// refused while the two processes swap:
//
//  1. The old process starts the new one with the listening sockets as
//     descriptors 3..3+n-1, the write end of a "ready" pipe after them and
//     the read end of a "handover" pipe last; PROCESA_UPGRADE=n says so.
//  2. The new process serves the inherited sockets, opens the same --datos
//     (leaving the old process's tasks alone), starts its workers, and
//     writes "listo" on the ready pipe. From then on both accept.
//  3. The old process stops accepting (connections waiting in the sockets'
//     queue are the new one's to accept: the sockets stay open in it),
//     hands each queued asynchronous task over by writing its id on the
//     handover pipe, finishes its open connections (their synchronous
//     tasks run here) and the tasks its workers are running, and exits 0.
//  4. The end of the handover pipe tells the new process that the old one
//     is gone: it adopts every unfinished task left on disk.
//
// Who owns each task meanwhile is written down in package tasks
// (handover.go). If the
// new process exits before it is ready, or is not ready within
// readyTimeout (it is then killed), the old one logs why and goes on
// serving as if nothing had happened.
package upgrade

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"procesa/netio"
	"procesa/pool"
	"procesa/tasks"
	"procesa/trace"
)

// envUpgrade marks the new process of an upgrade; its value is the number
// of listening sockets passed, from descriptor 3 on.
const envUpgrade = "PROCESA_UPGRADE"

// readyTimeout is how long the new process has to say it is ready.
const readyTimeout = 30 * time.Second

// readyMsg is what the new process writes on the ready pipe.
const readyMsg = "listo\n"

// Successor is, in the new process of an upgrade, what the old one passed.
type Successor struct {
	Listeners []net.Listener
	ready     *os.File // write readyMsg here
	handover  *os.File // ids of tasks handed over, one a line; EOF when the old process is gone
}

// Inherit returns what the old process passed, or nil, nil when this
// process was not started by an upgrade. It removes PROCESA_UPGRADE from
// the environment so that the workers do not see it.
func Inherit() (*Successor, error) {
	v, ok := os.LookupEnv(envUpgrade)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(envUpgrade)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1024 {
		return nil, fmt.Errorf("%s=%q no es un número de sockets válido", envUpgrade, v)
	}
	ls, err := netio.FileListeners(3, n)
	if err != nil {
		return nil, err
	}
	return &Successor{
		Listeners: ls,
		ready:     os.NewFile(uintptr(3+n), "listo"),
		handover:  os.NewFile(uintptr(3+n+1), "traspaso"),
	}, nil
}

// SignalReady tells the old process (and systemd, which follows the new
// main process) that this one serves, then adopts the tasks the old process
// hands over, and all it leaves once it exits.
func (s *Successor) SignalReady(store *tasks.Store, log *slog.Logger, adopted chan<- struct{}) {
	_, err := io.WriteString(s.ready, readyMsg)
	s.ready.Close()
	if err != nil {
		// The old process is gone: it cannot hand anything over but by
		// leaving it on disk, which the end of the pipe below reports.
		log.Warn("no se pudo avisar al proceso anterior", "error", err)
	}
	Notify(fmt.Sprintf("MAINPID=%d\nREADY=1", os.Getpid()))
	go func() {
		sc := bufio.NewScanner(s.handover)
		for sc.Scan() {
			store.Adopt(sc.Text())
		}
		s.handover.Close()
		n := store.AdoptAll()
		log.Info("traspaso terminado: el proceso anterior salió", "tareas_pendientes_recibidas", n)
		close(adopted)
	}()
}

// Wait waits for SIGINT or SIGTERM (ctx) and returns nil, or for
// a SIGHUP that started a new process successfully, and returns it. A
// failed upgrade is logged and this process goes on serving; so is a SIGHUP
// that comes before the previous upgrade's handover has ended (adopted).
func Wait(ctx context.Context, hup <-chan os.Signal, adopted <-chan struct{}, ls []net.Listener, log *slog.Logger) *Upgrade {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
		}
		select {
		case <-adopted:
		default:
			log.Warn("SIGHUP ignorada: el traspaso de la actualización anterior aún no terminó")
			continue
		}
		u, err := start(ls, log)
		if err != nil {
			log.Error("la actualización falló; este proceso sigue sirviendo", "error", err)
			continue
		}
		return u
	}
}

// upgrade is, in the old process, a new process that said it is ready.
type Upgrade struct {
	pid      int
	mu       sync.Mutex // guards handover
	handover *os.File   // write end: one task id a line
}

// send hands the task with id over to the new process.
func (u *Upgrade) send(id string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	trace.HandOver(id)
	_, err := io.WriteString(u.handover, id+"\n")
	return err
}

// start starts the new process with the listening sockets and waits
// until it is ready. On an error the new process is gone (killed if it was
// still running) and nothing has changed here.
func start(listeners []net.Listener, log *slog.Logger) (*Upgrade, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("no se encuentra el ejecutable: %w", err)
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, l := range listeners {
		f, err := netio.ListenerFile(l)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer readyR.Close()
	files = append(files, readyW)
	handR, handW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	files = append(files, handR)

	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), envUpgrade+"="+strconv.Itoa(len(listeners)))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = files
	if err := cmd.Start(); err != nil {
		handW.Close()
		return nil, fmt.Errorf("no se pudo iniciar %s: %w", exe, err)
	}
	log.Info("actualización: nuevo proceso iniciado; se espera que esté listo", "pid", cmd.Process.Pid, "ejecutable", exe)
	trace.Upgrade(cmd)
	for _, f := range files {
		f.Close() // the new process has its copies; EOF on readyR needs ours closed
	}
	files = nil

	exited := make(chan error, 1)
	var done atomic.Bool
	go func() {
		err := cmd.Wait() // reaps it whenever it ends
		if !done.Load() {
			exited <- err
		}
	}()
	ready := make(chan error, 1)
	go func() {
		buf := make([]byte, len(readyMsg))
		_, err := io.ReadFull(readyR, buf)
		if err == nil && string(buf) != readyMsg {
			err = fmt.Errorf("mensaje inesperado %q", buf)
		}
		ready <- err
	}()
	fail := func(why error) (*Upgrade, error) {
		done.Store(true)
		cmd.Process.Kill()
		handW.Close()
		return nil, why
	}
	select {
	case err := <-ready:
		if err != nil {
			// EOF: it closed the pipe without a word, which is exiting;
			// wait for its status to say why.
			select {
			case werr := <-exited:
				return fail(exitError(werr))
			case <-time.After(time.Second):
				return fail(fmt.Errorf("cerró el aviso de listo sin avisar: %w", err))
			}
		}
	case err := <-exited:
		return fail(exitError(err))
	case <-time.After(readyTimeout):
		return fail(fmt.Errorf("no estuvo listo en %v; se lo detiene", readyTimeout))
	}
	done.Store(true)
	return &Upgrade{pid: cmd.Process.Pid, handover: handW}, nil
}

// exitError says how the new process ended before being ready.
func exitError(err error) error {
	if err == nil {
		return errors.New("terminó con estado 0 antes de estar listo")
	}
	return fmt.Errorf("terminó antes de estar listo (%w)", err)
}

// Listener lets the old process stop accepting without the race of
// Server.Shutdown, which closes a connection accepted just before it:
// closing the listener first makes Serve return once the connections
// already accepted are tracked, and Shutdown then waits for them.
type Listener struct {
	net.Listener
	stopped atomic.Bool
}

// Accept waits for the next connection; once Stop is called it returns
// netio.ErrServerClosed, the end of Serve's loop.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && l.stopped.Load() {
		return nil, netio.ErrServerClosed
	}
	return c, err
}

// Stop stops accepting. The socket stays open in the new process.
func (l *Listener) Stop() {
	l.stopped.Store(true)
	l.Listener.Close()
}

// Stoppable wraps each listener in a Listener.
func Stoppable(ls []net.Listener) []*Listener {
	ws := make([]*Listener, len(ls))
	for i, l := range ls {
		ws[i] = &Listener{Listener: l}
	}
	return ws
}

// HandOver is the end of the old process after a successful upgrade: stop
// accepting, hand the queued tasks over, finish the open connections and the
// running tasks (each within grace), and stop the workers. serving is done
// when every Serve loop has returned.
func (u *Upgrade) HandOver(ls []*Listener, serving *sync.WaitGroup, srv *netio.Server,
	store *tasks.Store, workers *pool.Pool, grace time.Duration, log *slog.Logger) {
	log.Info("actualización: el nuevo proceso está listo; este deja de aceptar conexiones y le traspasa sus tareas en cola", "pid_nuevo", u.pid)
	store.HandOver(u.send)
	for _, l := range ls {
		l.Stop()
	}
	serving.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("actualización: se cerraron conexiones sin terminar", "plazo", grace)
	}
	workers.Drain()
	ctx2, cancel2 := context.WithTimeout(context.Background(), grace)
	defer cancel2()
	if err := store.Shutdown(ctx2); err != nil {
		log.Warn("actualización: tareas sin terminar quedan en disco para el nuevo proceso", "plazo", grace)
	}
	workers.Close()
	u.mu.Lock()
	u.handover.Close() // the new process adopts what is left
	u.mu.Unlock()
	log.Info("actualización terminada: este proceso sale", "pid_nuevo", u.pid)
}
