package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Questions asked for what the flags and the argument did not give, as the
// original course project asked them.
const (
	askHost  = "Ingrese la IP del servidor:"
	askPort  = "Ingrese el puerto del servidor:"
	askImage = "Ingrese la ruta de la imagen a procesar:"
)

// prompter asks questions on out and reads the answers, one per line, from in.
// Invalid answers are explained on errw and the question is asked again.
type prompter struct {
	in   *bufio.Reader
	out  io.Writer
	errw io.Writer
}

func newPrompter(in io.Reader, out, errw io.Writer) *prompter {
	return &prompter{in: bufio.NewReader(in), out: out, errw: errw}
}

// askMissing asks for the host, the port and the image that opts lacks.
func askMissing(ctx context.Context, opts *Options, p *prompter) error {
	if err := askServer(ctx, opts, p); err != nil {
		return err
	}
	if opts.Image == "" {
		err := p.ask(ctx, askImage, func(s string) error {
			s = unquote(s)
			if s == "" {
				return errors.New("indique la ruta de una imagen")
			}
			opts.Image = s
			return nil
		})
		if err != nil {
			return noAnswer(err, "la ruta de la imagen", "un argumento")
		}
	}
	return nil
}

// askServer asks for the host and the port that opts lacks.
func askServer(ctx context.Context, opts *Options, p *prompter) error {
	if opts.Host == "" {
		err := p.ask(ctx, askHost, func(s string) error {
			if s == "" {
				opts.Host = "localhost"
				return nil
			}
			host, port, err := parseServer(s)
			if err != nil {
				return err
			}
			opts.Host = host
			if opts.Port == 0 {
				opts.Port = port
			}
			return nil
		})
		if err != nil {
			return noAnswer(err, "la IP del servidor", "-i")
		}
	}
	if opts.Port == 0 {
		err := p.ask(ctx, askPort, func(s string) error {
			if s == "" {
				opts.Port = defaultPort
				return nil
			}
			port, err := parsePort(s)
			opts.Port = port
			return err
		})
		if err != nil {
			return noAnswer(err, "el puerto del servidor", "-p")
		}
	}
	return nil
}

// invalidAnswer is how ask reports an input that ended after an answer that
// was not valid.
type invalidAnswer struct {
	answer string
	err    error // why it was refused
}

func (e *invalidAnswer) Error() string { return e.err.Error() }

// noAnswer explains that standard input ended before what was asked was given.
func noAnswer(err error, what, how string) error {
	var ia *invalidAnswer
	if errors.As(err, &ia) {
		return fmt.Errorf("la respuesta «%s» no es válida como %s: %v (use %s o respóndalo por la entrada estándar)",
			clip(ia.answer), what, ia.err, how)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("no se indicó %s (use %s o respóndalo por la entrada estándar)", what, how)
	}
	return err
}

// ask writes question and reads answers until accept takes one (returns nil).
// It returns io.EOF if the input ends first (an *invalidAnswer if the last
// answer was refused), ctx.Err() if ctx is done first.
func (p *prompter) ask(ctx context.Context, question string, accept func(string) error) error {
	var refused *invalidAnswer
	for {
		fmt.Fprintf(p.out, "%s ", question)
		line, err := p.readLine(ctx)
		if err != nil {
			fmt.Fprintln(p.out)
			if err == io.EOF && refused != nil {
				return refused
			}
			return err
		}
		answer := strings.TrimSpace(line)
		err = accept(answer)
		if err == nil {
			return nil
		}
		fmt.Fprintf(p.errw, "  %v\n", err)
		refused = nil
		if answer != "" {
			refused = &invalidAnswer{answer: answer, err: err}
		}
	}
}

// unquote removes one pair of matching quotes around s, as terminals add them
// when a file is dragged onto the window.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// readLine reads one line of input. The read runs in a goroutine so that ctx
// can interrupt the wait; after ctx is done the prompter must not be used again.
func (p *prompter) readLine(ctx context.Context) (string, error) {
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := p.in.ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case a := <-ch:
		if a.err == io.EOF && a.line != "" {
			a.err = nil // a last line without its newline still counts
		}
		return a.line, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
