package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runProcesa runs the binary to completion (for commands that exit at
// once) and returns stdout, stderr and the exit status.
func runProcesa(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	out, errOut, code := runCmd(t, nil, binPath, args...)
	return string(out), string(errOut), code
}

// TestHelp checks that -h prints Spanish help naming every server flag
// with its default, and exits 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help", "-help"} {
		out, errOut, code := runProcesa(t, arg)
		if code != 0 {
			t.Errorf("procesa %s: estado %d, se esperaba 0; stderr %q", arg, code, errOut)
		}
		if strings.Count(out, "Uso: procesa") != 1 || !strings.Contains(out, "procesa cliente") {
			t.Errorf("procesa %s: se esperaba la ayuda una vez, con el uso:\n%s", arg, out)
		}
		if errOut != "" {
			t.Errorf("procesa %s: stderr %q, se esperaba vacío", arg, errOut)
		}
		// Each flag's line, then its description ending in its default.
		for _, f := range []struct{ names, dflt string }{
			{"-i, --ip", "::"},
			{"-p, --puerto", "8090"},
			{"-e, --escala", "1.0"},
			{"-w, --procesos", "(uno por CPU)"},
			{"--datos", "procesa-datos"},
			{"--max-cuerpo", "32MiB"},
			{"--max-pixeles", "50M"},
			{"--retencion", "1h"},
			{"--limite-tarea", "60s"},
			{"--directorio", "ninguno"},
		} {
			i := strings.Index(out, "  "+f.names+" ")
			if i < 0 {
				t.Errorf("procesa %s: la ayuda no lista %s:\n%s", arg, f.names, out)
				continue
			}
			entry := out[i:]
			if j := strings.Index(entry[2:], "\n  -"); j >= 0 {
				entry = entry[:j+2]
			}
			if !strings.Contains(entry, "por defecto: ") || !strings.Contains(entry, f.dflt) {
				t.Errorf("procesa %s: la entrada de %s no da su valor por defecto %q:\n%s", arg, f.names, f.dflt, entry)
			}
		}
	}
}

// TestBadFlags checks that every bad command line gives one Spanish line on
// stderr and exit status 2, never a stack trace or the English of the flag
// package.
func TestBadFlags(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	for _, c := range []struct {
		args []string
		want string // a word the message must contain
	}{
		{[]string{"-p", "abc"}, "-p"},
		{[]string{"-p", "70000"}, "-p"},
		{[]string{"--escala", "0"}, "escala"},
		{[]string{"-e", "-1"}, "-e"},
		{[]string{"--nope"}, "nope"},
		{[]string{"-w", "0"}, "-w"},
		{[]string{"--max-cuerpo", "muchos"}, "max-cuerpo"},
		{[]string{"--max-pixeles", "0"}, "max-pixeles"},
		{[]string{"--retencion", "ayer"}, "retencion"},
		{[]string{"--limite-tarea", "-5s"}, "limite-tarea"},
		{[]string{"-p"}, "-p"},
		{[]string{"sobrante"}, "sobrante"},
		{[]string{"-i", "127.0.0.1", "-p", busy, "--datos", t.TempDir()}, "en uso"},
		{[]string{"-i", "192.0.2.1", "-p", "0", "--datos", t.TempDir()}, "192.0.2.1"},
		{[]string{"--directorio", "/no/existe/de/verdad", "-p", "0", "--datos", t.TempDir()}, "directorio"},
	} {
		out, errOut, code := runProcesa(t, c.args...)
		if code != 2 {
			t.Errorf("procesa %q: estado %d, se esperaba 2; stdout %q stderr %q", c.args, code, out, errOut)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if len(lines) != 1 || !strings.HasSuffix(errOut, "\n") {
			t.Errorf("procesa %q: stderr debe ser una línea, fue %q", c.args, errOut)
		}
		for _, bad := range []string{"goroutine", "panic", "flag provided", "invalid value", "Usage", "bind:", "listen tcp"} {
			if strings.Contains(errOut, bad) {
				t.Errorf("procesa %q: stderr %q contiene %q", c.args, errOut, bad)
			}
		}
		if !strings.HasPrefix(errOut, "procesa: ") || !strings.Contains(errOut, c.want) {
			t.Errorf("procesa %q: stderr %q, se esperaba «procesa: …» nombrando %q", c.args, errOut, c.want)
		}
		if out != "" {
			t.Errorf("procesa %q: stdout %q, se esperaba vacío (ni ayuda ni «escuchando»)", c.args, out)
		}
	}
}

// TestUnknownOptionAsTyped checks that an unknown option is named as the
// user typed it, with the dashes they used, and that a one-letter option
// glued to its value ("-p0") gets the right form as a hint.
func TestUnknownOptionAsTyped(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		arg, want, notWant string
	}{
		{"-p0", `opción desconocida: -p0 (¿quiso decir "-p 0"?)`, "--p0"},
		{"-w4", `opción desconocida: -w4 (¿quiso decir "-w 4"?)`, "--w4"},
		{"-e0.5", `opción desconocida: -e0.5 (¿quiso decir "-e 0.5"?)`, "--e0.5"},
		{"-i127.0.0.1", `opción desconocida: -i127.0.0.1 (¿quiso decir "-i 127.0.0.1"?)`, "--i127"},
		{"--p0", "opción desconocida: --p0 (vea procesa -h)", "quiso decir"},
		{"-puerto0", "opción desconocida: -puerto0 (vea procesa -h)", "quiso decir"},
		{"-nope", "opción desconocida: -nope (vea procesa -h)", "--nope"},
		{"--nope=3", "opción desconocida: --nope (vea procesa -h)", "=3"},
		{"---x", "opción mal escrita: ---x (vea procesa -h)", "bad flag"},
	} {
		out, errOut, code := runProcesa(t, c.arg)
		if code != 2 || out != "" {
			t.Errorf("procesa %s: estado %d, stdout %q; se esperaba 2 y nada", c.arg, code, out)
		}
		if errOut != "procesa: "+c.want+"\n" {
			t.Errorf("procesa %s: stderr %q, se esperaba %q", c.arg, errOut, "procesa: "+c.want)
		}
		if strings.Contains(errOut, c.notWant) {
			t.Errorf("procesa %s: stderr %q no debe contener %q", c.arg, errOut, c.notWant)
		}
	}
}

