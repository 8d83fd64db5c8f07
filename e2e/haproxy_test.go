package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// curlConcurrency bounds the curl processes a test runs at once.
const curlConcurrency = 8

// parallel runs f(i) for i in [0, n), at most curlConcurrency at a time.
func parallel(n int, f func(i int)) {
	sem := make(chan struct{}, curlConcurrency)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

// curlOut is what one curl run returned.
type curlOut struct {
	status int
	ctype  string
	body   []byte
	err    string // curl's own failure, if any
}

// curlDo runs curl with args plus a trailer that prints the status and
// Content-Type after the body, and splits them off.
func curlDo(curlPath string, args ...string) curlOut {
	args = append([]string{"-sS", "--max-time", "60", "-w", "\n%{http_code} %{content_type}"}, args...)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(curlPath, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return curlOut{err: fmt.Sprintf("curl %q: %v: %s", args, err, stderr.Bytes())}
	}
	out := stdout.Bytes()
	i := bytes.LastIndexByte(out, '\n')
	if i < 0 {
		return curlOut{err: fmt.Sprintf("curl %q: salida sin estado %q", args, out)}
	}
	code, ctype, _ := strings.Cut(string(out[i+1:]), " ")
	n, _ := strconv.Atoi(code)
	return curlOut{status: n, ctype: ctype, body: out[:i]}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startHAProxy runs haproxy in the foreground with deploy/haproxy.cfg, as
// shipped, on 127.0.0.1:port in front of nodes, and waits until it answers
// /salud with 200.
func startHAProxy(t *testing.T, curlPath string, port int, nodes []*server) string {
	t.Helper()
	hp := needTool(t, "haproxy")
	cfg, err := filepath.Abs(filepath.Join("..", "deploy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(hp, "-c", "-q", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c %s: %v\n%s", cfg, err, out)
	}
	cmd := exec.Command(hp, "-db", "-f", cfg)
	cmd.Env = append(os.Environ(), "PROCESA_ESCUCHA=127.0.0.1:"+strconv.Itoa(port), "PROCESA_RETENCION=1h")
	for i, n := range nodes {
		cmd.Env = append(cmd.Env, fmt.Sprintf("PROCESA_NODO%d=%s", i+1, n.hostPort()))
	}
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if r := curlDo(curlPath, base+"/salud"); r.status == 200 {
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy no respondió /salud con 200 en 20 s:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fetch GETs url, with an Accept header unless accept is "", and reads the
// whole answer.
func fetch(url, accept string) (reply, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return reply{}, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}, err
}

var acceptedRE = regexp.MustCompile(`msg="tarea aceptada" id=(\S+) `)

// nodeOf returns, for each task id a node's log shows accepted, the index
// of that node.
func nodeOf(nodes []*server) map[string]int {
	m := make(map[string]int)
	for i, n := range nodes {
		if n == nil {
			continue
		}
		for _, match := range acceptedRE.FindAllStringSubmatch(n.logs(), -1) {
			m[match[1]] = i
		}
	}
	return m
}

// TestHAProxy runs three nodes behind HAProxy with deploy/haproxy.cfg. It
// sends 300 asynchronous and 100 synchronous uploads through HAProxy with
// curl, then fetches every task's status and result through HAProxy: each
// must be found (the stick table sends it to the node that holds the task;
// any other node would answer 404) and complete. Then it kills one node
// with SIGKILL: new uploads go to the other two and complete, the dead
// node's tasks answer 503 meanwhile, and once the node restarts on its
// --datos they answer again, from it.
func TestHAProxy(t *testing.T) {
	t.Parallel()
	curlPath := needTool(t, "curl")
	needTool(t, "haproxy")
	img := photo(t)
	nodes := make([]*server, 3)
	for i := range nodes {
		nodes[i] = startServer(t, "-w", "1", "--retencion", "1h", "--max-cola", "500")
	}
	base := startHAProxy(t, curlPath, freePort(t), nodes)
	start := time.Now()
	phase := func(what string) { t.Logf("%6.1f s: %s", time.Since(start).Seconds(), what) }

	// 300 asynchronous and 100 synchronous uploads, mixed.
	const nAsync, nSync = 300, 100
	ids := make([]string, nAsync)
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	parallel(nAsync+nSync, func(i int) {
		if i%4 == 3 { // every fourth is synchronous
			r := curlDo(curlPath, "--data-binary", "@"+img, base+"/procesar?esperar=1&escala=0.5")
			if r.err != "" || r.status != 200 || r.ctype != "image/jpeg" {
				fail("subida síncrona: %d %s %s", r.status, r.ctype, r.err)
			}
			return
		}
		r := curlDo(curlPath, "--data-binary", "@"+img, base+"/procesar?escala=0.5")
		var a accepted
		if r.err != "" || r.status != 202 || json.Unmarshal(r.body, &a) != nil || !uuidRE.MatchString(a.ID) {
			fail("subida asíncrona: %d %q %s", r.status, r.body, r.err)
			return
		}
		ids[i-i/4] = a.ID
	})
	if len(failures) > 0 {
		t.Fatalf("%d subidas fallaron; las primeras: %v", len(failures), failures[:min(5, len(failures))])
	}
	where := nodeOf(nodes)
	perNode := make([]int, len(nodes))
	for _, id := range ids {
		perNode[where[id]]++
	}
	t.Logf("tareas asíncronas por nodo: %v (más %d síncronas)", perNode, nSync)
	for i, n := range perNode {
		if n == 0 {
			t.Errorf("el nodo %d no recibió ninguna subida: %v", i+1, perNode)
		}
	}

	// Every status and result, through HAProxy (with net/http: quicker
	// than a curl process per request, and the same requests).
	checkAll := func(ids []string) {
		t.Helper()
		parallel(len(ids), func(i int) {
			id := ids[i]
			deadline := time.Now().Add(60 * time.Second)
			for {
				r, err := fetch(base+"/estado/"+id, "text/plain")
				if err != nil || r.status != 200 {
					fail("GET /estado/%s: %v %v", id, r, err)
					return
				}
				if st := strings.TrimSpace(string(r.body)); st == "Completada" {
					break
				} else if st == "Error" || time.Now().After(deadline) {
					fail("la tarea %s está en %q", id, st)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			r, err := fetch(base+"/resultado/"+id, "")
			if err != nil || r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(r.body, []byte{0xFF, 0xD8}) {
				fail("GET /resultado/%s: %v %v", id, r, err)
			}
		})
		if len(failures) > 0 {
			t.Fatalf("%d fallos; los primeros: %v", len(failures), failures[:min(5, len(failures))])
		}
	}
	phase("subidas hechas")
	checkAll(ids)
	phase("estados y resultados leídos")

	// Kill node 2. HAProxy sees it down within two health checks, and
	// meanwhile skips it for uploads on a refused connection.
	const dead = 1
	var its []string
	for _, id := range ids {
		if where[id] == dead {
			its = append(its, id)
		}
	}
	data, port := nodes[dead].data, nodes[dead].port
	nodes[dead].kill()
	nodes[dead] = nil
	after := make([]string, 60)
	parallel(len(after), func(i int) {
		r := curlDo(curlPath, "--data-binary", "@"+img, base+"/procesar?escala=0.5")
		var a accepted
		if r.err != "" || r.status != 202 || json.Unmarshal(r.body, &a) != nil {
			fail("subida con un nodo caído: %d %q %s", r.status, r.body, r.err)
			return
		}
		after[i] = a.ID
	})
	if len(failures) > 0 {
		t.Fatalf("%d subidas fallaron con un nodo caído; las primeras: %v", len(failures), failures[:min(5, len(failures))])
	}
	where = nodeOf(nodes)
	for _, id := range after {
		if _, ok := where[id]; !ok {
			t.Errorf("la tarea %s, aceptada con el nodo %d caído, no está en ningún nodo vivo", id, dead+1)
		}
	}
	phase("subidas con un nodo caído hechas")
	checkAll(after)
	phase("sus estados y resultados leídos")
	for _, id := range its {
		r, _ := fetch(base+"/estado/"+id, "")
		if r.status != 503 || !strings.Contains(string(r.body), "no responde") {
			t.Fatalf("estado de la tarea %s del nodo caído: %v, se esperaba 503", id, r)
		}
	}

	// The node comes back on its --datos and port: its tasks answer again.
	nodes[dead] = startServer(t, "-w", "1", "--retencion", "1h", "-p", strconv.Itoa(port), "--datos", data)
	deadline := time.Now().Add(20 * time.Second)
	for r, _ := fetch(base+"/estado/"+its[0], ""); r.status != 200; r, _ = fetch(base+"/estado/"+its[0], "") {
		if time.Now().After(deadline) {
			t.Fatalf("las tareas del nodo %d no responden 20 s después de reiniciarlo", dead+1)
		}
		time.Sleep(200 * time.Millisecond)
	}
	phase("nodo reiniciado")
	checkAll(its)
	phase("sus tareas leídas")
	t.Logf("nodo %d muerto con SIGKILL: %d subidas nuevas completadas en los otros dos; sus %d tareas respondieron 503 mientras tanto y se sirvieron al volver",
		dead+1, len(after), len(its))
}
