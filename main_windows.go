package main

import (
	"fmt"
	"os"

	"procesa/client"
)

// main on Windows runs only the client. The server needs what Windows lacks:
// fork and exec of its own binary with inherited descriptors, socketpairs
// and process groups for its workers, and Unix signals to stop.
func main() {
	if len(os.Args) > 1 && os.Args[1] == "cliente" {
		os.Exit(client.Main(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	fmt.Fprintln(os.Stderr, "procesa: el servidor necesita un sistema tipo Unix (Linux, macOS o un BSD; en Windows, WSL); aquí solo funciona «procesa cliente»")
	os.Exit(2)
}