// TestUnusableDirectories checks that a --datos or --directorio the server
// cannot use is reported like a bad flag: exit status 2, one all-Spanish
// line naming the directory and why, and no worker started.
func TestUnusableDirectories(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	file := filepath.Join(tmp, "archivo")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(tmp, "roto")
	if err := os.Symlink(filepath.Join(tmp, "no-existe", "x"), dangling); err != nil {
		t.Fatal(err)
	}
	type tc struct {
		flag, dir string
		why       []string // one of these causes
	}
	cases := []tc{
		{"--datos", file, []string{"no es un directorio"}},
		{"--datos", filepath.Join(file, "sub"), []string{"no es un directorio"}},
		{"--datos", dangling, []string{"no es un directorio"}},
		{"--directorio", file, []string{"no es un directorio"}},
		{"--directorio", filepath.Join(tmp, "falta"), []string{"no existe"}},
		{"--directorio", filepath.Join(file, "sub"), []string{"no es un directorio"}},
	}
	if runtime.GOOS == "linux" {
		// procfs refuses new directories with ENOENT, and sysfs refuses
		// new entries even to root.
		cases = append(cases,
			tc{"--datos", "/proc/procesa-prueba", []string{"no existe"}},
			tc{"--datos", "/sys", []string{"permiso denegado", "solo lectura"}})
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(tmp, "solo-lectura")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{"--datos", ro, []string{"permiso denegado"}},
			tc{"--datos", filepath.Join(ro, "sub"), []string{"permiso denegado"}})
	}
	for _, c := range cases {
		args := []string{c.flag, c.dir, "-p", "0", "-i", "127.0.0.1", "-w", "1"}
		if c.flag != "--datos" {
			args = append(args, "--datos", t.TempDir())
		}
		out, errOut, code := runProcesa(t, args...)
		if code != 2 {
			t.Errorf("procesa %q: estado %d, se esperaba 2; stderr %q", args, code, errOut)
		}
		if out != "" {
			t.Errorf("procesa %q: stdout %q, se esperaba vacío", args, out)
		}
		what := "no se puede usar el directorio de datos"
		if c.flag == "--directorio" {
			what = "no se puede abrir el directorio"
		}
		prefix := fmt.Sprintf("procesa: %s %q: ", what, c.dir)
		cause, ok := strings.CutPrefix(errOut, prefix)
		cause, nl := strings.CutSuffix(cause, "\n")
		if !ok || !nl || strings.Contains(cause, "\n") || !slices.Contains(c.why, cause) {
			t.Errorf("procesa %q: stderr %q, se esperaba una línea «%s<%s>»", args, errOut, prefix, strings.Join(c.why, "|"))
		}
	}
}
