package client

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Options
	}{
		{nil, Options{}},
		{[]string{"foto.jpg"}, Options{Image: "foto.jpg"}},
		{[]string{"-i", "::1", "-p", "8090", "foto.jpg"}, Options{Host: "::1", Port: 8090, Image: "foto.jpg"}},
		{[]string{"--ip=[::1]", "--puerto=9000", "--escala", "0.25", "--salida", "x.jpg", "--esperar", "f.png"},
			Options{Host: "::1", Port: 9000, Scale: 0.25, Output: "x.jpg", Wait: true, Image: "f.png"}},
		{[]string{"foto.jpg", "-e", "2", "-o", "out.png"}, Options{Scale: 2, Output: "out.png", Image: "foto.jpg"}},
		{[]string{"-e", "0,5", "-i", "[::1]:7000", "a.gif"}, Options{Host: "::1", Port: 7000, Scale: 0.5, Image: "a.gif"}},
		{[]string{"-i", "localhost:7000", "-p", "7000"}, Options{Host: "localhost", Port: 7000}},
		{[]string{"-p", "1", "--", "-raro.jpg"}, Options{Port: 1, Image: "-raro.jpg"}},
	} {
		got, err := parseArgs(tc.args)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseArgs(%q) = %+v, %v; quería %+v", tc.args, got, err, tc.want)
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-x"}, "opción desconocida: -x"},
		{[]string{"--raro"}, "opción desconocida: --raro"},
		{[]string{"--ip"}, "falta el valor de la opción --ip"},
		{[]string{"-i"}, "falta el valor de la opción -i"},
		{[]string{"-p", "0"}, "el puerto debe ser un número entre 1 y 65535"},
		{[]string{"-p", "http"}, "el puerto debe ser un número entre 1 y 65535"},
		{[]string{"-e", "0"}, "la escala debe ser un número mayor que 0"},
		{[]string{"-e", "-1"}, "la escala debe ser un número mayor que 0"},
		{[]string{"-e", "NaN"}, "la escala debe ser un número mayor que 0"},
		{[]string{"-e", "Inf"}, "la escala debe ser un número mayor que 0"},
		{[]string{"-i", "1:2:3"}, "dirección IPv6 no válida"},
		{[]string{"-i", "[::1]:80", "-p", "81"}, "-i indica el puerto 80 y -p el puerto 81"},
		{[]string{"-o", ""}, "la ruta de salida está vacía"},
		{[]string{"--esperar=quizá"}, "--esperar no lleva valor"},
		{[]string{"--paralelo", "0", "a.jpg", "b.jpg"}, "--paralelo \"0\": debe ser un número entero mayor que 0"},
	} {
		_, err := parseArgs(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseArgs(%q) error = %v; quería uno con %q", tc.args, err, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		if _, err := parseArgs([]string{arg}); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("parseArgs(%q) = %v; quería flag.ErrHelp", arg, err)
		}
		r := runClient(t, t.Context(), "", arg)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%s: estado %d, stderr %q; quería 0 y nada", arg, r.code, r.stderr)
		}
		for _, want := range []string{"Uso: procesa cliente", "-i, --ip", "-p, --puerto", "-e, --escala",
			"-o, --salida", "--esperar", "por defecto", "_procesada"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("la ayuda no menciona %q", want)
			}
		}
	}
}

func TestUsageErrorExitsTwo(t *testing.T) {
	r := runClient(t, t.Context(), "", "--puerto", "abc")
	if r.code != exitUsage || !strings.HasPrefix(r.stderr, "procesa cliente: -p \"abc\": el puerto debe") ||
		!strings.Contains(r.stderr, "procesa cliente -h") {
		t.Errorf("estado %d, stderr %q; quería 2 y un error en español con la pista de -h", r.code, r.stderr)
	}
}
