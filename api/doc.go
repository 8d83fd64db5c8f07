// Package api gives procesa's HTTP routes (README, "Rutas") and raw mode their
// meaning: it turns requests into task-store operations and task states
// into replies, and keeps the counters /metricas shows.
//
// One upload, from the top: Handler.ServeHTTP routes POST /procesar to
// upload, which parses the query into imgproc.Options, streams the body
// into a tasks.Upload, checks the image header with imgproc.Check, commits
// the task (synced to disk) and answers 202. The store's dispatcher hands
// the task to the worker pool; GET /estado/<id> reads its state back.
package api
