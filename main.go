//go:build unix

// Command procesa is a small image-processing server: a client uploads an
// image, a worker process turns it gray and scales it, and the client
// fetches the result. "procesa cliente" is the client.
//
// One binary plays three parts, chosen here: a worker process (started by
// the server itself, marked by an environment variable), the client, or the
// server. The server wires netio (sockets and HTTP) to api (routes), api to
// tasks (the durable store), and tasks to pool (the worker processes).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"procesa/api"
	"procesa/client"
	"procesa/imgproc"
	"procesa/netio"
	"procesa/pool"
	"procesa/proto"
	"procesa/tasks"
	"procesa/trace"
	"procesa/upgrade"
)

// shutdownGrace is how long in-flight tasks may run after SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

func main() {
	if pool.IsWorker() {
		os.Exit(runWorker())
	}
	if len(os.Args) > 1 && os.Args[1] == "cliente" {
		os.Exit(client.Main(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(runServer(os.Args[1:], os.Stdout, os.Stderr))
}

// runWorker is the whole life of a worker process. Its stderr is the
// server's, so what it prints is in Spanish.
func runWorker() int {
	conn, err := pool.WorkerConn()
	if err == nil {
		pool.ReleaseMemory = imgproc.ReleaseMemory
		if limit := pool.WorkerMemoryLimit(); limit > 0 {
			imgproc.KeepAtMost(limit / 8)
		}
		err = pool.Serve(conn, processJob)
	}
	if err == nil || serverHungUp(err) {
		// The server closed the socket, which is how it stops a worker,
		// possibly while this one was still saying hello: nothing to report.
		return 0
	}
	fmt.Fprintln(os.Stderr, "procesa (proceso de trabajo):", workerErrText(err))
	return 1
}

// minWorkerMemory is the least --limite-memoria accepted: a worker's Go
// runtime, before any image, maps some 75 MiB of data already.
const minWorkerMemory = 128 << 20

// workerMemory returns the memory limit of each worker: --limite-memoria,
// or by default 256 MiB plus 16 bytes per pixel of --max-pixeles (about
// 1 GiB for 50 megapixels). The largest images take far less: measured
// with a 20-megapixel colour PNG written back as PNG, a worker's data reach
// some 190 MiB in all; with a 49-megapixel one, some 430 MiB.
func workerMemory(cfg *config) int64 {
	if cfg.memLimit > 0 {
		return cfg.memLimit
	}
	return 256<<20 + 16*cfg.maxPixels
}

// processJob does one job in a worker process: imgproc processes the image
// from file to file, and the outcome becomes the Result frame. A failure
// that is the server's fault (a file it cannot read or write, a bug) is
// logged here, with its cause, before it goes back as a 500.
func processJob(job proto.Job) proto.Result {
	opts := imgproc.DefaultOptions()
	if len(job.Options) > 0 {
		if err := json.Unmarshal(job.Options, &opts); err != nil {
			slog.Error("opciones de tarea no válidas", "tarea", job.ID, "error", err)
			return proto.Result{ID: job.ID, Status: 500, Error: "las opciones de la tarea no son válidas"}
		}
	}
	info, size, err := imgproc.ProcessFile(job.Input, job.Output, opts)
	if err != nil {
		var ie *imgproc.Error
		if !errors.As(err, &ie) {
			ie = &imgproc.Error{Kind: imgproc.KindIO, Msg: "error interno al procesar la imagen", Err: err}
		}
		if ie.Kind == imgproc.KindIO {
			slog.Error(ie.Msg, "tarea", job.ID, "error", ie.Err)
		}
		return proto.Result{ID: job.ID, Status: ie.Status(), Error: ie.Msg}
	}
	return proto.Result{ID: job.ID, Format: info.Format, Width: info.OutWidth, Height: info.OutHeight, Bytes: size}
}

// runServer runs the server until SIGINT or SIGTERM and returns the exit
// status: 0 after a clean stop, 2 for bad flags, an unusable directory or
// an address that cannot be bound, 1 for other failures at start.
func runServer(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "procesa:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log)
	if cfg.trace {
		trace.Enable(stderr)
	}

	var root *os.Root
	if cfg.directory != "" {
		if root, err = openDirectory(cfg.directory); err != nil {
			fmt.Fprintf(stderr, "procesa: no se puede abrir el directorio %q: %s\n", cfg.directory, fsCause(err))
			return 2
		}
		defer root.Close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1) // SIGHUP: upgrade (package upgrade)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	succ, err := upgrade.Inherit()
	if err != nil {
		fmt.Fprintln(stderr, "procesa:", err)
		return 2
	}
	listeners, inherited, err := openListeners(ctx, cfg, succ)
	if err != nil {
		if inherited {
			fmt.Fprintln(stderr, "procesa: no se pueden usar los sockets heredados:", errCause(err))
		} else {
			fmt.Fprintf(stderr, "procesa: no se puede escuchar en %s puerto %d: %s\n", cfg.ip, cfg.port, errCause(err))
		}
		return 2
	}

	// The data directory is checked before any worker starts, so that an
	// unusable one is a one-line error like a bad flag.
	if err := prepareDataDir(cfg.dataDir); err != nil {
		fmt.Fprintf(stderr, "procesa: no se puede usar el directorio de datos %q: %s\n", cfg.dataDir, fsCause(err))
		return 2
	}

	workers, err := pool.Start(pool.Config{Procs: cfg.procs, TaskTimeout: cfg.taskLimit, Logger: log,
		Limits: pool.Limits{Memory: workerMemory(cfg)}})
	if err != nil {
		fmt.Fprintln(stderr, "procesa: no se pudieron iniciar los procesos de trabajo:", err)
		return 1
	}
	defer workers.Close()

	defaults := imgproc.DefaultOptions()
	defaults.Scale, defaults.MaxPixels = cfg.scale, cfg.maxPixels
	store, err := tasks.Open(tasks.Config{
		Dir:       cfg.dataDir,
		Runner:    workers,
		Workers:   cfg.procs,
		QueueSize: cfg.queueSize,
		Retention: cfg.retention,
		Logger:    log,
		Successor: succ != nil,
	})
	if err != nil {
		// Rare once prepareDataDir passed: the directory changed since,
		// or a record could not be read.
		fmt.Fprintf(stderr, "procesa: no se pueden cargar las tareas de %q: %s\n", cfg.dataDir, fsCause(err))
		return 1
	}
	handler := api.New(api.Config{Store: store, Workers: workers, Defaults: defaults, Dir: root, MaxBody: cfg.maxBody, Logger: log})
	store.Start()

	srv := &netio.Server{
		Handler:  handler,
		Raw:      handler,
		MaxConns: cfg.maxConns,
		MaxBody:  cfg.maxBody,
		Logger:   log,
		OnReply:  handler.CountReply,
	}
	var wg sync.WaitGroup
	stoppable := upgrade.Stoppable(listeners)
	for _, l := range stoppable {
		fmt.Fprintf(stdout, "escuchando en http://%s\n", hostPort(l.Addr()))
		wg.Go(func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, netio.ErrServerClosed) {
				log.Error("el servidor dejó de aceptar conexiones", "error", err)
			}
		})
	}
	log.Info("servidor listo", "procesos", cfg.procs, "datos", cfg.dataDir, "escala", cfg.scale, "sockets_heredados", inherited)
	adopted := make(chan struct{}) // closed when no upgrade's handover is under way
	if succ != nil {
		succ.SignalReady(store, log, adopted)
	} else {
		close(adopted)
		upgrade.Notify("READY=1")
	}

	if next := upgrade.Wait(ctx, hup, adopted, listeners, log); next != nil {
		stop()
		next.HandOver(stoppable, &wg, srv, store, workers, max(shutdownGrace, cfg.taskLimit), log)
		return 0
	}
	trace.Signal(context.Cause(ctx))
	stop()
	upgrade.Notify("STOPPING=1")
	// Tasks in flight may still finish, but a worker that dies or is
	// stopped from now on (at the end of the grace) is not replaced.
	workers.Drain()
	log.Info("deteniendo: se terminan las tareas en curso", "plazo", shutdownGrace)
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var sw sync.WaitGroup
	sw.Go(func() { store.Shutdown(grace) })
	sw.Go(func() { srv.Shutdown(grace) })
	sw.Wait()
	wg.Wait()
	workers.Close()
	log.Info("detenido")
	return 0
}

// openListeners returns the sockets to serve: those passed by the previous
// process of an upgrade (succ), those passed by the service manager with
// socket activation (LISTEN_FDS and LISTEN_PID), or, when neither, new ones
// on cfg.ip and cfg.port. inherited reports whether they were passed.
func openListeners(ctx context.Context, cfg *config, succ *upgrade.Successor) (ls []net.Listener, inherited bool, err error) {
	if succ != nil {
		return succ.Listeners, true, nil
	}
	ls, err = netio.Activated()
	if err != nil || ls != nil {
		return ls, true, err
	}
	ls, err = netio.Listen(ctx, cfg.ip, cfg.port)
	return ls, false, err
}

// hostPort formats a listening address for a URL: [::]:8090, 0.0.0.0:8090.
func hostPort(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	return net.JoinHostPort(ta.IP.String(), fmt.Sprint(ta.Port))
}

// openDirectory opens the --directorio directory. It checks first that dir
// is a directory: os.OpenRoot says it is not with an English error of its
// own, not with ENOTDIR.
func openDirectory(dir string) (*os.Root, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &os.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
	}
	return os.OpenRoot(dir)
}

// prepareDataDir creates the --datos directory if needed and checks that
// files can be created in it.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Something that stat cannot follow is in the way, such as a
			// dangling symbolic link: it is not a directory.
			return &os.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return err
	}
	probe, err := os.MkdirTemp(dir, ".prueba-")
	if err != nil {
		return err
	}
	return os.Remove(probe)
}
