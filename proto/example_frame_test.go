package proto_test

import (
	"encoding/json"
	"fmt"

	"procesa/proto"
)

// The Hello of worker 4567, as the package comment lays it out: the 12
// header bytes, then the JSON payload.
func ExampleAppendFrame() {
	payload, _ := json.Marshal(proto.Hello{Version: proto.FrameVersion, PID: 4567})
	frame, _ := proto.AppendFrame(nil, proto.FrameHello, payload)
	fmt.Printf("% x  %s\n", frame[:proto.FrameHeaderLen], frame[proto.FrameHeaderLen:])
	// Output: 50 52 43 57 02 01 00 00 00 00 00 18  {"version":2,"pid":4567}
}
