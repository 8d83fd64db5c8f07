package netio

import (
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
)

// TestActivatedNotOurs checks that socket activation variables meant for
// another process are ignored, and that Activated removes them either way.
func TestActivatedNotOurs(t *testing.T) {
	for _, env := range [][2]string{
		{"", ""},                             // not activated
		{"1", "1"},                           // for pid 1
		{strconv.Itoa(os.Getpid() + 1), "2"}, // for another pid
		{"", "1"},                            // no pid
		{strconv.Itoa(os.Getpid()), ""},      // no count
	} {
		t.Setenv(envListenPID, env[0])
		t.Setenv(envListenFDs, env[1])
		t.Setenv(envListenNames, "procesa")
		ls, err := Activated()
		if ls != nil || err != nil {
			t.Errorf("LISTEN_PID=%q LISTEN_FDS=%q: Activated() = %v, %v; want nil, nil", env[0], env[1], ls, err)
		}
		for _, v := range []string{envListenPID, envListenFDs, envListenNames} {
			if _, ok := os.LookupEnv(v); ok {
				t.Errorf("%s still set after Activated", v)
			}
		}
	}
}

// TestActivatedBadCount checks that a LISTEN_FDS for this process that is
// not a usable count is an error.
func TestActivatedBadCount(t *testing.T) {
	for _, n := range []string{"0", "-1", "tres", "99999"} {
		t.Setenv(envListenPID, strconv.Itoa(os.Getpid()))
		t.Setenv(envListenFDs, n)
		if ls, err := Activated(); err == nil {
			closeAll(ls)
			t.Errorf("LISTEN_FDS=%q: no error", n)
		}
	}
}

// TestFileListeners turns the descriptor of a listening socket into a
// listener that accepts, and refuses a descriptor that is not a socket.
func TestFileListeners(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := ListenerFile(l)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := FileListeners(dupFD(t, f), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(ls)
	if got, want := ls[0].Addr().String(), l.Addr().String(); got != want {
		t.Errorf("inherited listener on %s, want %s", got, want)
	}
	l.Close() // only the inherited one is left to accept
	go func() {
		if c, err := net.Dial("tcp", ls[0].Addr().String()); err == nil {
			c.Close()
		}
	}()
	c, err := ls[0].Accept()
	if err != nil {
		t.Fatalf("Accept on the inherited listener: %v", err)
	}
	c.Close()

	file, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if ls, err := FileListeners(dupFD(t, file), 1); err == nil {
		closeAll(ls)
		t.Errorf("FileListeners accepted %s", os.DevNull)
	}
}

// dupFD returns a duplicate of f's descriptor and closes f: FileListeners
// takes the descriptor over, as a process does with the ones it inherits.
func dupFD(t *testing.T, f *os.File) int {
	t.Helper()
	defer f.Close()
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	return fd
}
