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

// metrics holds the request counters /metricas shows; the task store
// keeps the processing times (tasks.Store.Timings).
type metrics struct {
	mu       sync.Mutex // guards requests
	requests map[requestKey]uint64
}

type requestKey struct {
	route  string
	status int
}

func newMetrics() *metrics {
	return &metrics{requests: make(map[requestKey]uint64)}
}

func (m *metrics) request(route string, status int) {
	m.mu.Lock()
	m.requests[requestKey{route, status}]++
	m.mu.Unlock()
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
	tm := h.cfg.Store.Timings()
	var cum uint64
	for i, le := range tasks.DurationBuckets {
		cum += tm.Buckets[i]
		fmt.Fprintf(&b, "procesa_procesamiento_segundos_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_bucket{le=\"+Inf\"} %d\n", tm.Count)
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_sum %s\n", strconv.FormatFloat(tm.Sum.Seconds(), 'g', -1, 64))
	fmt.Fprintf(&b, "procesa_procesamiento_segundos_count %d\n", tm.Count)

	b.WriteString("# HELP procesa_procesos_vivos Procesos de trabajo vivos.\n# TYPE procesa_procesos_vivos gauge\n")
	fmt.Fprintf(&b, "procesa_procesos_vivos %d\n", h.cfg.Workers.Alive())
	b.WriteString("# HELP procesa_reinicios_procesos_total Procesos de trabajo reemplazados tras morir.\n")
	b.WriteString("# TYPE procesa_reinicios_procesos_total counter\n")
	fmt.Fprintf(&b, "procesa_reinicios_procesos_total %d\n", h.cfg.Workers.Restarts())
	h.writeIsolationMetrics(&b)

	w.Send(200, proto.Header{{Name: "Content-Type", Value: "text/plain; version=0.0.4; charset=utf-8"}}, []byte(b.String()))
	return 200
}
