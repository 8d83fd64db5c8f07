package api

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"procesa/netio"
	"procesa/proto"
	"procesa/tasks"
)

// durationBuckets are the upper bounds, in seconds, of the processing-time
// histogram.
var durationBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// metrics holds the counters /metricas shows.
type metrics struct {
	mu       sync.Mutex // guards the fields below
	requests map[requestKey]uint64
	buckets  []uint64 // cumulative counts are computed when written
	count    uint64
	sum      float64
}

type requestKey struct {
	route  string
	status int
}

func newMetrics() *metrics {
	return &metrics{requests: make(map[requestKey]uint64), buckets: make([]uint64, len(durationBuckets))}
}

func (m *metrics) request(route string, status int) {
	m.mu.Lock()
	m.requests[requestKey{route, status}]++
	m.mu.Unlock()
}

// TaskFinished records a finished task's processing time; it is
// tasks.Config.OnFinish.
func (h *Handler) TaskFinished(t *tasks.Task) {
	h.noteTaskDisk(t)
	d := t.Duration()
	if d == 0 {
		return
	}
	m := h.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	m.count++
	m.sum += d.Seconds()
	if i, _ := slices.BinarySearch(durationBuckets, d.Seconds()); i < len(m.buckets) {
		m.buckets[i]++
	}
}

// serveMetrics serves GET /metricas in the Prometheus text format 0.0.4.
func (h *Handler) serveMetrics(w *netio.ResponseWriter) int {
	var b strings.Builder
	m := h.metrics

	b.WriteString("# HELP procesa_solicitudes_total Solicitudes HTTP atendidas, por ruta y código de estado.\n")
	b.WriteString("# TYPE procesa_solicitudes_total counter\n")
	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.status - b.status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "procesa_solicitudes_total{ruta=%q,codigo=\"%d\"} %d\n", k.route, k.status, m.requests[k])
	}
	hist := slices.Clone(m.buckets)
	count, sum := m.count, m.sum
	m.mu.Unlock()

	b.WriteString("# HELP procesa_tareas Tareas conocidas, por estado.\n# TYPE procesa_tareas gauge\n")
	counts := h.cfg.Store.Counts()
	for _, st := range []tasks.State{tasks.Queued, tasks.Running, tasks.Done, tasks.Failed} {
		fmt.Fprintf(&b, "procesa_tareas{estado=%q} %d\n", st, counts[st])
	}
	b.WriteString("# HELP procesa_cola_longitud Tareas esperando un proceso de trabajo.\n# TYPE procesa_cola_longitud gauge\n")
	fmt.Fprintf(&b, "procesa_cola_longitud %d\n", h.cfg.Store.Queued())

	b.WriteString("# HELP procesa_procesamiento_segundos Tiempo de procesamiento de cada tarea en un proceso de trabajo.\n")
	b.WriteString("# TYPE procesa_procesamiento_segundos histogram\n")
	var cum uint64
	for i, le := range durationBuckets {
		cum += hist[i]
		fmt.Fprintf(&b, "procesa_procesamiento_segundos_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_bucket{le=\"+Inf\"} %d\n", count)
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_sum %s\n", strconv.FormatFloat(sum, 'g', -1, 64))
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_count %d\n", count)

	b.WriteString("# HELP procesa_procesos_vivos Procesos de trabajo vivos.\n# TYPE procesa_procesos_vivos gauge\n")
	fmt.Fprintf(&b, "procesa_procesos_vivos %d\n", h.cfg.Workers.Alive())
	b.WriteString("# HELP procesa_reinicios_procesos_total Procesos de trabajo reemplazados tras morir.\n")
	b.WriteString("# TYPE procesa_reinicios_procesos_total counter\n")
	fmt.Fprintf(&b, "procesa_reinicios_procesos_total %d\n", h.cfg.Workers.Restarts())
	h.writeIsolationMetrics(&b)

	w.Send(200, proto.Header{{Name: "Content-Type", Value: "text/plain; version=0.0.4; charset=utf-8"}}, []byte(b.String()))
	return 200
}
