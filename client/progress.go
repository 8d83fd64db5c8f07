package client

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// progress is what a session shows of its work while it runs: display for one
// image, batchLine for each image of a batch.
type progress interface {
	// startUpload announces the upload of a file of total bytes.
	startUpload(name string, total int64)
	// uploaded reports that sent bytes of the file have been written.
	uploaded(sent int64)
	// endUpload ends the upload's display once the server has answered.
	endUpload()
	// status shows the task's state, elapsed after the upload.
	status(state string, elapsed time.Duration)
	// message prints msg on a line of its own.
	message(msg string)
	// endLine ends the line being redrawn, if any.
	endLine()
}

// display shows the client's progress on standard error. On a terminal it
// redraws one line with carriage returns (an upload progress bar, then a status
// line with a spinner); otherwise it prints one plain line per event, which reads
// well in logs and pipes. Write errors are ignored: progress is never worth
// failing for. Not safe for concurrent use.
type display struct {
	w     io.Writer
	tty   bool
	width int              // terminal columns; 0 means unknown (80 is assumed)
	now   func() time.Time // clock, replaceable in tests

	name     string // file being uploaded
	total    int64  // its size
	sent     int64  // bytes of it sent so far
	complete bool   // the whole file has been sent and reported
	lastDraw time.Time

	state    string // last status shown
	spin     int    // spinner frame
	lineOpen bool   // a redrawable line is on screen, not yet ended
}

// minRedraw is the shortest interval between two redraws of the progress bar.
const minRedraw = 100 * time.Millisecond

// newDisplay returns a display writing to w. It redraws lines only when w is a
// terminal that understands control sequences: TERM=dumb (Emacs shell buffers
// and the like) gets plain lines.
func newDisplay(w io.Writer) *display {
	tty, width := redrawable(w)
	return &display{w: w, tty: tty, width: width, now: time.Now}
}

// redrawable reports whether w is a terminal where lines can be redrawn (one
// that understands control sequences: not TERM=dumb), and its width in
// columns (0 when unknown or not a terminal).
func redrawable(w io.Writer) (tty bool, width int) {
	if !isTerminal(w) || os.Getenv("TERM") == "dumb" {
		return false, 0
	}
	return true, terminalWidth(w)
}

// startUpload announces the upload of a file of total bytes.
func (d *display) startUpload(name string, total int64) {
	d.name, d.total, d.sent, d.complete = name, total, 0, false
	if !d.tty {
		fmt.Fprintf(d.w, "Subiendo %s (%s)...\n", name, humanBytes(total))
		return
	}
	d.drawBar(0)
}

// uploaded reports that sent bytes of the file have been written; on a terminal
// the bar is redrawn at most every minRedraw. When the whole file is sent the
// upload is reported complete at once.
func (d *display) uploaded(sent int64) {
	d.sent = sent
	if sent >= d.total {
		d.completed()
		return
	}
	if d.tty && d.now().Sub(d.lastDraw) >= minRedraw {
		d.drawBar(sent)
	}
}

// completed reports the whole file sent, once.
func (d *display) completed() {
	if d.complete {
		return
	}
	d.complete = true
	if !d.tty {
		fmt.Fprintln(d.w, "Subida completa.")
		return
	}
	d.drawBar(d.total)
	d.endLine()
}

// endUpload ends the upload's display once the server has answered. An upload
// the server cut short (it answered before the whole file was sent) is not
// reported as complete.
func (d *display) endUpload() {
	if d.sent >= d.total {
		d.completed()
	}
	d.endLine()
}

func (d *display) drawBar(sent int64) {
	d.lastDraw = d.now()
	io.WriteString(d.w, "\r\x1b[K"+barLine("Subiendo "+clipName(d.name, 24)+" ", sent, d.total, d.width))
	d.lineOpen = true
}

// clipName shortens name to its last n characters, marked with "...".
func clipName(name string, n int) string {
	if utf8.RuneCountInString(name) > n {
		r := []rune(name)
		name = "..." + string(r[len(r)-(n-3):])
	}
	return name
}

// barLine returns a progress bar line for sent of total bytes, led by head,
// that fits in a terminal of cols columns (80 if zero or less): head, the bar
// itself if at least 5 columns are left for it (at most 40), the percentage
// and the sizes.
func barLine(head string, sent, total int64, cols int) string {
	pct := 100
	if total > 0 {
		pct = int(sent * 100 / total)
	}
	tail := fmt.Sprintf(" %3d%% %9s / %s", pct, humanBytes(sent), humanBytes(total))
	if cols <= 0 {
		cols = 80
	}
	bar := cols - 1 - utf8.RuneCountInString(head) - len(tail) - 2
	if bar > 40 {
		bar = 40
	}
	var b strings.Builder
	b.WriteString(head)
	if bar >= 5 {
		full := bar * pct / 100
		b.WriteByte('[')
		b.WriteString(strings.Repeat("=", full))
		if full < bar {
			b.WriteByte('>')
			b.WriteString(strings.Repeat(" ", bar-full-1))
		}
		b.WriteByte(']')
	}
	b.WriteString(tail)
	return b.String()
}

var spinner = [...]string{"|", "/", "-", "\\"}

// status shows the task's state, elapsed after the upload. On a terminal the
// line is redrawn at every call; otherwise a line is printed when the state
// changes.
func (d *display) status(state string, elapsed time.Duration) {
	if !d.tty {
		if state != d.state {
			fmt.Fprintf(d.w, "Estado: %s\n", state)
		}
		d.state = state
		return
	}
	d.state = state
	d.spin = (d.spin + 1) % len(spinner)
	fmt.Fprintf(d.w, "\r\x1b[K%s Estado: %s (%s)", spinner[d.spin], state, seconds(elapsed))
	d.lineOpen = true
}

// message ends any redrawable line and prints msg on a line of its own.
func (d *display) message(msg string) {
	d.endLine()
	fmt.Fprintln(d.w, msg)
}

// endLine ends the redrawable line, if one is on screen.
func (d *display) endLine() {
	if d.lineOpen {
		io.WriteString(d.w, "\n")
		d.lineOpen = false
	}
}

// humanBytes formats n bytes for people, with binary units and a decimal comma:
// "512 B", "1,5 KiB", "32,0 MiB".
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	unit := "KiB"
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		unit = u
		if v < 1024 {
			break
		}
	}
	return strings.Replace(fmt.Sprintf("%.1f %s", v, unit), ".", ",", 1)
}

// seconds formats d as seconds with one decimal and a decimal comma: "2,5 s".
func seconds(d time.Duration) string {
	return strings.Replace(fmt.Sprintf("%.1f s", d.Seconds()), ".", ",", 1)
}
