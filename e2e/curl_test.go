package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// curl runs curl with args and returns the body it wrote to stdout, the
// status from -w and curl's stderr. Every call adds -sS and a time limit.
func curl(t *testing.T, stdin io.Reader, args ...string) (body []byte, status int, stderr string) {
	t.Helper()
	bin := needTool(t, "curl")
	dir := t.TempDir()
	bodyPath := filepath.Join(dir, "cuerpo")
	all := append([]string{"-sS", "--max-time", "60", "-o", bodyPath, "-w", "%{http_code}"}, args...)
	out, errOut, code := runCmd(t, stdin, bin, all...)
	if code != 0 {
		t.Fatalf("curl %q: salió con %d: %s", args, code, errOut)
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("curl %q: -w dio %q", args, out)
	}
	body, err = os.ReadFile(bodyPath)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return body, status, string(errOut)
}

// curlAccepted runs curl and checks its answer is a proper 202 with a
// Location; it returns the task id.
func curlAccepted(t *testing.T, stdin io.Reader, args ...string) string {
	t.Helper()
	headers := filepath.Join(t.TempDir(), "cabeceras")
	body, status, _ := curl(t, stdin, append([]string{"-D", headers}, args...)...)
	if status != 202 {
		t.Fatalf("curl %q: %d %q, se esperaba 202", args, status, body)
	}
	var a accepted
	if err := json.Unmarshal(body, &a); err != nil || !uuidRE.MatchString(a.ID) || a.State != "En cola" {
		t.Fatalf("curl %q: cuerpo %q", args, body)
	}
	h, _ := os.ReadFile(headers)
	if !strings.Contains(string(h), "\r\nLocation: /estado/"+a.ID+"\r\n") {
		t.Errorf("curl %q: sin Location /estado/%s en %q", args, a.ID, h)
	}
	return a.ID
}

