package api

import (
	"context"
	"io"

	"procesa/netio"
	"procesa/tasks"
)

// ServeRaw serves a raw-mode connection (for netcat; docs/protocolo.md): the image arrives
// without HTTP, is processed at once with the server's defaults, and the
// result bytes go back; a failure is one line "ERROR <motivo>\n".
func (h *Handler) ServeRaw(ctx context.Context, body io.Reader, w io.Writer) {
	status := 500 // until it is known: a panic below counts as 500
	defer func() { h.metrics.request(routeRaw, status) }()
	fail := func(code int, msg string) {
		status = code
		io.WriteString(w, "ERROR "+msg+"\n")
	}
	src := &sourceReader{r: body}
	t, err := h.accept(src, src, h.cfg.Defaults, "", true)
	if err != nil {
		fail(netio.ReplyFor(err))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, syncWaitLimit)
	defer cancel()
	t, err = h.cfg.Store.Wait(ctx, t.ID)
	if err != nil || t.State != tasks.Done {
		if t.State == tasks.Failed {
			fail(t.ErrStatus, t.Error)
		} else {
			fail(errTimeout.Status, errTimeout.Msg)
		}
		return
	}
	f, _, err := h.cfg.Store.OpenResult(t.ID)
	if err != nil {
		fail(500, "el resultado ya no está disponible")
		return
	}
	defer f.Close()
	status = 200
	io.Copy(w, f)
}
