package client

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"procesa/imgproc"
)

// listImages expands the arguments of a batch into its images, in order. A
// file stands for itself, whatever it holds: one that is not an image, or is
// missing, fails on its own when its turn comes. A directory stands for the
// images directly inside it, in name order, and with recursive for those of
// its subdirectories too. Inside a directory, hidden files and directories
// (".name"), files that are not images (as the server tells them, by their
// first bytes) and the results of an earlier run ("*_procesada.*") are left
// out; a directory that cannot be read is an item that has already failed.
// The same path given twice is processed once. empty lists the directories
// given that hold no image.
func listImages(args []string, recursive bool) (items []*batchItem, empty []string) {
	seen := map[string]bool{}
	add := func(it *batchItem) {
		if key := filepath.Clean(it.path); !seen[key] {
			seen[key] = true
			items = append(items, it)
		}
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil || !fi.IsDir() {
			add(&batchItem{path: arg})
			continue
		}
		before := len(items)
		walkImages(arg, recursive, add)
		if len(items) == before {
			empty = append(empty, arg)
		}
	}
	assignResultNames(items)
	return items, empty
}

// walkImages calls add for each image in dir, as listImages describes.
func walkImages(dir string, recursive bool, add func(*batchItem)) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			add(&batchItem{path: path, done: true, err: fail(err, "no se pudo leer el directorio «%s»", path)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if path == dir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || d.IsDir() && !recursive {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && !isResultName(d.Name()) && isImageFile(path) {
			add(&batchItem{path: path})
		}
		return nil
	})
}

// isResultName reports whether name is how this client names a result:
// "foto_procesada.jpg", or "foto_procesada-2.jpg" in a batch.
func isResultName(name string) bool {
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if i := strings.LastIndex(stem, "-"); i >= 0 && i+1 < len(stem) && strings.Trim(stem[i+1:], "0123456789") == "" {
		stem = stem[:i]
	}
	return strings.HasSuffix(stem, "_procesada")
}

// isImageFile reports whether path is a regular file (a link is followed)
// that starts as an image the server reads. A FIFO is never opened: that
// could block.
func isImageFile(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 16)
	n, _ := io.ReadFull(f, b)
	return imgproc.Sniff(b[:n]) != ""
}

// assignResultNames gives each item the name of its result, without the
// extension: "foto_procesada" for "foto.png", as for a single image, and
// "foto_procesada-2" for the next "foto" of the batch (in another directory,
// or with another extension), so that no result overwrites another. Names
// are compared ignoring case, for the file systems that do.
func assignResultNames(items []*batchItem) {
	taken := map[string]bool{}
	for _, it := range items {
		stem := resultStem(it.path)
		name := stem
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s-%d", stem, n)
		}
		taken[strings.ToLower(name)] = true
		it.resultName = name
	}
}
