//go:build unix

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// config is the server's command line (README, "Opciones del servidor").
type config struct {
	ip        string
	port      int
	scale     float64
	procs     int
	dataDir   string
	maxBody   int64
	maxPixels int64
	retention time.Duration
	taskLimit time.Duration
	directory string
	queueSize int
	maxConns  int
	trace     bool // --traza: print each socket and process event to stderr
	// memLimit bounds each worker's memory; 0 derives it from maxPixels
	// (see workerMemory).
	memLimit int64
}

const usageHead = `Uso: procesa [opciones]
       procesa cliente [opciones] [imagen]

Servidor de procesamiento de imágenes: recibe una imagen, la pasa a gris y la
escala en un proceso de trabajo aparte. "procesa cliente -h" muestra la ayuda
del cliente.

Opciones:
`

// parseFlags parses the server's arguments. It returns flag.ErrHelp after
// printing the help to out.
func parseFlags(args []string, out io.Writer) (*config, error) {
	c := &config{
		ip:        "::",
		port:      8090,
		scale:     1,
		procs:     runtime.NumCPU(),
		dataDir:   filepath.Join(os.TempDir(), "procesa-datos"),
		maxBody:   32 << 20,
		maxPixels: 50_000_000,
		retention: time.Hour,
		taskLimit: 60 * time.Second,
		queueSize: 64,
		maxConns:  1024,
	}
	fs := flag.NewFlagSet("procesa", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	type opt struct {
		names []string
		value flag.Value
		arg   string
		usage string
		dflt  string
	}
	opts := []opt{
		{[]string{"i", "ip"}, (*stringValue)(&c.ip), "dirección", "dirección de escucha: IPv4, IPv6 o nombre de host; \"::\" escucha en IPv4 e IPv6", "::"},
		{[]string{"p", "puerto"}, portValue{&c.port}, "puerto", "puerto TCP (0 elige uno libre y lo muestra)", "8090"},
		{[]string{"e", "escala"}, scaleValue{&c.scale}, "factor", "factor de escala por defecto, mayor que 0", "1.0"},
		{[]string{"w", "procesos"}, countValue{&c.procs, 1}, "n", "número de procesos de trabajo", strconv.Itoa(c.procs) + " (uno por CPU)"},
		{[]string{"datos"}, (*stringValue)(&c.dataDir), "dir", "directorio de subidas, resultados y registros de tareas", c.dataDir},
		{[]string{"max-cuerpo"}, sizeValue{&c.maxBody}, "tamaño", "cuerpo de solicitud más grande aceptado (bytes, o con sufijo: 512KiB, 32MiB, 1GiB)", "32MiB"},
		{[]string{"max-pixeles"}, pixelsValue{&c.maxPixels}, "n", "imagen de origen o de salida más grande, en píxeles (un entero, o 50M)", "50M"},
		{[]string{"retencion"}, durationValue{&c.retention}, "duración", "cuánto se guardan las tareas terminadas y sus resultados (90s, 30m, 1h)", "1h"},
		{[]string{"limite-tarea"}, durationValue{&c.taskLimit}, "duración", "tiempo máximo de un proceso de trabajo en una tarea antes de matarlo", "60s"},
		{[]string{"directorio"}, (*stringValue)(&c.directory), "dir", "sirve GET /<nombre> procesando las imágenes de este directorio", "ninguno"},
		{[]string{"max-cola"}, countValue{&c.queueSize, 1}, "n", "tareas en espera como máximo; con la cola llena se responde 503", "64"},
		{[]string{"max-conexiones"}, countValue{&c.maxConns, 1}, "n", "conexiones simultáneas como máximo", "1024"},
		{[]string{"traza"}, boolValue{&c.trace}, "", "muestra en stderr, una línea por evento, lo que el servidor hace con sus sockets y procesos", "no"},
		{[]string{"limite-memoria"}, sizeValue{&c.memLimit}, "tamaño", "memoria máxima de cada proceso de trabajo (RLIMIT_DATA); una imagen que necesite más falla con 422", "256MiB + 16 bytes por píxel de --max-pixeles"},
	}
	for _, o := range opts {
		for _, n := range o.names {
			fs.Var(o.value, n, o.usage)
		}
	}
	// The flag package calls Usage on -h and on every error; the help is
	// printed once, for -h only, so a bad flag gives just its one line.
	fs.Usage = func() {}
	usage := func() {
		io.WriteString(out, usageHead)
		for _, o := range opts {
			var names []string
			for _, n := range o.names {
				if len(n) == 1 {
					names = append(names, "-"+n)
				} else {
					names = append(names, "--"+n)
				}
			}
			fmt.Fprintf(out, "  %s\n        %s (por defecto: %s)\n", strings.TrimSpace(strings.Join(names, ", ")+" "+o.arg), o.usage, o.dflt)
		}
		io.WriteString(out, "  -h, --help\n        muestra esta ayuda\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return nil, err
		}
		// On an unknown option the flag package has already consumed
		// the argument it failed on: it is the one before fs.Args().
		typed := ""
		if i := len(args) - len(fs.Args()) - 1; i >= 0 && i < len(args) {
			typed = args[i]
		}
		return nil, spanishFlagError(err, typed)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("argumento inesperado: %q (¿quiso decir \"procesa cliente\"?)", fs.Arg(0))
	}
	if c.memLimit != 0 && c.memLimit < minWorkerMemory {
		return nil, fmt.Errorf("valor inválido para --limite-memoria: debe ser al menos %dMiB, lo que un proceso de trabajo ocupa sin imagen", minWorkerMemory>>20)
	}
	return c, nil
}

var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: (.*)$`)
	invalidValue  = regexp.MustCompile(`^invalid value "(.*)" for flag (-\S+): (.*)$`)
	invalidBool   = regexp.MustCompile(`^invalid boolean value "(.*)" for (-\S+): (.*)$`)
	missingArg    = regexp.MustCompile(`^flag needs an argument: (.*)$`)
	badSyntax     = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// spanishFlagError rewrites the flag package's English errors. typed is
// the argument the parse stopped at, as the user typed it, so that an
// unknown option is named as typed ("-p0", not "--p0").
func spanishFlagError(err error, typed string) error {
	s := err.Error()
	if m := undefinedFlag.FindStringSubmatch(s); m != nil {
		name := dashes(m[1])
		if strings.HasPrefix(typed, "-") {
			name, _, _ = strings.Cut(typed, "=")
		}
		if hint := joinedShort(typed); hint != "" {
			return fmt.Errorf("opción desconocida: %s (¿quiso decir %q?)", name, hint)
		}
		return fmt.Errorf("opción desconocida: %s (vea procesa -h)", name)
	}
	if m := invalidBool.FindStringSubmatch(s); m != nil {
		return fmt.Errorf("valor inválido %q para %s: %s", m[1], dashes(m[2]), m[3])
	}
	if m := invalidValue.FindStringSubmatch(s); m != nil {
		return fmt.Errorf("valor inválido %q para %s: %s", m[1], dashes(m[2]), m[3])
	}
	if m := missingArg.FindStringSubmatch(s); m != nil {
		return fmt.Errorf("la opción %s necesita un valor", dashes(m[1]))
	}
	if m := badSyntax.FindStringSubmatch(s); m != nil {
		return fmt.Errorf("opción mal escrita: %s (vea procesa -h)", m[1])
	}
	return errors.New("opciones inválidas (vea procesa -h)")
}

// shortOptions are the one-letter options that take a value.
const shortOptions = "ipew"

// joinedShort returns "-p 0" for "-p0": a one-letter option glued to a
// value that starts like a number or an address, which the flag package
// reads as an unknown option "p0". It returns "" for anything else, such as
// "-puerto0", which is a misspelt long option rather than a glued value.
func joinedShort(typed string) string {
	if len(typed) < 3 || typed[0] != '-' || !strings.ContainsRune(shortOptions, rune(typed[1])) {
		return ""
	}
	if c := typed[2]; !(c >= '0' && c <= '9' || c == '.' || c == ':' || c == '[') {
		return ""
	}
	return typed[:2] + " " + typed[2:]
}

// dashes writes a long flag name the way the help does: "-escala" becomes
// "--escala".
func dashes(name string) string {
	if len(name) > 2 && name[0] == '-' && name[1] != '-' {
		return "-" + name
	}
	return name
}

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

// boolValue is a flag that takes no value: "--traza" turns it on.
type boolValue struct{ b *bool }

func (v boolValue) String() string   { return "" }
func (v boolValue) IsBoolFlag() bool { return true }
func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("no lleva valor (o true/false)")
	}
	*v.b = b
	return nil
}

type portValue struct{ p *int }

func (v portValue) String() string { return "" }
func (v portValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return errors.New("debe ser un entero entre 0 y 65535")
	}
	*v.p = n
	return nil
}

type scaleValue struct{ f *float64 }

func (v scaleValue) String() string { return "" }
func (v scaleValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || f > 1e6 {
		return errors.New("debe ser un número mayor que 0")
	}
	*v.f = f
	return nil
}

type countValue struct {
	n   *int
	min int
}

func (v countValue) String() string { return "" }
func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.min || n > 1<<20 {
		return fmt.Errorf("debe ser un entero mayor o igual que %d", v.min)
	}
	*v.n = n
	return nil
}

type durationValue struct{ d *time.Duration }

func (v durationValue) String() string { return "" }
func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return errors.New("debe ser una duración positiva, como 90s, 30m o 1h")
	}
	*v.d = d
	return nil
}

type sizeValue struct{ n *int64 }

func (v sizeValue) String() string { return "" }
func (v sizeValue) Set(s string) error {
	n, err := parseSize(s, map[string]int64{
		"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20,
		"MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30,
	})
	if err != nil {
		return errors.New("debe ser un tamaño positivo en bytes, o con sufijo: 512KiB, 32MiB, 1GiB")
	}
	*v.n = n
	return nil
}

type pixelsValue struct{ n *int64 }

func (v pixelsValue) String() string { return "" }
func (v pixelsValue) Set(s string) error {
	n, err := parseSize(s, map[string]int64{"": 1, "K": 1e3, "M": 1e6, "G": 1e9})
	if err != nil {
		return errors.New("debe ser un número de píxeles positivo, como 50000000 o 50M")
	}
	*v.n = n
	return nil
}

// parseSize parses a positive number with an optional unit suffix from
// units (matched case-insensitively). The number may have a fraction.
func parseSize(s string, units map[string]int64) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToUpper(strings.TrimSpace(s[i:]))
	}
	mult, ok := units[unit]
	if !ok {
		return 0, errors.New("unidad desconocida")
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || !(f > 0) || f*float64(mult) >= 1<<62 {
		return 0, errors.New("número inválido")
	}
	n := int64(f * float64(mult))
	if n < 1 {
		return 0, errors.New("número inválido")
	}
	return n, nil
}
