package api

import (
	"errors"
	"fmt"
	"strings"

	"procesa/proto"
	"procesa/tasks"
)

// storeFailed turns a failure to store an upload into the error its client
// gets: the store's 507 when the disk is full (it keeps the count and the
// time for /salud and /metricas), 500 otherwise.
func storeFailed(err error) error {
	if errors.Is(err, tasks.ErrDiskFull) {
		return err
	}
	return errStore
}

// protector is what a Workers may also tell: the protections its worker
// processes run under, and those the system could not apply. *pool.Pool
// does; a Workers without it shows none.
type protector interface {
	Protections() (active, missing []string)
}

func (h *Handler) protections() (active, missing []string) {
	if p, ok := h.cfg.Workers.(protector); ok {
		return p.Protections()
	}
	return nil, nil
}

// appendHealthExtras appends to the /salud JSON object the state of the
// disk and the workers' protections:
// ,"disco":"ok","protecciones":["rlimits",...],"protecciones_no_aplicadas":[...]
func (h *Handler) appendHealthExtras(b []byte) []byte {
	disk := "ok"
	if h.cfg.Store.DiskFull() {
		disk = "lleno"
	}
	b = append(b, `,"disco":`...)
	b = proto.AppendJSONString(b, disk)
	if _, ok := h.cfg.Workers.(protector); !ok {
		return b
	}
	active, missing := h.protections()
	list := func(b []byte, name string, items []string) []byte {
		b = append(b, `,"`+name+`":[`...)
		for i, s := range items {
			if i > 0 {
				b = append(b, ',')
			}
			b = proto.AppendJSONString(b, s)
		}
		return append(b, ']')
	}
	b = list(b, "protecciones", active)
	if len(missing) > 0 {
		b = list(b, "protecciones_no_aplicadas", missing)
	}
	return b
}

// writeIsolationMetrics writes the disk and protection metrics.
func (h *Handler) writeIsolationMetrics(b *strings.Builder) {
	b.WriteString("# HELP procesa_disco_lleno_total Subidas y tareas rechazadas por falta de espacio en disco (507).\n")
	b.WriteString("# TYPE procesa_disco_lleno_total counter\n")
	fmt.Fprintf(b, "procesa_disco_lleno_total %d\n", h.cfg.Store.DiskFullCount())
	full := 0
	if h.cfg.Store.DiskFull() {
		full = 1
	}
	b.WriteString("# HELP procesa_disco_lleno 1 si el disco de datos se encontró lleno en el último minuto.\n")
	b.WriteString("# TYPE procesa_disco_lleno gauge\n")
	fmt.Fprintf(b, "procesa_disco_lleno %d\n", full)
	active, missing := h.protections()
	if len(active)+len(missing) == 0 {
		return
	}
	b.WriteString("# HELP procesa_proteccion_activa Protecciones de los procesos de trabajo: 1 activa, 0 no aplicada en este sistema.\n")
	b.WriteString("# TYPE procesa_proteccion_activa gauge\n")
	for _, name := range active {
		fmt.Fprintf(b, "procesa_proteccion_activa{proteccion=%q} 1\n", name)
	}
	for _, m := range missing {
		name, _, _ := strings.Cut(m, ":")
		fmt.Fprintf(b, "procesa_proteccion_activa{proteccion=%q} 0\n", name)
	}
}
