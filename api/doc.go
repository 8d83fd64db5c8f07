// Package api gives procesa's HTTP routes and raw mode their
// meaning: it turns requests into task-store operations and task states
// into replies, and keeps the counters /metricas shows.
//
// One upload, from the top: Handler.ServeHTTP routes POST /procesar to
// upload, which parses the query into imgproc.Options, streams the body
// into a tasks.Upload, checks the image header with imgproc.Check, commits
// the task (synced to disk) and answers 202. The store's dispatcher hands
// the task to the worker pool; GET /estado/<id> reads its state back.
//
// Every reply body is rendered in this package: the JSON and text bodies
// in reply.go, the browser pages in page.go from the html/template files
// and static files embedded from web/. A request whose Accept prefers
// text/html (negotiate.go) gets a page on GET / and GET /estado/<id>, and
// a 303 to the task page after a form upload; every other client gets the
// JSON or text answers.
package api
