package e2e

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"procesa/proto"
)

// TestTraza runs the server with --traza, uploads an image over a raw
// socket with "Expect: 100-continue" and "Connection: close", and checks
// that stderr tells the story of that upload, in the order it happened:
// the listening socket, the worker started and its hello, the accept, the
// request line, the 100 Continue, the body, the fsync and renames that make
// the upload durable, the 202 status line, the lingering close; then the
// job frame to the worker (its hex header agreeing with its JSON), the
// worker's result, and at SIGTERM the stop and the worker's exit.
func TestTraza(t *testing.T) {
	args := []string{"--traza"}
	dual := canListenIPv6()
	if dual {
		args = append(args, "-i", "::") // IPv4 clients then arrive IPv4-mapped
	}
	s, img, id, local := uploadAndStop(t, args...)
	lines := strings.Split(s.errs.String(), "\n")

	port := strconv.Itoa(s.port)
	listen := `^\[escucha 127\.0\.0\.1:` + port + `\] socket\(AF_INET, SOCK_STREAM\), bind\(\), listen\(\)$`
	accept := `, socket AF_INET$`
	if dual {
		listen = `^\[escucha \[::\]:` + port + `\] socket\(AF_INET6, SOCK_STREAM\), bind\(\), listen\(\); IPV6_V6ONLY=0: doble pila`
		accept = `, socket AF_INET6 de doble pila: el cliente es IPv4 .* IPv4 mapeada ::ffff:127\.0\.0\.1$`
	}
	c := `^\[c\d+ ` + regexp.QuoteMeta(local) + `\] `
	size := strconv.Itoa(len(img))
	ver := fmt.Sprintf("%02x", proto.FrameVersion) // byte 4 of every frame
	m := inOrder(t, lines, 0,
		listen,
		`^\[w pid (\d+)\] iniciado: fork\+exec de \S+ con PROCESA_WORKER=1 en el entorno; hereda fd 3 `,
		`^\[w pid \d+\] <- trama hello: 50 52 43 57 \| `+ver+` \| 01 \| 00 00 \| [0-9a-f ]{11}  \{"version":\d+,"pid":\d+\}$`,
		c+`accept\(\): cliente `+regexp.QuoteMeta(local)+` en 127\.0\.0\.1:`+port+accept,
		c+`solicitud: "POST /procesar HTTP/1\.1", 5 campos de cabecera, cuerpo de `+size+` bytes \(Content-Length\), pide Expect: 100-continue$`,
		c+`enviado "HTTP/1\.1 100 Continue"`,
		c+`cuerpo leído entero: `+size+` bytes$`,
		`^\[datos\] fsync tmp/`+id+`$`,
		`^\[datos\] rename tmp/`+id+` -> entradas/`+id+`$`,
		`^\[datos\] fsync del directorio entradas/`,
		c+`respuesta: "HTTP/1\.1 202 Accepted"$`,
		c+`cierre con linger: shutdown\(SHUT_WR\)`,
	)
	pid := m[1][1]
	if !strings.Contains(m[2][0], "[w pid "+pid+"]") {
		t.Errorf("el saludo no es del proceso iniciado (pid %s): %q", pid, m[2][0])
	}
	w := `^\[w pid ` + pid + `\] `

	// The job may reach the worker before or after the 202 goes out, but
	// only once the upload is durable.
	rename := lineIndex(lines, `^\[datos\] rename tmp/`+id+` -> entradas/`)
	m = inOrder(t, lines, rename,
		w+`-> trama job: 50 52 43 57 \| `+ver+` \| 02 \| 00 00 \| ([0-9a-f ]{11})  (\{.*\})$`,
		w+`<- trama result: 50 52 43 57 \| `+ver+` \| 03 \| 00 00 \| ([0-9a-f ]{11})  (\{.*\})$`,
		`^\[datos\] rename tmp/resultado-\S+ -> resultados/`+id+`\.jpg$`,
		`^\[servidor\] parada pedida`,
		w+`terminó con código de salida 0$`,
	)
	for _, f := range m[:2] {
		checkFrame(t, f[0], f[1], f[2], id)
	}

	// Another client, shown as it comes: GET with no body, kept alive.
	if lineIndex(lines, `^\[c\d+ [^]]+\] keep-alive: la conexión sigue abierta`) < 0 {
		t.Errorf("ninguna línea de keep-alive (waitDone usa conexiones persistentes):\n%s", s.errs)
	}
}

// TestTrazaOff checks that without --traza the same upload prints no
// trace line at all, while the ordinary log is there.
func TestTrazaOff(t *testing.T) {
	s, _, _, _ := uploadAndStop(t)
	errs := s.errs.String()
	if !strings.Contains(errs, "tarea aceptada") {
		t.Fatalf("falta el registro ordinario en stderr:\n%s", errs)
	}
	traceLine := regexp.MustCompile(`(?m)^\[(c\d+ |w pid |escucha |datos\]|servidor\])`)
	if l := traceLine.FindString(errs); l != "" {
		t.Errorf("sin --traza apareció una línea de traza (%q):\n%s", l, errs)
	}
}

// uploadAndStop starts procesa with args, uploads a photo with
// uploadExpectContinue, waits for its task to finish and stops the server.
// It returns the stopped server, the image, the task id and the client's
// address.
func uploadAndStop(t *testing.T, args ...string) (s *server, img []byte, id, local string) {
	t.Helper()
	s = startServer(t, args...)
	img, err := os.ReadFile(photo(t))
	if err != nil {
		t.Fatal(err)
	}
	id, local = uploadExpectContinue(t, s.hostPort(), img)
	waitDone(t, s.base(), id)
	s.stop()
	return s, img, id, local
}

