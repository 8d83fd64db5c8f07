package pool

import (
	"errors"
	"fmt"
	"net"
	"os"
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
// not a socket, for example when the process was not started by a Pool.
func WorkerConn() (net.Conn, error) {
	f := os.NewFile(workerFD, "procesa-trabajo")
	if f == nil {
		return nil, errors.New("el descriptor 3 del proceso de trabajo no existe")
	}
	defer f.Close() // net.FileConn holds its own duplicate
	c, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("abriendo el socket del proceso de trabajo: %w", err)
	}
	return c, nil
}
