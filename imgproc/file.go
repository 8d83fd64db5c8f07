package imgproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"syscall"

	"procesa/imgproc/internal/bufpool"
)

// Failures of ProcessFile that are the server's fault, not the image's
// (KindIO, 500).
var (
	errReadInput = &Error{Kind: KindIO, Msg: "no se pudo leer la imagen subida"}
	errWrite     = &Error{Kind: KindIO, Msg: "no se pudo escribir la imagen resultante"}
	errNoSpace   = &Error{Kind: KindNoSpace, Msg: "el servidor no tiene espacio en disco para la imagen resultante"}
	errInternal  = &Error{Kind: KindIO, Msg: "error interno al procesar la imagen"}
)

// ioError returns a copy of e carrying cause, for the log.
func ioError(e *Error, cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// ProcessFile processes the image read from in with opts and writes the
// result to out. It is what a worker process does for one job, on the two
// files the server hands it as descriptors: it opens nothing itself.
//
// in is read at offsets (pread), never moving its offset, which the worker
// shares with the server; out is written from its offset, normally the start
// of an empty file. Neither is synced nor closed: both belong to the caller,
// and the server syncs and renames the output once the worker has answered.
//
// On failure out may hold part of a result, which the caller discards, and
// the error is an *Error: the image's fault (400, 413, 415, 422) or, as
// KindIO (500), a file that could not be read or written or a panic in the
// pipeline, whose cause is in Error.Err.
func ProcessFile(in, out *os.File, opts Options) (info Info, size int64, err error) {
	src, file, err := openInput(in)
	if err != nil {
		return Info{}, 0, ioError(errReadInput, err)
	}
	defer func() {
		if v := recover(); v != nil {
			err = ioError(errInternal, fmt.Errorf("pánico: %v\n%s", v, debug.Stack()))
		}
	}()

	cw := &countingWriter{w: out}
	bw := bufio.NewWriterSize(cw, 64<<10)
	info, err = processInput(src, bw, opts)
	if err == nil {
		err = bw.Flush()
	}
	if cw.err != nil {
		if errors.Is(cw.err, syscall.ENOSPC) || errors.Is(cw.err, syscall.EDQUOT) {
			return Info{}, 0, ioError(errNoSpace, cw.err)
		}
		return Info{}, 0, ioError(errWrite, cw.err)
	}
	if rerr := file.err(); rerr != nil {
		return Info{}, 0, ioError(errReadInput, rerr)
	}
	if err != nil {
		if _, ok := err.(*Error); ok {
			return Info{}, 0, err
		}
		return Info{}, 0, ioError(errInternal, err)
	}
	return info, cw.n, nil
}

// Inputs from fileDirect bytes on that are JPEG streams whose headers fit in
// their first jpegHeadMax bytes are decoded straight from their file.
const (
	fileDirect  = 1 << 20
	jpegHeadMax = 256 << 10
)

// openInput reads the image in f. A large JPEG is left in its file, of
// which only the headers are read: the decoder reads the rest as it needs
// it, and never holds the whole of a progressive one (the file is then
// returned too). Anything else is read whole. f is read at offsets only and
// stays open.
func openInput(f *os.File) (input, *inputFile, error) {
	st, err := f.Stat()
	if err != nil {
		return input{}, nil, err
	}
	size := st.Size()
	if !st.Mode().IsRegular() {
		b, err := io.ReadAll(f)
		return input{data: b}, nil, err
	}
	if size >= fileDirect {
		head := make([]byte, min(size, jpegHeadMax))
		if _, err := f.ReadAt(head, 0); err != nil {
			return input{}, nil, err
		}
		if n := jpegHeadersEnd(head); n > 0 {
			file := &inputFile{f: f}
			return input{data: head[:n:n], file: file, size: size}, file, nil
		}
	}
	b := make([]byte, size) // the whole file, in a buffer of its size
	if _, err := f.ReadAt(b, 0); err != nil {
		return input{}, nil, err
	}
	return input{data: b}, nil, nil
}

// inputFile reads an input file at offsets, from any goroutine, and keeps
// the first error other than io.EOF: the pipeline would report it as a
// damaged image, the worker as a failure to read the upload.
type inputFile struct {
	f     *os.File
	mu    sync.Mutex
	first error
}

func (r *inputFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.f.ReadAt(p, off)
	if err != nil && err != io.EOF {
		r.mu.Lock()
		if r.first == nil {
			r.first = err
		}
		r.mu.Unlock()
	}
	return n, err
}

// err returns the first read error; r may be nil.
func (r *inputFile) err() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.first
}

// countingWriter counts the bytes written to w and keeps w's first error,
// which Process would otherwise report as an encoding error.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// ReleaseMemory drops the big buffers kept for the next job (see
// ProcessFile) and returns the process's free memory to the system. A
// worker calls it once it has been idle for a while.
func ReleaseMemory() {
	bufpool.Drop()
	debug.FreeOSMemory()
}

// KeepAtMost bounds the memory that the big buffers of finished jobs keep
// for the next one (96 MiB unless told less). A worker with a memory limit
// gives an eighth of it, so that those buffers never take from a job the
// memory it needs.
func KeepAtMost(bytes int64) {
	bufpool.SetBudget(int(min(bytes, 1<<30)))
}
