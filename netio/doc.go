// Package netio turns TCP connections into parsed requests and replies.
//
// It owns the listening sockets (dual-stack by default, see Listen), the
// per-connection loop with its timeouts and its cap on simultaneous
// connections, and raw mode: a connection that starts with an image
// signature instead of an HTTP method. It knows nothing of images or tasks;
// a Handler and a RawHandler supply the meaning.
package netio
