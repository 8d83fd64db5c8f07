// Package proto holds procesa's wire formats: the hand-parsed HTTP/1.1 subset
// the server speaks (request heads, bodies, chunked coding, response heads),
// the client side of that subset used by the CLI, and the frames exchanged
// between the server and its worker processes (frame.go).
//
// It imports nothing else of procesa and does no network I/O of its own: every
// reader takes a *bufio.Reader, every writer appends to a []byte or writes to
// an io.Writer.
//
// # HTTP requests
//
// ReadRequest reads one request head and applies the rules of RFC 9110/9112
// that procesa enforces (SPEC §3). Each violation is reported as an *Error
// whose Status is the reply to send and whose Msg is a fixed Spanish sentence
// that never echoes the peer's bytes. After any *Error the server replies
// once and closes the connection.
//
// Choices made where the RFCs leave room:
//
//   - Lines may end in CRLF or in a bare LF; a CR not followed by LF is 400.
//   - Up to 16 empty lines before a request line are skipped (RFC 9112 §2.2).
//   - The request line must be exactly "METHOD SP target SP HTTP/d.d".
//     HTTP/1.0 and HTTP/1.1 are served; any other well-formed version is 505.
//   - Only origin-form ("/path?query") and absolute-form
//     ("http://host[:port]/path?query", scheme http or https) targets are
//     accepted; asterisk-form ("*") and authority-form ("host:port") are 400
//     because procesa implements neither OPTIONS * nor CONNECT. A fragment
//     ("#") in the target is 400.
//   - Request.Path is the target's path percent-decoded exactly once and
//     then cleaned of "." and ".." segments and repeated slashes, the way
//     path.Clean would, keeping a trailing slash. It never climbs above "/".
//     Invalid escapes and an escaped NUL ("%00") are 400.
//   - A well-formed method other than GET, HEAD, POST and PUT is 501; it is
//     reported after the whole head has been read and its syntax checked, so
//     a broken head is still 400/431, but before Host, the target and the
//     framing fields are interpreted.
//   - Content-Length may repeat (in several fields or as a list such as
//     "5, 5") only with identical values.
//   - Transfer-Encoding must be exactly "chunked" (case-insensitive). Another
//     coding is 501; "chunked" anywhere but last, or twice, is 400; any
//     Transfer-Encoding in an HTTP/1.0 request is 400; Transfer-Encoding
//     together with Content-Length is 400.
//   - "Expect: 100-continue" sets Request.Expect100 for HTTP/1.1 requests
//     (RFC 9110 §10.1.1 says to ignore it in HTTP/1.0); any other
//     expectation is 417.
//
// # HTTP responses
//
// Response.AppendHead writes a response head with Date, Content-Length and
// Connection handled from the struct fields. The client side (WriteRequestHead,
// ReadResponseHead, ResponseBody) is what the CLI uses over a plain net.Conn.
package proto
