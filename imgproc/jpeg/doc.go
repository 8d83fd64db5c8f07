// Package jpeg decodes baseline and progressive JPEG images and encodes
// baseline ones. It is written from ITU-T T.81 and is meant to be faster
// than image/jpeg for what procesa does: reading a photo, often only its
// luma and often scaled down, then writing a JPEG.
//
// # Decoding
//
// Decode reads baseline (SOF0), extended sequential (SOF1, 8-bit Huffman)
// and progressive (SOF2) streams with any chroma subsampling image/jpeg
// reads (4:4:4, 4:4:0, 4:2:2, 4:2:0, 4:1:1, 4:1:0), restart markers,
// grayscale, YCbCr, RGB (Adobe transform 0 or component ids 'R' 'G' 'B'),
// and CMYK or YCCK with an Adobe marker. With zero DecodeOptions it returns
// the same image type and bounds as image/jpeg.Decode (*image.Gray,
// *image.YCbCr, *image.RGBA or *image.CMYK), with samples within rounding of
// its (PSNR of 45 dB or more), and it accepts and rejects the same streams.
//
// DecodeOptions.GrayOnly returns an *image.Gray and reconstructs only the
// luma: the chroma data are entropy-decoded and dropped. The Y plane of a
// YCbCr JPEG is the BT.601 luma L = 0.299 R + 0.587 G + 0.114 B, so it is
// used as is; RGB and CMYK streams are converted.
//
// DecodeOptions.Shrink (2, 4 or 8) scales down in the DCT domain: each 8x8
// block is reconstructed as 4x4, 2x2 or 1x1 pixels from its lowest
// frequencies (only the DC coefficient at 8), so the result has
// ceil(w/Shrink) x ceil(h/Shrink) pixels and costs much less than a full
// decode. Use the largest Shrink that keeps the result at least as large as
// the target size, then finish with a resampler.
//
// Errors: a FormatError (or an I/O error) for a stream image/jpeg also
// rejects; an error matching ErrUnsupported (an UnsupportedError) for a
// stream this package leaves to image/jpeg: arithmetic coding, 12-bit
// samples, lossless or hierarchical frames, over-subscribed Huffman tables,
// restart intervals in non-interleaved progressive scans of subsampled
// components and a few other layouts that image/jpeg reads differently from
// T.81. The caller then decodes with image/jpeg and gets its answer.
//
// Memory is bounded by the dimensions declared in the frame header (for
// progressive streams, 2 bytes per sample of the result, which is made in
// that memory, plus 1/8 byte per pixel and component; for sequential ones,
// the result, plus the input itself for large images decoded with Shrink
// >= 2): check them with DecodeConfig first, as image/jpeg callers should.
// A progressive result keeps the memory of its coefficients, twice its own
// size, until it is dropped.
//
// # Speed
//
// The entropy decoder keeps a 64-bit bit buffer refilled eight bytes at a
// time and decodes most codes, and most whole coefficients (code and extra
// bits), with one look-up in 11-bit tables. Large sequential scans are
// decoded by the calling goroutine and the inverse DCTs run on other
// goroutines; with Shrink >= 2 a second entropy decoder also starts in the
// middle of the scan (right after a restart marker when there are some,
// else at an arbitrary byte, where it resynchronises) so that the serial
// Huffman decoding is shared by two cores. Progressive scans track non-zero
// coefficients with 64-bit masks (GrayOnly keeps only the masks of the
// chroma components, Shrink only the coefficients its inverse DCTs use),
// and when the input is an io.ReaderAt and io.Seeker (a bytes.Reader, an
// os.File) each scan of a large progressive image runs on its own
// goroutine, reading its part of the input with ReadAt, every block row
// being processed as soon as the earlier scans are done with it. The
// results, errors included, are always those of the serial decoder.
//
// # Encoding
//
// Encode writes baseline JFIF: grayscale for an *image.Gray, YCbCr 4:4:4 for
// a 4:4:4 *image.YCbCr, YCbCr 4:2:0 for everything else, with the Annex K
// tables scaled by EncodeOptions.Quality exactly as libjpeg (and so Pillow
// and image/jpeg) scale them. Large images are cut into horizontal strips
// encoded in parallel; the stream then has a restart marker after every MCU
// row so the strips are independent, which every decoder handles. The
// forward DCT with quantization runs as one AVX2 (amd64) or NEON (arm64)
// kernel per block whose results are those of the Go code exactly, so
// every architecture, and the purego build, writes the same bytes.
//
// # Concurrency
//
// Decode, DecodeConfig and Encode may be called from many goroutines at once;
// Encode and Decode may themselves use several goroutines.
//
// # Plugging it into a pipeline
//
//	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)) // check size limits
//	shrink := 1
//	for shrink < 8 && (cfg.Width/(2*shrink) >= targetW && cfg.Height/(2*shrink) >= targetH) {
//		shrink *= 2
//	}
//	img, err := jpeg.Decode(bytes.NewReader(data), jpeg.DecodeOptions{GrayOnly: gray, Shrink: shrink})
//	if errors.Is(err, jpeg.ErrUnsupported) {
//		log.Printf("jpeg: %v; falling back to image/jpeg", err)
//		img, err = stdjpeg.Decode(bytes.NewReader(data))
//	}
//	// resample img to targetW x targetH, then:
//	err = jpeg.Encode(w, out, jpeg.EncodeOptions{Quality: calidad})
package jpeg
