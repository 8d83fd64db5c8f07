// Package tasks keeps procesa's tasks: it stores each accepted upload on
// disk, queues it, hands it to a Runner (the worker pool), records how it
// ended, and forgets it when its retention is over.
//
// A task's state changes in this package only. On disk, under the data
// directory:
//
//	entradas/<id>         the upload, synced before the task is accepted
//	resultados/<id>.<ext> the result
//	tareas/<id>.json      the task record
//	tmp/                  files being written; renamed into place when whole
//
// Every file is written under tmp/ and renamed, so a crash leaves either the
// old file or the new one. When the store opens it loads every record:
// finished tasks are served again and unfinished ones are queued again.
//
// During an upgrade two processes share the directory for a while; which
// of them owns each task, and how the old one hands its queue over, is in
// handover.go.
package tasks