// TestCurl uploads every way curl can, and checks the answers curl gets for
// parameters, wrong bodies and limits.
func TestCurl(t *testing.T) {
	t.Parallel()
	needTool(t, "curl")
	s := startServer(t, "-w", "2")
	base := s.base()
	img := photo(t) // 150×103

	t.Run("formulario", func(t *testing.T) {
		id := curlAccepted(t, nil, "-F", "nota=hola", "-F", "imagen=@"+img, base+"/procesar?escala=0.5")
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 75, 51, true)
	})
	t.Run("formulario con el contenido como campo", func(t *testing.T) {
		// -F 'imagen=<file' sends the file's bytes as a field, with no name.
		id := curlAccepted(t, nil, "-F", "imagen=<"+img, base+"/procesar?escala=0.5")
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 75, 51, true)
	})
	t.Run("data-binary", func(t *testing.T) {
		id := curlAccepted(t, nil, "--data-binary", "@"+img, base+"/")
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 150, 103, true)
	})
	t.Run("T archivo", func(t *testing.T) {
		// curl -T file URL/ sends PUT /video-001.jpeg.
		id := curlAccepted(t, nil, "-T", img, base+"/")
		waitDone(t, base, id)
		checkImage(t, result(t, base, id), "jpeg", 150, 103, true)
	})
	t.Run("T stdin chunked", func(t *testing.T) {
		f, err := os.Open(img)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// From stdin curl does not know the length: Transfer-Encoding:
		// chunked. -v shows the request head on stderr.
		body, status, stderr := curl(t, f, "-v", "-T", "-", base+"/procesar?escala=2")
		if !strings.Contains(strings.ToLower(stderr), "transfer-encoding: chunked") {
			t.Errorf("curl -T - no envió chunked:\n%s", stderr)
		}
		if status != 202 {
			t.Fatalf("curl -T -: %d %q", status, body)
		}
		var a accepted
		json.Unmarshal(body, &a)
		waitDone(t, base, a.ID)
		checkImage(t, result(t, base, a.ID), "jpeg", 300, 206, true)
	})
	t.Run("esperar", func(t *testing.T) {
		body, status, _ := curl(t, nil, "--data-binary", "@"+img, base+"/procesar?esperar=1&escala=0.5")
		if status != 200 {
			t.Fatalf("esperar=1: %d %q", status, body)
		}
		checkImage(t, decodeImage(t, body), "jpeg", 75, 51, true)
	})
	t.Run("png en color con ancho", func(t *testing.T) {
		// ancho alone keeps the aspect ratio: 103·50/150 = 34.33 → 34.
		body, status, _ := curl(t, nil, "--data-binary", "@"+img, base+"/procesar?esperar=1&formato=png&ancho=50&gris=0")
		if status != 200 {
			t.Fatalf("formato=png: %d %q", status, body)
		}
		d := decodeImage(t, body)
		checkImage(t, d, "png", 50, 34, false)
		if isGray(d.img) {
			t.Errorf("gris=0 dio una imagen gris")
		}
	})
	t.Run("alto", func(t *testing.T) {
		// alto=20: 150·20/103 = 29.1 → 29.
		body, status, _ := curl(t, nil, "--data-binary", "@"+img, base+"/procesar?esperar=1&alto=20&filtro=cercano&calidad=30")
		if status != 200 {
			t.Fatalf("alto=20: %d %q", status, body)
		}
		checkImage(t, decodeImage(t, body), "jpeg", 29, 20, true)
	})
	for _, c := range []struct{ query, param string }{
		{"escala=abc", "escala"},
		{"escala=0", "escala"},
		{"escala=-1", "escala"},
		{"ancho=0", "ancho"},
		{"alto=x", "alto"},
		{"formato=gif", "formato"},
		{"calidad=101", "calidad"},
		{"filtro=lanczos", "filtro"},
		{"gris=2", "gris"},
		{"esperar=si", "esperar"},
	} {
		t.Run("400 "+c.query, func(t *testing.T) {
			body, status, _ := curl(t, nil, "--data-binary", "@"+img, base+"/procesar?"+c.query)
			var e struct{ Error string }
			if status != 400 || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, c.param) {
				t.Errorf("?%s: %d %q, se esperaba 400 nombrando «%s»", c.query, status, body, c.param)
			}
		})
	}
	t.Run("415", func(t *testing.T) {
		notImage := filepath.Join(t.TempDir(), "nota.jpg")
		os.WriteFile(notImage, []byte("esto no es una imagen, aunque se llame .jpg\n"), 0o644)
		for _, args := range [][]string{
			{"--data-binary", "@" + notImage, base + "/procesar"},
			{"-F", "imagen=@" + notImage + ";type=image/jpeg", base + "/procesar"},
			{"-T", notImage, base + "/"},
		} {
			body, status, _ := curl(t, nil, args...)
			var e struct{ Error string }
			if status != 415 || json.Unmarshal(body, &e) != nil || e.Error == "" {
				t.Errorf("curl %q: %d %q, se esperaba 415 con {\"error\": …}", args, status, body)
			}
		}
	})
	t.Run("form sin archivo", func(t *testing.T) {
		body, status, _ := curl(t, nil, "-F", "imagen=solo texto", base+"/procesar")
		if status != 400 {
			t.Errorf("formulario sin archivo: %d %q, se esperaba 400", status, body)
		}
	})

	// No file of the refused uploads remains.
	noLeftovers(t, s.data)
}

func names(es []os.DirEntry) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}

// TestBodyLimit checks 413 for bodies over --max-cuerpo, with a length and
// chunked, from curl and from a raw socket.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	needTool(t, "curl")
	s := startServer(t, "--max-cuerpo", "10KiB")
	img := photo(t) // 21 KiB
	for _, args := range [][]string{
		{"--data-binary", "@" + img, s.base() + "/procesar"},
		{"-F", "imagen=@" + img, s.base() + "/procesar"},
		{"-T", img, s.base() + "/"},
	} {
		body, status, _ := curl(t, nil, args...)
		if status != 413 {
			t.Errorf("curl %q con --max-cuerpo 10KiB: %d %q, se esperaba 413", args, status, body)
		}
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body, status, _ := curl(t, f, "-T", "-", s.base()+"/procesar")
	if status != 413 {
		t.Errorf("curl -T - (chunked) con --max-cuerpo 10KiB: %d %q, se esperaba 413", status, body)
	}
	// Raw mode: one ERROR line that says why.
	if haveTool(t, "nc") {
		out := string(nc(t, s, fileBodyBytes(t, img)))
		if !strings.HasPrefix(out, "ERROR ") || !strings.Contains(out, "demasiado grande") || strings.Count(out, "\n") != 1 {
			t.Errorf("modo crudo con --max-cuerpo 10KiB: %q, se esperaba «ERROR … demasiado grande»", out)
		}
	}
	// A small image still goes through.
	small := goldenImage(t, "video-005.gray.q50.jpeg")
	if st, err := os.Stat(small); err != nil || st.Size() > 10<<10 {
		t.Fatalf("%s debería medir menos de 10 KiB", small)
	}
	id := curlAccepted(t, nil, "--data-binary", "@"+small, s.base()+"/procesar")
	waitDone(t, s.base(), id)
	noLeftovers(t, s.data)
}

