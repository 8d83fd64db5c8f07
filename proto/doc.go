// Package proto holds procesa's wire formats: the hand-parsed HTTP/1.1 subset
// the server speaks (request heads, bodies, chunked coding, response heads),
// the client side of that subset used by the CLI, and the frames exchanged
// between the server and its worker processes (frame.go). docs/protocolo.md
// describes both formats, in Spanish, as a contract.
//
// It imports nothing else of procesa and does no network I/O of its own: every
// reader takes a *bufio.Reader, every writer appends to a []byte or writes to
// an io.Writer.
//
// # HTTP requests
//
// ReadRequest reads one request head and applies the rules of RFC 9110/9112
// that procesa enforces (listed below and in docs/protocolo.md). Each violation is reported as an *Error
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
//     expectation is 417. How the server then answers, from this field to
//     the "100 Continue" line, is told in one comment where the field is
//     parsed (Request.applyFields, in request.go).
//
// # HTTP responses
//
// Response.AppendHead writes a response head with Date, Content-Length and
// Connection handled from the struct fields. The client side (WriteRequestHead,
// ReadResponseHead, ResponseBody) is what the CLI uses over a plain net.Conn.
//
// # Worker frames
//
// The server talks to each worker process over one stream socket (a
// socketpair). Every message is one frame: a 12-byte header, then a JSON
// payload.
//
//	offset  size  field
//	0       4     magic "PRCW" (50 52 43 57)
//	4       1     version, FrameVersion (2)
//	5       1     type: FrameHello (1), FrameJob (2), FrameResult (3),
//	              FrameReady (4)
//	6       2     reserved, must be zero
//	8       4     payload length n, big endian, n <= MaxFramePayload
//	12      n     payload: one JSON object (encoding/json)
//
// The payload of FrameHello is a Hello, of FrameReady a Ready, of FrameJob a
// Job, of FrameResult a Result. For example, a Hello from process 4567:
//
//	50 52 43 57  02  01  00 00  00 00 00 18  {"version":2,"pid":4567}
//
// The conversation: the worker sends one Hello when it starts, then gives
// up the rights it does not need (see package pool) and sends one Ready
// that says which protections are in force; then the server sends a Job and
// the worker answers with the Result for that Job, one job at a time, until
// the server closes its end, at which point the worker exits.
//
// A Job names no file. The image travels as two open file descriptors,
// passed in one SCM_RIGHTS control message attached to the Job frame (sent
// with the frame's bytes by a single sendmsg, so they arrive with its first
// byte): first the input, opened read-only, then the output, opened
// write-only and empty. The server opens and creates both, so the worker
// needs no access to the file system at all; it owns the descriptors it
// receives and closes them when it has answered. A Job frame that arrives
// with any other number of descriptors is refused: the worker closes every
// descriptor it did not expect and answers with a Result error. No other
// frame carries descriptors; a receiver closes any that come with one.
//
// A frame with another magic, version, type or non-zero reserved bytes, or
// a length over MaxFramePayload, is refused with a *FrameError; the stream
// cannot be resynchronised after that and must be closed.
//
// A new version bumps FrameVersion; peers of different versions refuse each
// other's frames, which is safe because both sides are always the same
// executable. AppendFrame, WriteFrame and WriteMessage write frames;
// ReadFrame, DecodeMessage and ReadMessage read them. "procesa --traza"
// prints every frame the server sends and receives, header in hex.
package proto
