// Package pool supervises procesa's worker processes.
//
// The server re-executes its own binary (os.Executable) once per worker,
// marked as a worker by the environment variable EnvWorker, never by a
// user-visible flag. Each worker is connected to the server by a socketpair
// made with unix.Socketpair and passed as its fd 3 (exec.Cmd.ExtraFiles);
// the two ends speak the frames of package proto: the worker says Hello, then
// answers each Job with a Result, one job at a time.
//
// The parent side is Pool (parent.go, process.go): Start launches the
// workers, Do hands one job to a free worker and waits for its result. A
// worker that crashes, is killed or exceeds the task time limit costs only
// its current job, which fails with a *TaskError carrying a Spanish reason;
// a replacement is started, with back-off if workers keep dying quickly.
//
// The child side is child.go: IsWorker tells main to run the worker loop
// instead of the server, WorkerConn returns the worker's end of the socket,
// and Serve is the loop itself, calling a function for each job (main gives
// it one that runs imgproc), so the image code knows nothing of frames.
//
// Liveness: on Linux and FreeBSD every worker gets a parent-death signal
// (SIGKILL), so it dies with the server. Linux sends that signal when the
// *thread* that started the child exits, so each worker is started and
// waited for by a goroutine locked to its OS thread for the child's whole
// life. Everywhere, and alone where there is no such signal, a worker whose
// socket reaches end of file exits, at once even in the middle of a job. Workers run in their own process group,
// so a Ctrl-C on the terminal reaches only the server, which can then finish
// the tasks in flight before stopping them.
package pool
