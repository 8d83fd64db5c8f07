package client

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Options is what one run of the client does. Its zero value asks for the
// server and the image on standard input, lets the server choose the scale,
// saves under the default name and follows the task asynchronously.
type Options struct {
	// Host is the server: an IPv4 or IPv6 literal (brackets optional) or a
	// host name. If empty, it is asked.
	Host string
	// Port is the server's TCP port. If zero, it is asked.
	Port int
	// Scale is the scale factor sent as "escala". If zero, none is sent and
	// the server applies its own default.
	Scale float64
	// Output is where the result is saved. If empty, it is
	// "<name>_procesada.<ext>" in the current directory, the extension taken
	// from the result's Content-Type; if it names a directory, that name goes
	// inside it. A name ending in .png or .jpg/.jpeg asks the server for that
	// format; another extension is refused, and a name without one gets the
	// server's default format. It is checked before anything is uploaded.
	Output string
	// Wait selects the synchronous mode (POST /procesar?esperar=1): the answer
	// to the upload is the processed image itself.
	Wait bool
	// Image is the path of the image to upload. If empty (and Images is
	// empty too), it is asked. A directory is processed as a batch.
	Image string

	// Images are the images and directories of a batch, when more than one
	// is given; each image is processed as Image is, at most Parallel at a
	// time. A directory means the images directly inside it.
	Images []string
	// Recursive makes a directory of a batch mean the images in its
	// subdirectories too.
	Recursive bool
	// Parallel is how many images of a batch are processed at a time. If
	// zero, the number of worker processes the server reports in GET /salud.
	Parallel int
}

// Main runs "procesa cliente". args are the arguments after "cliente"; stdin
// answers the questions; stdout gets the questions, the task id and the saved
// file's name; stderr gets progress and errors. It returns the exit status: 0 on
// success, 1 on failure, 2 on bad usage, 128 plus the signal's number when
// interrupted: 130 for SIGINT (Ctrl-C), 143 for SIGTERM. A second signal has
// its default effect, which ends the process at once.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs)
			if s, ok := sig.(syscall.Signal); ok {
				cancel(signalError{s})
			} else {
				cancel(nil)
			}
		case <-ctx.Done():
		}
	}()
	return mainContext(ctx, args, stdin, stdout, stderr)
}

// signalError is the cause of the cancellation of Main's context: the signal
// received.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string { return "señal recibida: " + e.sig.String() }

// interruptedStatus returns the exit status for a run ended by ctx: 128 plus
// the number of the signal that was its cause, 130 (as for SIGINT) without one.
func interruptedStatus(ctx context.Context) int {
	var se signalError
	if errors.As(context.Cause(ctx), &se) {
		return 128 + int(se.sig)
	}
	return exitInterrupted
}

// mainContext is Main with the interruption coming from ctx; a signalError
// cause of ctx sets the exit status.
func mainContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, usage)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, err)
	}
	if images, ok := batchOf(opts); ok {
		opts.Images, opts.Image = images, ""
		return runBatch(ctx, opts, stdin, stdout, stderr)
	}
	disp := newDisplay(stderr)
	s := &session{opts: opts, stdout: stdout, disp: disp}
	if opts.Image != "" {
		// A missing file is reported before any question is asked.
		_, err = statImage(opts.Image)
	}
	if err == nil {
		// So is an output that cannot be written.
		err = checkOutput(opts.Output, opts.Image)
	}
	if err == nil {
		err = askMissing(ctx, &s.opts, newPrompter(stdin, stdout, stderr))
	}
	if err == nil {
		err = s.run(ctx)
	}
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		msg := "procesa cliente: interrumpido; no se guardó ningún resultado"
		if s.taskID != "" {
			msg += fmt.Sprintf(" (la tarea %s sigue en el servidor)", s.taskID)
		}
		disp.message(msg)
		return interruptedStatus(ctx)
	default:
		disp.message("procesa cliente: " + describe(err))
		return exitFailure
	}
}

// usageError reports err, a bad use of the command line, on stderr with a
// pointer to the help, and returns the exit status for it.
func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "procesa cliente: %v\nUse «procesa cliente -h» para ver la ayuda.\n", err)
	return exitUsage
}

