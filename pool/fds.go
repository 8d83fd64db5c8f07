package pool

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// jobFiles is the number of descriptors that travel with a Job frame: the
// input, then the output.
const jobFiles = 2

// maxRights bounds the descriptors a worker takes from one read; room for
// more than jobFiles, so that a frame with too many is recognised and
// refused rather than cut silently. Descriptors beyond it are closed by the
// kernel (the read reports MSG_CTRUNC).
const maxRights = 8

// writeWithFiles writes b to c in one sendmsg carrying files as SCM_RIGHTS
// (attached to b's first byte), then the rest of b, should the socket take
// only part of it. The files stay open and owned by the caller.
func writeWithFiles(c *net.UnixConn, b []byte, files ...*os.File) error {
	fds := make([]int, 0, len(files))
	var conns []syscall.RawConn
	for _, f := range files {
		if f == nil {
			return errors.New("falta un archivo de la tarea")
		}
		rc, err := f.SyscallConn()
		if err != nil {
			return err
		}
		conns = append(conns, rc)
	}
	// Collect the descriptors inside Control, which keeps each one from
	// being closed meanwhile; the nesting keeps them all valid during the
	// sendmsg.
	var send func(i int) error
	send = func(i int) error {
		if i == len(conns) {
			n, _, err := c.WriteMsgUnix(b, unix.UnixRights(fds...), nil)
			if err != nil {
				return err
			}
			if n < len(b) {
				_, err = c.Write(b[n:])
			}
			return err
		}
		var err error
		cerr := conns[i].Control(func(fd uintptr) {
			fds = append(fds, int(fd))
			err = send(i + 1)
		})
		if cerr != nil {
			return cerr
		}
		return err
	}
	return send(0)
}

// rightsReader reads a Unix stream socket with recvmsg and keeps the
// descriptors that arrive with the bytes, so that frames can be read from it
// with proto.ReadFrame and their descriptors taken afterwards. It is used
// by one goroutine at a time.
type rightsReader struct {
	c   *net.UnixConn
	oob []byte
	// fds holds the descriptors received since the last take; the reader
	// owns them until then.
	fds []int
	// truncated is set when the kernel had to drop descriptors that did
	// not fit (it closes those itself).
	truncated bool
}

func newRightsReader(c *net.UnixConn) *rightsReader {
	return &rightsReader{c: c, oob: make([]byte, unix.CmsgSpace(maxRights*4))}
}

func (r *rightsReader) Read(p []byte) (int, error) {
	n, oobn, flags, _, err := r.c.ReadMsgUnix(p, r.oob)
	if flags&unix.MSG_CTRUNC != 0 {
		r.truncated = true
	}
	if oobn > 0 {
		r.collect(r.oob[:oobn])
	}
	if errors.Is(err, io.EOF) {
		err = io.EOF // unwrapped from its *net.OpError, as io.Reader requires
	}
	return n, err
}

// collect keeps the descriptors of every SCM_RIGHTS message in oob.
func (r *rightsReader) collect(oob []byte) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		r.truncated = true
		return
	}
	for i := range msgs {
		if msgs[i].Header.Level != unix.SOL_SOCKET || msgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		fds, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			r.truncated = true
			continue
		}
		r.fds = append(r.fds, fds...)
	}
}

// take returns the descriptors received since the last call as files, and
// whether they are exactly the want a frame may carry. When they are not,
// every one of them is closed and nil is returned: a worker keeps no
// descriptor it did not expect.
func (r *rightsReader) take(want int) ([]*os.File, error) {
	fds, truncated := r.fds, r.truncated
	r.fds, r.truncated = nil, false
	if truncated || len(fds) != want {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("la trama llegó con %d descriptores y se esperaban %d", len(fds), want)
	}
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		files[i] = os.NewFile(uintptr(fd), fmt.Sprintf("descriptor-%d", fd))
	}
	return files, nil
}