// TestExpectContinue checks that "Expect: 100-continue" gets "100 Continue"
// before the body is sent, and that a request refused anyway gets its final
// status at once, without waiting for the body.
func TestExpectContinue(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--max-cuerpo", "4MiB", "-w", "2")
	big := genJPEG(t, 2000, 100) // over 1 MiB: curl sends Expect for it
	st, err := os.Stat(big)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() <= 1<<20 || st.Size() > 4<<20 {
		t.Fatalf("%s mide %d bytes; hace falta entre 1 y 4 MiB", big, st.Size())
	}
	image, err := os.ReadFile(big)
	if err != nil {
		t.Fatal(err)
	}

	// exchange sends a head, waits for the server's first answer without
	// sending any body, and returns its status line and the reader.
	exchange := func(t *testing.T, head string) (string, *bufio.Reader, net.Conn) {
		t.Helper()
		c, err := net.Dial("tcp", s.hostPort())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(20 * time.Second))
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("sin respuesta al encabezado sin cuerpo: %v", err)
		}
		return strings.TrimRight(line, "\r\n"), br, c
	}

	t.Run("100 y luego 202", func(t *testing.T) {
		head := fmt.Sprintf("POST /procesar HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(image))
		line, br, c := exchange(t, head)
		if line != "HTTP/1.1 100 Continue" {
			t.Fatalf("primera respuesta %q, se esperaba HTTP/1.1 100 Continue", line)
		}
		if l, _ := br.ReadString('\n'); l != "\r\n" {
			t.Fatalf("tras el 100 Continue vino %q, se esperaba la línea vacía", l)
		}
		if _, err := c.Write(image); err != nil {
			t.Fatal(err)
		}
		h := readHead(t, br)
		if !strings.HasPrefix(h[0], "HTTP/1.1 202 ") {
			t.Fatalf("tras el cuerpo: %q, se esperaba 202", h)
		}
	})
	t.Run("parámetro malo", func(t *testing.T) {
		head := fmt.Sprintf("POST /procesar?escala=no HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(image))
		line, br, _ := exchange(t, head)
		if !strings.HasPrefix(line, "HTTP/1.1 400 ") {
			t.Fatalf("respuesta %q, se esperaba 400 sin 100 Continue", line)
		}
		// The body was never sent: the server must not wait for it on this
		// connection, so it closes.
		if h := readHead(t, br); !containsFold(h, "Connection: close") {
			t.Errorf("el 400 sin cuerpo enviado no cierra la conexión: %q", h)
		}
	})
	t.Run("demasiado grande", func(t *testing.T) {
		head := "POST /procesar HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"
		line, br, _ := exchange(t, head)
		if !strings.HasPrefix(line, "HTTP/1.1 413 ") {
			t.Fatalf("respuesta %q, se esperaba 413 sin 100 Continue", line)
		}
		rest, _ := io.ReadAll(br) // the server closes after a 413
		if !strings.Contains(strings.ToLower(string(rest)), "connection: close") {
			t.Errorf("el 413 no anuncia Connection: close: %q", rest)
		}
	})
	t.Run("expectativa desconocida", func(t *testing.T) {
		line, _, _ := exchange(t, "POST /procesar HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: algo-raro\r\n\r\n")
		if !strings.HasPrefix(line, "HTTP/1.1 417 ") {
			t.Fatalf("respuesta %q, se esperaba 417", line)
		}
	})

	// curl, given a long Expect timeout, would hang if the server waited
	// for the body instead of answering.
	t.Run("curl", func(t *testing.T) {
		needTool(t, "curl")
		body, status, stderr := curl(t, nil, "-v", "--expect100-timeout", "50", "--data-binary", "@"+big, s.base()+"/procesar")
		if status != 202 {
			t.Fatalf("curl con Expect: %d %q", status, body)
		}
		if !strings.Contains(stderr, "Expect: 100-continue") || !strings.Contains(stderr, "HTTP/1.1 100 Continue") {
			t.Errorf("curl no vio Expect y 100 Continue:\n%s", stderr)
		}
		start := time.Now()
		body, status, _ = curl(t, nil, "--expect100-timeout", "50", "--data-binary", "@"+big, s.base()+"/procesar?formato=tiff")
		if status != 400 {
			t.Errorf("curl con Expect y parámetro malo: %d %q", status, body)
		}
		if d := time.Since(start); d > 25*time.Second {
			t.Errorf("curl esperó %v: el servidor no respondió antes del cuerpo", d)
		}
	})
}
