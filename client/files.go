package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// statImage checks that path names a regular file, without opening it: opening
// a FIFO with no writer would block, beyond the reach of Ctrl-C.
func statImage(path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no existe el archivo «%s»", path)
		}
		return nil, fail(err, "no se pudo abrir «%s»", path)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("«%s» no es un archivo común", path)
	}
	return fi, nil
}

// openImage opens the file to upload and returns its size. It checks with
// statImage first, and again on the open file, in case the name was replaced
// in between.
func openImage(path string) (*os.File, int64, error) {
	if _, err := statImage(path); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, fmt.Errorf("no existe el archivo «%s»", path)
		}
		return nil, 0, fail(err, "no se pudo abrir «%s»", path)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fail(err, "no se pudo abrir «%s»", path)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("«%s» no es un archivo común", path)
	}
	return f, fi.Size(), nil
}

// outputExt returns the extension of the -o file name, in lower case, or ""
// when output is empty or names a directory (existing, or written with a
// trailing separator).
func outputExt(output string) string {
	if output == "" || os.IsPathSeparator(output[len(output)-1]) {
		return ""
	}
	if fi, err := os.Stat(output); err == nil && fi.IsDir() {
		return ""
	}
	return strings.ToLower(filepath.Ext(output))
}

// checkOutputName refuses an -o file name whose extension names a format the
// server does not produce: the result would be saved under a misleading name.
// A name without an extension is accepted (the server's default format is
// saved under it as is).
func checkOutputName(output string) error {
	switch ext := outputExt(output); ext {
	case "", ".jpg", ".jpeg", ".png":
		return nil
	default:
		return fmt.Errorf("-o %q: el resultado solo puede guardarse como JPEG (.jpg, .jpeg) o PNG (.png), no como %s", output, ext)
	}
}

// outputFormat returns the "formato" to ask for so that the result matches the
// extension of the -o file ("png" for "gris.png"), or "" to leave it to the
// server (no -o, a directory, or no extension).
func outputFormat(output string) string {
	switch outputExt(output) {
	case ".png":
		return "png"
	case ".jpg", ".jpeg":
		return "jpeg"
	}
	return ""
}

// outputPath returns where to save the result of uploading image, given the
// -o value (possibly empty) and the result's extension.
func outputPath(output, image, ext string) string {
	def := resultStem(image) + ext
	if output == "" {
		return def
	}
	if fi, err := os.Stat(output); err == nil && fi.IsDir() {
		return filepath.Join(output, def)
	}
	return output
}

// resultStem returns the default name of the result of image, without its
// extension: "foto_procesada" for "fotos/foto.png".
func resultStem(image string) string {
	base := filepath.Base(image)
	name := strings.TrimSuffix(base, filepath.Ext(base))
	if name == "" {
		name = base
	}
	return name + "_procesada"
}

// checkOutput checks, before anything is uploaded, that the result of
// uploading image can be saved where output (the -o value, possibly empty)
// says: its directory exists and takes new files, an existing output is a
// regular file, and it is not the image itself. image may be empty when it is
// not known yet.
func checkOutput(output, image string) error {
	if output == "" {
		if err := checkOutputDir(".", "el directorio actual"); err != nil {
			return fmt.Errorf("no se puede guardar el resultado: %w", err)
		}
		return nil
	}
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("no se puede guardar el resultado en «%s»: %s", output, fmt.Sprintf(format, args...))
	}
	fi, err := os.Stat(output)
	switch {
	case err == nil && fi.IsDir():
		if err := checkOutputDir(output, "el directorio «"+output+"»"); err != nil {
			return fmt.Errorf("no se puede guardar el resultado: %w", err)
		}
		return nil
	case err == nil && !fi.Mode().IsRegular():
		return refuse("no es un archivo común ni un directorio")
	case os.IsPathSeparator(output[len(output)-1]):
		// "fotos/" names a directory, which must exist.
		if errors.Is(err, fs.ErrNotExist) {
			return refuse("no existe ese directorio")
		}
		return refuse("no es un directorio")
	}
	if image != "" && sameFile(output, fi, image) {
		return refuse("es la imagen que se va a procesar, que quedaría sobrescrita; elija otra salida con -o")
	}
	dir := filepath.Dir(output)
	if err := checkOutputDir(dir, "el directorio «"+dir+"»"); err != nil {
		return fmt.Errorf("no se puede guardar el resultado en «%s»: %w", output, err)
	}
	return nil
}

// sameFile reports whether the output path (with its FileInfo outFi, nil if
// it could not be read) names the same file as the image path.
func sameFile(output string, outFi os.FileInfo, image string) bool {
	if outFi != nil {
		if imgFi, err := os.Stat(image); err == nil {
			return os.SameFile(outFi, imgFi)
		}
	}
	a, errA := filepath.Abs(output)
	b, errB := filepath.Abs(image)
	return errA == nil && errB == nil && a == b
}

// checkOutputDir checks that dir is a directory where a new file can be
// created, by creating and removing one. name is how messages call it ("el
// directorio «fotos»").
func checkOutputDir(dir, name string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no existe %s", name)
	case errors.Is(err, syscall.ENOTDIR), err == nil && !fi.IsDir():
		return fmt.Errorf("%s no es un directorio", name)
	case err != nil:
		return fail(err, "no se puede usar %s", name)
	}
	f, err := os.CreateTemp(dir, ".procesa-*")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// The directory exists, yet its file system says a new name
			// does not: /proc, /sys and the like.
			return fmt.Errorf("%s no admite archivos nuevos", name)
		}
		return fail(err, "no se pueden crear archivos en %s", name)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