// uploadExpectContinue uploads img over a raw socket as curl does with a
// large body: the head with "Expect: 100-continue", and the body only after
// the server's "100 Continue". The request asks to close the connection.
// It returns the task id of the 202 and the client's own address.
func uploadExpectContinue(t *testing.T, addr string, img []byte) (id, local string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	head := fmt.Sprintf("POST /procesar HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", addr, len(img))
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	if interim := readHead(t, br); len(interim) != 1 || interim[0] != "HTTP/1.1 100 Continue" {
		t.Fatalf("antes del cuerpo se esperaba solo \"HTTP/1.1 100 Continue\", llegó %q", interim)
	}
	if _, err := conn.Write(img); err != nil {
		t.Fatal(err)
	}
	final := readHead(t, br)
	if len(final) == 0 || final[0] != "HTTP/1.1 202 Accepted" {
		t.Fatalf("subida: %q, se esperaba 202", final)
	}
	n, err := strconv.Atoi(headerValue(final, "Content-Length"))
	if err != nil {
		t.Fatalf("Content-Length ilegible en %q", final)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	var a accepted
	if err := json.Unmarshal(body, &a); err != nil || !uuidRE.MatchString(a.ID) {
		t.Fatalf("respuesta 202 ilegible %q: %v", body, err)
	}
	if _, err := br.ReadByte(); err == nil {
		t.Error("con Connection: close el servidor debía cerrar tras la respuesta")
	}
	return a.ID, conn.LocalAddr().String()
}

// inOrder finds, from lines[from:] on, a line matching each pattern in
// turn, each after the previous one, and returns their submatches. It
// fails the test at the first pattern it cannot find.
func inOrder(t *testing.T, lines []string, from int, patterns ...string) [][]string {
	t.Helper()
	var found [][]string
	i := from
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		for ; i < len(lines); i++ {
			if m := re.FindStringSubmatch(lines[i]); m != nil {
				found = append(found, m)
				break
			}
		}
		if i == len(lines) {
			t.Fatalf("falta, en su orden, una línea que cumpla %q; la traza:\n%s", p, strings.Join(lines, "\n"))
		}
		i++
	}
	return found
}

// lineIndex returns the index of the first line matching pattern, or -1.
func lineIndex(lines []string, pattern string) int {
	re := regexp.MustCompile(pattern)
	for i, l := range lines {
		if re.MatchString(l) {
			return i
		}
	}
	return -1
}

// checkFrame checks a traced frame: the length in its header (hexLen, four
// bytes in hex) is the size of its JSON payload, which names the task id.
func checkFrame(t *testing.T, line, hexLen, payload, id string) {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(hexLen, " ", ""))
	if err != nil || len(b) != 4 {
		t.Fatalf("longitud ilegible %q en %q", hexLen, line)
	}
	if n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3]); n != len(payload) {
		t.Errorf("la cabecera dice %d bytes y el JSON tiene %d: %q", n, len(payload), line)
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(payload), &v); err != nil || v.ID != id {
		t.Errorf("la trama no es JSON de la tarea %s (%v): %q", id, err, line)
	}
}

// canListenIPv6 reports whether this host can listen on IPv6.
func canListenIPv6() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// TestTrazaFlag checks that -h lists --traza, a flag without a value, with
// its default, and that a value other than true or false is refused in one
// Spanish line with status 2.
func TestTrazaFlag(t *testing.T) {
	t.Parallel()
	out, _, code := runProcesa(t, "-h")
	if code != 0 || !regexp.MustCompile(`(?m)^  --traza\n        .*sockets y procesos \(por defecto: no\)$`).MatchString(out) {
		t.Errorf("la ayuda (estado %d) no lista --traza sin valor y con su valor por defecto:\n%s", code, out)
	}
	_, errOut, code := runProcesa(t, "--traza=quizas")
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--traza") {
		t.Errorf("procesa --traza=quizas: estado %d, stderr %q; se esperaba una línea que nombre --traza y estado 2", code, errOut)
	}
}

// TestTrazaUpgrade upgrades a server run with --traza by SIGHUP and checks
// that the old process traces the new one it starts with the listening
// socket among the descriptors it passes, and that the new process traces
// that socket as inherited, not opened.
func TestTrazaUpgrade(t *testing.T) {
	u := startUpgradable(t, "--traza", "-w", "1")
	_, port, err := net.SplitHostPort(strings.TrimPrefix(u.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	pid := u.upgrade(1)
	u.stop()
	addr := regexp.QuoteMeta("127.0.0.1:" + port)
	inOrder(t, strings.Split(u.logs(), "\n"), 0,
		`^\[escucha `+addr+`\] socket\(AF_INET, SOCK_STREAM\), bind\(\), listen\(\)$`,
		`^\[servidor\] SIGHUP: fork\+exec de \S+ como servidor nuevo, pid `+strconv.Itoa(pid)+`; hereda fd 3 \(tcp4?:`+addr+`->\); hereda fd 4 `,
		`^\[escucha `+addr+`\] heredado como fd 3, ya en escucha \(sin socket\(\), bind\(\) ni listen\(\) aquí\): AF_INET$`,
	)
}
