package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"procesa/proto"
)

// batch is one run of the client over several images: each is processed by a
// session of its own, at most parallel at a time, and the run ends with a
// summary.
type batch struct {
	opts     Options
	stdin    io.Reader
	stdout   io.Writer
	disp     *batchDisplay
	items    []*batchItem
	parallel int
}

// batchItem is one image of a batch and what became of it.
type batchItem struct {
	path       string // as given, or as found in a directory given
	resultName string // its result's file name, without the extension

	// Set when it has been processed or has failed (not when interrupted):
	done   bool
	err    error  // why it failed; nil if processed
	taskID string // the server's task, once accepted
}

// batchOf reports whether opts asks for a batch, several images or one
// directory, and returns the images and directories given.
func batchOf(opts Options) ([]string, bool) {
	if len(opts.Images) > 0 {
		return opts.Images, true
	}
	if opts.Image != "" {
		if fi, err := os.Stat(opts.Image); err == nil && fi.IsDir() {
			return []string{opts.Image}, true
		}
	}
	return nil, false
}

// runBatch is mainContext for a batch: opts.Images holds the images and
// directories given. It returns the exit status: 0 when every image was
// processed, 1 when any failed (or nothing could start), 2 for an -o that is
// not a directory, 128 plus the signal's number when interrupted.
func runBatch(ctx context.Context, opts Options, stdin io.Reader, stdout, stderr io.Writer) int {
	if err := checkBatchOutput(opts.Output); err != nil {
		return usageError(stderr, err)
	}
	b := &batch{opts: opts, stdin: stdin, stdout: stdout, disp: newBatchDisplay(stdout, stderr)}
	if err := b.prepare(ctx); err != nil {
		if ctx.Err() != nil {
			b.disp.message("procesa cliente: interrumpido; no se procesó ninguna imagen")
			return interruptedStatus(ctx)
		}
		b.disp.message("procesa cliente: " + describe(err))
		return exitFailure
	}
	b.processAll(ctx)
	return b.summarize(ctx)
}

// checkBatchOutput refuses an -o that is not an existing directory: the
// results of several images cannot share one file name.
func checkBatchOutput(output string) error {
	if output == "" {
		return nil
	}
	fi, err := os.Stat(output)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("-o %q: con varias imágenes, -o debe ser un directorio existente, y «%s» no existe", output, output)
	case err != nil:
		return fmt.Errorf("-o %q: con varias imágenes, -o debe ser un directorio existente: %s", output, describe(err))
	default:
		return fmt.Errorf("-o %q: con varias imágenes, -o debe ser un directorio existente, y «%s» no es un directorio", output, output)
	}
}

// prepare does what comes before the first upload: it finds the images,
// checks that the results can be saved, asks for the server if the flags did
// not say it, and decides how many images go at a time.
func (b *batch) prepare(ctx context.Context) error {
	items, empty := listImages(b.opts.Images, b.opts.Recursive)
	for _, dir := range empty {
		b.disp.message(fmt.Sprintf("%s: no hay imágenes en este directorio", dir))
	}
	if len(items) == 0 {
		return errors.New("no se encontró ninguna imagen que procesar")
	}
	b.items = items
	b.disp.setLabels(items)
	if err := checkOutput(b.opts.Output, ""); err != nil {
		return err
	}
	if err := askServer(ctx, &b.opts, newPrompter(b.stdin, b.stdout, b.disp.w)); err != nil {
		return err
	}
	workers, err := serverWorkers(ctx, b.opts.Host, b.opts.Port)
	if err != nil {
		return err
	}
	b.parallel = b.opts.Parallel
	if b.parallel == 0 {
		b.parallel = workers
	}
	if b.parallel == 0 {
		b.parallel = 1
		b.disp.message("el servidor no informó en /salud cuántos procesos de trabajo tiene; se procesa una imagen a la vez")
	}
	b.parallel = min(b.parallel, len(items))
	b.disp.message(fmt.Sprintf("Procesando %s, %d a la vez.", count(len(items), "imagen", "imágenes"), b.parallel))
	return nil
}

// serverWorkers asks the server how many worker processes it runs, with GET
// /salud. It returns 0 when the answer does not say (not a procesa server, or
// no workers up), and an error only when the server cannot be reached.
func serverWorkers(ctx context.Context, host string, port int) (int, error) {
	s := &session{c: newConn(host, port)}
	defer s.c.close()
	head, body, err := s.c.get(ctx, "/salud", proto.Header{
		{Name: "User-Agent", Value: "procesa-cliente"}, {Name: "Accept", Value: "application/json"}})
	if err != nil {
		return 0, err
	}
	var health struct {
		Workers int `json:"procesos"`
	}
	if head.Status != 200 || s.readJSON(body, &health) != nil {
		return 0, nil
	}
	return max(health.Workers, 0), nil
}

// processAll processes the items, b.parallel at a time, in order. Once ctx is
// done no other item starts, and the ones under way stop.
func (b *batch) processAll(ctx context.Context) {
	next := make(chan *batchItem)
	var wg sync.WaitGroup
	for range b.parallel {
		wg.Go(func() {
			for it := range next {
				b.process(ctx, it)
			}
		})
	}
feed:
	for _, it := range b.items {
		if it.done { // failed while being listed
			b.disp.message(it.path + ": falló: " + describe(it.err))
			continue
		}
		select {
		case next <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
}

// process runs the session of one image, with a line of its own on the
// display.
func (b *batch) process(ctx context.Context, it *batchItem) {
	if ctx.Err() != nil {
		return
	}
	line := b.disp.add(it.path)
	defer b.disp.remove(line)
	opts := b.opts
	opts.Image, opts.Images = it.path, nil
	s := &session{opts: opts, stdout: line, disp: line, resultName: it.resultName}
	err := s.run(ctx)
	it.taskID = s.taskID
	if err != nil && ctx.Err() != nil {
		return // interrupted: neither processed nor failed
	}
	it.done, it.err = true, err
	if err != nil {
		line.message("falló: " + describe(err))
	}
}

// summarize prints how many images were processed and which failed and why,
// and returns the exit status.
func (b *batch) summarize(ctx context.Context) int {
	var processed int
	var failed, unfinished []*batchItem
	for _, it := range b.items {
		switch {
		case it.done && it.err == nil:
			processed++
		case it.done:
			failed = append(failed, it)
		default:
			unfinished = append(unfinished, it)
		}
	}
	msg := fmt.Sprintf("Resumen: %s de %d", count(processed, "imagen procesada", "imágenes procesadas"), len(b.items))
	if len(failed) > 0 {
		msg += fmt.Sprintf("; %s:", count(len(failed), "falló", "fallaron"))
	} else {
		msg += "."
	}
	for _, it := range failed {
		msg += "\n  " + it.path + ": " + describe(it.err)
	}
	b.disp.message(msg)
	if ctx.Err() != nil {
		msg := fmt.Sprintf("procesa cliente: interrumpido; %s sin terminar, sin ningún resultado a medio escribir",
			count(len(unfinished), "imagen", "imágenes"))
		for _, it := range unfinished {
			if it.taskID != "" {
				msg += fmt.Sprintf("\n  %s: la tarea %s sigue en el servidor", it.path, it.taskID)
			}
		}
		b.disp.message(msg)
		return interruptedStatus(ctx)
	}
	if len(failed) > 0 {
		return exitFailure
	}
	return exitOK
}

// count writes n with the singular or the plural noun: "1 imagen", "3
// imágenes"; for a verb, "1 falló", "2 fallaron".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
