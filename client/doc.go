// Package client is procesa's command-line client, run as "procesa cliente".
//
// It uploads one image to a procesa server, prints the task id, follows the
// task's status until it ends and saves the processed image. It speaks HTTP/1.1
// over a plain net.Conn using the project's own wire code (package proto), so the
// hand-written protocol of the server is exercised from the other side too.
//
// What the flags and the argument do not give is asked on standard input with the
// original course project's questions ("Ingrese la IP del servidor:", ...).
// Progress goes to standard error: a progress bar and a status line when it is a
// terminal, plain lines otherwise. Standard output gets the task id and the name
// of the saved file.
//
// Given several images, or a directory (the images inside it; with -r, in its
// subdirectories too), it runs one such session per image (batch.go), at most
// as many at a time as the server has worker processes (or --paralelo), each
// with its own line of progress, and ends with a summary of what failed and
// why; a failed image does not stop the others.
//
// Exit status: 0 on success, 1 on any failure (missing file, server down, server
// error; in a batch, any image failed), 2 on bad usage, 130 when interrupted with Ctrl-C (SIGINT), 143 with
// SIGTERM.
package client
