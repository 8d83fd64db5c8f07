// Package imgproc turns an encoded image into its gray (or colour), scaled,
// re-encoded version.
//
// The pipeline is: Sniff the format from the leading bytes; Check the header
// (size, EXIF orientation, pixel limits) without decoding any pixel; decode
// into a working plane of 8-bit luma, luma+alpha or RGBA; orient; resample;
// encode as JPEG or PNG. Process runs all of it; Check only the header part.
//
// What the output is, and how it matches the original's Pillow output:
//
//   - Gray is BT.601 luma with Pillow's integer formula
//     (19595·R + 38470·G + 7471·B + 0x8000) >> 16. A YCbCr JPEG gives its Y
//     plane directly, and is decoded luma-only.
//   - Resampling is separable and fixed-point, computed as Pillow's
//     Resample.c does (bicubic is Catmull-Rom, a = -0.5; when downscaling the
//     support widens by the factor), so for the same input plane it gives
//     Pillow's bytes. Nearest picks the pixel under each output centre.
//   - Colour JPEGs are upsampled as libjpeg does ("fancy" triangle filter)
//     and converted with its fixed-point YCbCr to RGB.
//   - Alpha is premultiplied while resampling; JPEG output is composited
//     over white, PNG output keeps it.
//
// Where the time goes: JPEG decoding and encoding use imgproc/jpeg (both
// spread over the cores); common PNGs are inflated row by row straight into
// the working plane while the resampler consumes the finished rows on
// another core; the resampler splits its output rows across cores. The
// codec table in codec.go is the one place where a decoder or encoder is
// swapped.
//
// Every error returned by this package is an *Error whose Kind fixes the
// HTTP status and whose message is a fixed Spanish sentence for users.
//
// Functions are safe for concurrent use. The only state kept between calls
// is memory: the large buffers of a finished job wait for the next one
// (imgproc/internal/bufpool), until ReleaseMemory drops them.
package imgproc
