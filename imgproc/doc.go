// Package imgproc turns an encoded image into its gray (or colour), scaled,
// re-encoded version.
//
// The pipeline is: Sniff the format from the leading bytes, Check the header
// (size, EXIF orientation, pixel limits) without decoding any pixel, decode,
// orient, convert to gray (BT.601 luma, Pillow's integer formula), resample
// with a separable filter, and encode as JPEG or PNG. Process runs all of it;
// Check runs only the header part.
//
// Every error returned by this package is an *Error whose Kind tells the
// caller which HTTP status it maps to and whose message is a fixed Spanish
// sentence suitable for users.
//
// Everything here is safe for concurrent use: functions keep no state
// between calls.
package imgproc
