package jpeg

import "errors"

// ErrUnsupported is matched (with errors.Is) by every error this package returns
// for a stream that uses a feature it does not implement, or whose meaning
// image/jpeg defines differently from T.81. The caller should decode such a
// stream with image/jpeg instead; the wrapping *UnsupportedError names the
// feature.
var ErrUnsupported = errors.New("jpeg: unsupported feature")

// An UnsupportedError reports a valid (or possibly valid) stream that this
// package leaves to image/jpeg. It matches ErrUnsupported.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "jpeg: unsupported feature: " + string(e) }

// Is reports whether target is ErrUnsupported.
func (e UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// A FormatError reports that the input is not a JPEG stream image/jpeg would
// accept.
type FormatError string

func (e FormatError) Error() string { return "jpeg: invalid format: " + string(e) }

// errShortData reports entropy-coded data that ends (at a marker or at the end
// of the input) before the scan is complete.
var errShortData = FormatError("short Huffman data")
