package client

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// batchDisplay shows a batch's progress on standard error and its results on
// standard output, for several images at a time. On a terminal it keeps at
// the bottom of the screen a block of lines, one per image under way, redrawn
// in place; what is said once (a saved result, a message, an error) is
// printed above the block, which is then drawn again below it. Otherwise every
// event is one plain line led by the image's path. Write errors are ignored.
// Safe for concurrent use.
type batchDisplay struct {
	out   io.Writer // standard output
	w     io.Writer // standard error
	tty   bool
	width int              // terminal columns; 0 means unknown (80 is assumed)
	now   func() time.Time // clock, replaceable in tests

	mu         sync.Mutex
	lines      []*batchLine // the images under way, in the order they started
	drawn      int          // lines of the block on screen
	lastDraw   time.Time
	labelWidth int // columns given to the image's path on a terminal
}

// maxLabel bounds the columns given to an image's path on a terminal.
const maxLabel = 28

// newBatchDisplay returns a display writing results to stdout and progress to
// stderr, redrawing lines when stderr is a terminal that can (see redrawable).
func newBatchDisplay(stdout, stderr io.Writer) *batchDisplay {
	tty, width := redrawable(stderr)
	return &batchDisplay{out: stdout, w: stderr, tty: tty, width: width, now: time.Now}
}

// setLabels makes room for the paths of items on the terminal's lines from
// the start, so that the column does not move as images start.
func (d *batchDisplay) setLabels(items []*batchItem) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, it := range items {
		d.labelWidth = max(d.labelWidth, min(utf8.RuneCountInString(it.path), maxLabel))
	}
}

// add returns the line of an image that starts being processed.
func (d *batchDisplay) add(label string) *batchLine {
	d.mu.Lock()
	defer d.mu.Unlock()
	l := &batchLine{d: d, label: label, text: "En espera"}
	d.lines = append(d.lines, l)
	d.labelWidth = max(d.labelWidth, min(utf8.RuneCountInString(label), maxLabel))
	d.redrawLocked()
	return l
}

// remove takes away the line of an image that has been processed or failed.
func (d *batchDisplay) remove(l *batchLine) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, x := range d.lines {
		if x == l {
			d.lines = append(d.lines[:i], d.lines[i+1:]...)
			break
		}
	}
	d.redrawLocked()
}

// message prints msg, which may have several lines, on standard error.
func (d *batchDisplay) message(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.printLocked(d.w, msg)
}

// printLocked prints text on w (standard output or error), above the block.
// d.mu must be held.
func (d *batchDisplay) printLocked(w io.Writer, text string) {
	if !d.tty {
		fmt.Fprintln(w, text)
		return
	}
	d.clearLocked()
	fmt.Fprintln(w, text)
	d.redrawLocked()
}

// clearLocked erases the block from the screen. d.mu must be held.
func (d *batchDisplay) clearLocked() {
	if d.drawn > 0 {
		fmt.Fprintf(d.w, "\x1b[%dA\r\x1b[J", d.drawn)
		d.drawn = 0
	}
}

// redrawLocked draws the block again, one line per image under way, each cut
// to the terminal's width so that none wraps. d.mu must be held.
func (d *batchDisplay) redrawLocked() {
	if !d.tty {
		return
	}
	var b strings.Builder
	if d.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", d.drawn)
	}
	b.WriteString("\r\x1b[J")
	cols := d.cols()
	shown := d.lines
	if len(shown) > maxBlock {
		shown = shown[:maxBlock-1]
	}
	for _, l := range shown {
		line := fmt.Sprintf("%-*s %s", d.labelWidth, clipName(l.label, d.labelWidth), l.text)
		if r := []rune(line); len(r) > cols-1 {
			line = string(r[:cols-1])
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	d.drawn = len(shown)
	if more := len(d.lines) - len(shown); more > 0 {
		fmt.Fprintf(&b, "... y %s en curso\n", count(more, "imagen más", "imágenes más"))
		d.drawn++
	}
	io.WriteString(d.w, b.String())
	d.lastDraw = d.now()
}

// maxBlock bounds the lines of the block, so that it fits on the screen (and
// can be moved over) even with many images at a time: beyond it, the last
// line counts the images not shown.
const maxBlock = 12

// cols returns the terminal's width, 80 when unknown.
func (d *batchDisplay) cols() int {
	if d.width <= 0 {
		return 80
	}
	return d.width
}

// batchLine is the progress of one image of a batch: its line in the block on
// a terminal, lines led by its path otherwise. It is the session's progress
// and, written to, its standard output. Its fields are guarded by d.mu.
type batchLine struct {
	d     *batchDisplay
	label string // the image's path
	text  string // what its line shows after the path

	total, sent int64 // the upload: the file's size and the bytes sent
	complete    bool  // the whole file has been sent and reported
	state       string
	spin        int
}

func (l *batchLine) startUpload(name string, total int64) {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	l.total, l.sent, l.complete = total, 0, false
	if !d.tty {
		fmt.Fprintf(d.w, "%s: Subiendo (%s)...\n", l.label, humanBytes(total))
		return
	}
	l.drawBarLocked()
}

func (l *batchLine) uploaded(sent int64) {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	l.sent = sent
	if sent >= l.total {
		l.completedLocked()
		return
	}
	if d.tty && d.now().Sub(d.lastDraw) >= minRedraw {
		l.drawBarLocked()
	}
}

func (l *batchLine) endUpload() {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if l.sent >= l.total {
		l.completedLocked()
	}
}

// completedLocked reports the whole file sent, once.
func (l *batchLine) completedLocked() {
	if l.complete {
		return
	}
	l.complete = true
	if !l.d.tty {
		fmt.Fprintf(l.d.w, "%s: Subida completa.\n", l.label)
		return
	}
	l.drawBarLocked()
}

func (l *batchLine) drawBarLocked() {
	l.text = barLine("", l.sent, l.total, l.d.cols()-l.d.labelWidth-1)
	l.d.redrawLocked()
}

// status shows the task's state: on a terminal in the image's line, redrawn
// at most every minRedraw unless the state changed; otherwise a line when the
// state changes.
func (l *batchLine) status(state string, elapsed time.Duration) {
	d := l.d
	d.mu.Lock()
	defer d.mu.Unlock()
	changed := state != l.state
	l.state = state
	if !d.tty {
		if changed {
			fmt.Fprintf(d.w, "%s: Estado: %s\n", l.label, state)
		}
		return
	}
	l.spin = (l.spin + 1) % len(spinner)
	l.text = fmt.Sprintf("%s Estado: %s (%s)", spinner[l.spin], state, seconds(elapsed))
	if changed || d.now().Sub(d.lastDraw) >= minRedraw {
		d.redrawLocked()
	}
}

// message prints msg, led by the image's path, on standard error.
func (l *batchLine) message(msg string) {
	l.d.mu.Lock()
	defer l.d.mu.Unlock()
	l.d.printLocked(l.d.w, l.label+": "+msg)
}

// endLine does nothing: the image keeps its line until it is removed.
func (l *batchLine) endLine() {}

// Write prints the lines of p, each led by the image's path, on standard
// output. The session writes whole lines.
func (l *batchLine) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	defer l.d.mu.Unlock()
	for line := range strings.SplitSeq(strings.TrimSuffix(string(p), "\n"), "\n") {
		l.d.printLocked(l.d.out, l.label+": "+line)
	}
	return len(p), nil
}