const usage = `Uso: procesa cliente [opciones] [imagen]
       procesa cliente [opciones] imagen|directorio...

Sube una imagen al servidor procesa, muestra el id de la tarea, sigue su estado
hasta que termina y guarda la imagen procesada. Lo que no se indique con opciones
o argumento se pregunta por la entrada estándar.

Con varias imágenes o un directorio (las imágenes que tiene adentro; con -r
también las de sus subdirectorios) las procesa todas, varias a la vez, con una
línea de progreso por imagen, y termina con un resumen: cuántas se procesaron y
cuáles fallaron y por qué. Una imagen que falla no detiene a las demás.

Opciones:
  -i, --ip DIRECCIÓN     servidor: IPv4, IPv6 (con o sin corchetes) o nombre;
                         admite también DIRECCIÓN:PUERTO ([::1]:8090)
                         (por defecto: se pregunta; respuesta vacía = localhost)
  -p, --puerto PUERTO    puerto TCP del servidor
                         (por defecto: se pregunta; respuesta vacía = 8090)
  -e, --escala FACTOR    factor de escala, mayor que 0 (0.5 o 0,5)
                         (por defecto: el del servidor)
  -o, --salida ARCHIVO   dónde guardar el resultado; si termina en .png, .jpg o
                         .jpeg se pide ese formato (otra extensión no se
                         acepta; sin extensión, el formato del servidor); si es
                         un directorio, el archivo va dentro (por defecto:
                         <nombre>_procesada.<ext> en el directorio actual, la
                         extensión según el formato); nunca la propia imagen.
                         Con varias imágenes, un directorio existente
  -r, --recursivo        con un directorio, procesa también las imágenes de
                         sus subdirectorios (por defecto: solo las de adentro)
      --paralelo N       con varias imágenes, cuántas se procesan a la vez
                         (por defecto: los procesos de trabajo que informa el
                         servidor en /salud)
      --esperar          modo síncrono: el servidor responde con la imagen
                         procesada en lugar de un id de tarea (por defecto: no)
  -h, --help             muestra esta ayuda

Estado de salida: 0 si todo fue bien, 1 ante cualquier error (con varias
imágenes: si alguna falló), 2 si las opciones no son válidas, 130 si se
interrumpe con Ctrl-C (SIGINT), 143 con SIGTERM. Al interrumpirse no queda
ningún resultado a medio escribir.

Ejemplos:
  procesa cliente -i ::1 -p 8090 -e 0.5 foto.png     (guarda foto_procesada.jpg)
  procesa cliente -i 192.168.0.10 -p 8090 --esperar -o gris.png foto.jpg
  procesa cliente -i ::1 -p 8090 -r -o grises/ a.jpg b.png fotos/
`

// parseArgs parses the command line. Flags may come before or after the image
// argument; "--" ends the flags. It returns flag.ErrHelp for -h.
func parseArgs(args []string) (Options, error) {
	var opts Options
	var ip, port, scale string
	fs := flag.NewFlagSet("procesa cliente", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, name := range []string{"i", "ip"} {
		fs.StringVar(&ip, name, "", "")
	}
	for _, name := range []string{"p", "puerto"} {
		fs.StringVar(&port, name, "", "")
	}
	for _, name := range []string{"e", "escala"} {
		fs.StringVar(&scale, name, "", "")
	}
	for _, name := range []string{"o", "salida"} {
		fs.StringVar(&opts.Output, name, "", "")
	}
	fs.BoolVar(&opts.Wait, "esperar", false, "")
	for _, name := range []string{"r", "recursivo"} {
		fs.BoolVar(&opts.Recursive, name, false, "")
	}
	var parallel string
	fs.StringVar(&parallel, "paralelo", "", "")

	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return opts, flagError(err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	if set["i"] || set["ip"] {
		host, p, err := parseServer(ip)
		if err != nil {
			return opts, fmt.Errorf("-i %q: %v", ip, err)
		}
		opts.Host, opts.Port = host, p
	}
	if set["p"] || set["puerto"] {
		p, err := parsePort(port)
		if err != nil {
			return opts, fmt.Errorf("-p %q: %v", port, err)
		}
		if opts.Port != 0 && opts.Port != p {
			return opts, fmt.Errorf("-i indica el puerto %d y -p el puerto %d", opts.Port, p)
		}
		opts.Port = p
	}
	if set["e"] || set["escala"] {
		f, err := parseScale(scale)
		if err != nil {
			return opts, fmt.Errorf("-e %q: %v", scale, err)
		}
		opts.Scale = f
	}
	if set["o"] || set["salida"] {
		if opts.Output == "" {
			return opts, errors.New("-o: la ruta de salida está vacía")
		}
		if err := checkOutputName(opts.Output); err != nil {
			return opts, err
		}
	}
	if set["paralelo"] {
		n, err := strconv.Atoi(strings.TrimSpace(parallel))
		if err != nil || n < 1 {
			return opts, fmt.Errorf("--paralelo %q: debe ser un número entero mayor que 0", parallel)
		}
		opts.Parallel = n
	}
	if slices.Contains(positional, "") {
		return opts, errors.New("la ruta de la imagen está vacía")
	}
	switch len(positional) {
	case 0:
	case 1:
		opts.Image = positional[0]
	default:
		opts.Images = positional
	}
	return opts, nil
}

// flagError turns the flag package's English errors into Spanish ones.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("opción desconocida: %s", dashes(name))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("falta el valor de la opción %s", dashes(name))
	}
	if strings.HasPrefix(msg, "invalid boolean value") || strings.HasPrefix(msg, "invalid boolean flag") {
		// `invalid boolean value "x" for -name: ...` or `invalid boolean flag name: ...`
		_, name, ok := strings.Cut(msg, " for ")
		if !ok {
			name = "-" + strings.TrimPrefix(msg, "invalid boolean flag ")
		}
		name, _, _ = strings.Cut(name, ":")
		return fmt.Errorf("%s no lleva valor (o lleva true/false)", dashes(name))
	}
	return fmt.Errorf("opciones no válidas (%s)", msg)
}

// dashes writes a flag as the help does: "-i" for one letter, "--ip" for a
// word. name is the flag package's "-name".
func dashes(name string) string {
	if len(name) > 2 && name[0] == '-' && name[1] != '-' {
		return "-" + name
	}
	return name
}

// parseScale parses a scale factor, accepting a decimal comma ("0,5").
func parseScale(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		return 0, errors.New("la escala debe ser un número mayor que 0")
	}
	return f, nil
}
