//go:build !purego

#include "textflag.h"

// Constants of idct8AVX2, each in all eight dword lanes (see idct.go).
DATA c0541<>+0(SB)/4, $0x1151
DATA c0541<>+4(SB)/4, $0x1151
DATA c0541<>+8(SB)/4, $0x1151
DATA c0541<>+12(SB)/4, $0x1151
DATA c0541<>+16(SB)/4, $0x1151
DATA c0541<>+20(SB)/4, $0x1151
DATA c0541<>+24(SB)/4, $0x1151
DATA c0541<>+28(SB)/4, $0x1151
GLOBL c0541<>(SB), RODATA|NOPTR, $32

DATA c1847<>+0(SB)/4, $0x3b21
DATA c1847<>+4(SB)/4, $0x3b21
DATA c1847<>+8(SB)/4, $0x3b21
DATA c1847<>+12(SB)/4, $0x3b21
DATA c1847<>+16(SB)/4, $0x3b21
DATA c1847<>+20(SB)/4, $0x3b21
DATA c1847<>+24(SB)/4, $0x3b21
DATA c1847<>+28(SB)/4, $0x3b21
GLOBL c1847<>(SB), RODATA|NOPTR, $32

DATA c0765<>+0(SB)/4, $0x187e
DATA c0765<>+4(SB)/4, $0x187e
DATA c0765<>+8(SB)/4, $0x187e
DATA c0765<>+12(SB)/4, $0x187e
DATA c0765<>+16(SB)/4, $0x187e
DATA c0765<>+20(SB)/4, $0x187e
DATA c0765<>+24(SB)/4, $0x187e
DATA c0765<>+28(SB)/4, $0x187e
GLOBL c0765<>(SB), RODATA|NOPTR, $32

DATA c1175<>+0(SB)/4, $0x25a1
DATA c1175<>+4(SB)/4, $0x25a1
DATA c1175<>+8(SB)/4, $0x25a1
DATA c1175<>+12(SB)/4, $0x25a1
DATA c1175<>+16(SB)/4, $0x25a1
DATA c1175<>+20(SB)/4, $0x25a1
DATA c1175<>+24(SB)/4, $0x25a1
DATA c1175<>+28(SB)/4, $0x25a1
GLOBL c1175<>(SB), RODATA|NOPTR, $32

DATA c0298<>+0(SB)/4, $0x98e
DATA c0298<>+4(SB)/4, $0x98e
DATA c0298<>+8(SB)/4, $0x98e
DATA c0298<>+12(SB)/4, $0x98e
DATA c0298<>+16(SB)/4, $0x98e
DATA c0298<>+20(SB)/4, $0x98e
DATA c0298<>+24(SB)/4, $0x98e
DATA c0298<>+28(SB)/4, $0x98e
GLOBL c0298<>(SB), RODATA|NOPTR, $32

DATA c2053<>+0(SB)/4, $0x41b3
DATA c2053<>+4(SB)/4, $0x41b3
DATA c2053<>+8(SB)/4, $0x41b3
DATA c2053<>+12(SB)/4, $0x41b3
DATA c2053<>+16(SB)/4, $0x41b3
DATA c2053<>+20(SB)/4, $0x41b3
DATA c2053<>+24(SB)/4, $0x41b3
DATA c2053<>+28(SB)/4, $0x41b3
GLOBL c2053<>(SB), RODATA|NOPTR, $32

DATA c3072<>+0(SB)/4, $0x6254
DATA c3072<>+4(SB)/4, $0x6254
DATA c3072<>+8(SB)/4, $0x6254
DATA c3072<>+12(SB)/4, $0x6254
DATA c3072<>+16(SB)/4, $0x6254
DATA c3072<>+20(SB)/4, $0x6254
DATA c3072<>+24(SB)/4, $0x6254
DATA c3072<>+28(SB)/4, $0x6254
GLOBL c3072<>(SB), RODATA|NOPTR, $32

DATA c1501<>+0(SB)/4, $0x300b
DATA c1501<>+4(SB)/4, $0x300b
DATA c1501<>+8(SB)/4, $0x300b
DATA c1501<>+12(SB)/4, $0x300b
DATA c1501<>+16(SB)/4, $0x300b
DATA c1501<>+20(SB)/4, $0x300b
DATA c1501<>+24(SB)/4, $0x300b
DATA c1501<>+28(SB)/4, $0x300b
GLOBL c1501<>(SB), RODATA|NOPTR, $32

DATA cm0899<>+0(SB)/4, $0xffffe333
DATA cm0899<>+4(SB)/4, $0xffffe333
DATA cm0899<>+8(SB)/4, $0xffffe333
DATA cm0899<>+12(SB)/4, $0xffffe333
DATA cm0899<>+16(SB)/4, $0xffffe333
DATA cm0899<>+20(SB)/4, $0xffffe333
DATA cm0899<>+24(SB)/4, $0xffffe333
DATA cm0899<>+28(SB)/4, $0xffffe333
GLOBL cm0899<>(SB), RODATA|NOPTR, $32

DATA cm2562<>+0(SB)/4, $0xffffadfd
DATA cm2562<>+4(SB)/4, $0xffffadfd
DATA cm2562<>+8(SB)/4, $0xffffadfd
DATA cm2562<>+12(SB)/4, $0xffffadfd
DATA cm2562<>+16(SB)/4, $0xffffadfd
DATA cm2562<>+20(SB)/4, $0xffffadfd
DATA cm2562<>+24(SB)/4, $0xffffadfd
DATA cm2562<>+28(SB)/4, $0xffffadfd
GLOBL cm2562<>(SB), RODATA|NOPTR, $32

DATA cm1961<>+0(SB)/4, $0xffffc13b
DATA cm1961<>+4(SB)/4, $0xffffc13b
DATA cm1961<>+8(SB)/4, $0xffffc13b
DATA cm1961<>+12(SB)/4, $0xffffc13b
DATA cm1961<>+16(SB)/4, $0xffffc13b
DATA cm1961<>+20(SB)/4, $0xffffc13b
DATA cm1961<>+24(SB)/4, $0xffffc13b
DATA cm1961<>+28(SB)/4, $0xffffc13b
GLOBL cm1961<>(SB), RODATA|NOPTR, $32

DATA cm0390<>+0(SB)/4, $0xfffff384
DATA cm0390<>+4(SB)/4, $0xfffff384
DATA cm0390<>+8(SB)/4, $0xfffff384
DATA cm0390<>+12(SB)/4, $0xfffff384
DATA cm0390<>+16(SB)/4, $0xfffff384
DATA cm0390<>+20(SB)/4, $0xfffff384
DATA cm0390<>+24(SB)/4, $0xfffff384
DATA cm0390<>+28(SB)/4, $0xfffff384
GLOBL cm0390<>(SB), RODATA|NOPTR, $32

DATA colRound<>+0(SB)/4, $0x400
DATA colRound<>+4(SB)/4, $0x400
DATA colRound<>+8(SB)/4, $0x400
DATA colRound<>+12(SB)/4, $0x400
DATA colRound<>+16(SB)/4, $0x400
DATA colRound<>+20(SB)/4, $0x400
DATA colRound<>+24(SB)/4, $0x400
DATA colRound<>+28(SB)/4, $0x400
GLOBL colRound<>(SB), RODATA|NOPTR, $32

DATA rowBias<>+0(SB)/4, $0x2020000
DATA rowBias<>+4(SB)/4, $0x2020000
DATA rowBias<>+8(SB)/4, $0x2020000
DATA rowBias<>+12(SB)/4, $0x2020000
DATA rowBias<>+16(SB)/4, $0x2020000
DATA rowBias<>+20(SB)/4, $0x2020000
DATA rowBias<>+24(SB)/4, $0x2020000
DATA rowBias<>+28(SB)/4, $0x2020000
GLOBL rowBias<>(SB), RODATA|NOPTR, $32

DATA rowDC<>+0(SB)/4, $0x1010
DATA rowDC<>+4(SB)/4, $0x1010
DATA rowDC<>+8(SB)/4, $0x1010
DATA rowDC<>+12(SB)/4, $0x1010
DATA rowDC<>+16(SB)/4, $0x1010
DATA rowDC<>+20(SB)/4, $0x1010
DATA rowDC<>+24(SB)/4, $0x1010
DATA rowDC<>+28(SB)/4, $0x1010
GLOBL rowDC<>(SB), RODATA|NOPTR, $32

// Dword order that puts rows back together after VPACKSSDW and VPACKUSWB,
// which work per 128-bit lane.
DATA idctPackOrder<>+0(SB)/4, $0
DATA idctPackOrder<>+4(SB)/4, $4
DATA idctPackOrder<>+8(SB)/4, $1
DATA idctPackOrder<>+12(SB)/4, $5
DATA idctPackOrder<>+16(SB)/4, $2
DATA idctPackOrder<>+20(SB)/4, $6
DATA idctPackOrder<>+24(SB)/4, $3
DATA idctPackOrder<>+28(SB)/4, $7
GLOBL idctPackOrder<>(SB), RODATA|NOPTR, $32

// The 1-D pass of idct8 on eight lanes (no comments can go inside the
// macros):
//
// IDCT8_PASS(base, bias, sh): inputs x0..x7 at 0, 32, .., 224(base); tmp0
// and tmp1 get bias added; outputs W0..W7 in Y8..Y15, shifted right by sh.
// It leaves in Y0 the lanes whose AC inputs are all zero, and x0 in Y1,
// from which the caller makes the Go code's shortcut value for those lanes;
// IDCT8_BLEND then puts Y1 in them.
//
// IDCT8_TRANSPOSE turns Y8..Y15 (rows) into Y0..Y7 (columns).
#define IDCT8_PASS(base, bias, sh) \
	VMOVDQU 64(base), Y8; \
	VMOVDQU 192(base), Y9; \
	VPADDD Y9, Y8, Y10; \
	VPMULLD c0541<>(SB), Y10, Y10; \
	VPMULLD c1847<>(SB), Y9, Y11; \
	VPSUBD Y11, Y10, Y11; \
	VPMULLD c0765<>(SB), Y8, Y12; \
	VPADDD Y12, Y10, Y12; \
	VMOVDQU 0(base), Y8; \
	VMOVDQU 128(base), Y9; \
	VPADDD Y9, Y8, Y10; \
	VPSUBD Y9, Y8, Y8; \
	VPSLLD $13, Y10, Y10; \
	VPSLLD $13, Y8, Y8; \
	VPADDD bias, Y10, Y10; \
	VPADDD bias, Y8, Y8; \
	VPADDD Y12, Y10, Y0; \
	VPSUBD Y12, Y10, Y3; \
	VPADDD Y11, Y8, Y1; \
	VPSUBD Y11, Y8, Y2; \
	VMOVDQU 224(base), Y4; \
	VMOVDQU 160(base), Y5; \
	VMOVDQU 96(base), Y6; \
	VMOVDQU 32(base), Y7; \
	VPADDD Y7, Y4, Y8; \
	VPADDD Y6, Y5, Y9; \
	VPADDD Y6, Y4, Y10; \
	VPADDD Y7, Y5, Y11; \
	VPADDD Y11, Y10, Y12; \
	VPMULLD c1175<>(SB), Y12, Y12; \
	VPMULLD c0298<>(SB), Y4, Y4; \
	VPMULLD c2053<>(SB), Y5, Y5; \
	VPMULLD c3072<>(SB), Y6, Y6; \
	VPMULLD c1501<>(SB), Y7, Y7; \
	VPMULLD cm0899<>(SB), Y8, Y8; \
	VPMULLD cm2562<>(SB), Y9, Y9; \
	VPMULLD cm1961<>(SB), Y10, Y10; \
	VPADDD Y12, Y10, Y10; \
	VPMULLD cm0390<>(SB), Y11, Y11; \
	VPADDD Y12, Y11, Y11; \
	VPADDD Y8, Y4, Y4; \
	VPADDD Y10, Y4, Y4; \
	VPADDD Y9, Y5, Y5; \
	VPADDD Y11, Y5, Y5; \
	VPADDD Y9, Y6, Y6; \
	VPADDD Y10, Y6, Y6; \
	VPADDD Y8, Y7, Y7; \
	VPADDD Y11, Y7, Y7; \
	VPADDD Y7, Y0, Y8; \
	VPSRAD $sh, Y8, Y8; \
	VPSUBD Y7, Y0, Y15; \
	VPSRAD $sh, Y15, Y15; \
	VPADDD Y6, Y1, Y9; \
	VPSRAD $sh, Y9, Y9; \
	VPSUBD Y6, Y1, Y14; \
	VPSRAD $sh, Y14, Y14; \
	VPADDD Y5, Y2, Y10; \
	VPSRAD $sh, Y10, Y10; \
	VPSUBD Y5, Y2, Y13; \
	VPSRAD $sh, Y13, Y13; \
	VPADDD Y4, Y3, Y11; \
	VPSRAD $sh, Y11, Y11; \
	VPSUBD Y4, Y3, Y12; \
	VPSRAD $sh, Y12, Y12; \
	VMOVDQU 32(base), Y0; \
	VPOR 64(base), Y0, Y0; \
	VPOR 96(base), Y0, Y0; \
	VPOR 128(base), Y0, Y0; \
	VPOR 160(base), Y0, Y0; \
	VPOR 192(base), Y0, Y0; \
	VPOR 224(base), Y0, Y0; \
	VPXOR Y1, Y1, Y1; \
	VPCMPEQD Y1, Y0, Y0; \
	VMOVDQU 0(base), Y1

#define IDCT8_BLEND \
	VPBLENDVB Y0, Y1, Y8, Y8; \
	VPBLENDVB Y0, Y1, Y9, Y9; \
	VPBLENDVB Y0, Y1, Y10, Y10; \
	VPBLENDVB Y0, Y1, Y11, Y11; \
	VPBLENDVB Y0, Y1, Y12, Y12; \
	VPBLENDVB Y0, Y1, Y13, Y13; \
	VPBLENDVB Y0, Y1, Y14, Y14; \
	VPBLENDVB Y0, Y1, Y15, Y15

#define IDCT8_TRANSPOSE \
	VPUNPCKLDQ Y9, Y8, Y0; \
	VPUNPCKHDQ Y9, Y8, Y1; \
	VPUNPCKLDQ Y11, Y10, Y2; \
	VPUNPCKHDQ Y11, Y10, Y3; \
	VPUNPCKLDQ Y13, Y12, Y4; \
	VPUNPCKHDQ Y13, Y12, Y5; \
	VPUNPCKLDQ Y15, Y14, Y6; \
	VPUNPCKHDQ Y15, Y14, Y7; \
	VPUNPCKLQDQ Y2, Y0, Y8; \
	VPUNPCKHQDQ Y2, Y0, Y9; \
	VPUNPCKLQDQ Y3, Y1, Y10; \
	VPUNPCKHQDQ Y3, Y1, Y11; \
	VPUNPCKLQDQ Y6, Y4, Y12; \
	VPUNPCKHQDQ Y6, Y4, Y13; \
	VPUNPCKLQDQ Y7, Y5, Y14; \
	VPUNPCKHQDQ Y7, Y5, Y15; \
	VPERM2I128 $0x20, Y12, Y8, Y0; \
	VPERM2I128 $0x31, Y12, Y8, Y4; \
	VPERM2I128 $0x20, Y13, Y9, Y1; \
	VPERM2I128 $0x31, Y13, Y9, Y5; \
	VPERM2I128 $0x20, Y14, Y10, Y2; \
	VPERM2I128 $0x31, Y14, Y10, Y6; \
	VPERM2I128 $0x20, Y15, Y11, Y3; \
	VPERM2I128 $0x31, Y15, Y11, Y7

// func idct8AVX2(blk *[64]int32, dst *byte, stride int)
//
// idct8 with AVX2: the column pass on the eight columns at once, a
// transpose, the row pass on the eight rows at once, a transpose back.
TEXT ·idct8AVX2(SB), NOSPLIT, $256-24
	MOVQ blk+0(FP), SI
	IDCT8_PASS(SI, colRound<>(SB), 11)
	VPSLLD $2, Y1, Y1             // shortcut: x0 << 2
	IDCT8_BLEND
	IDCT8_TRANSPOSE
	VMOVDQU Y0, 0(SP)
	VMOVDQU Y1, 32(SP)
	VMOVDQU Y2, 64(SP)
	VMOVDQU Y3, 96(SP)
	VMOVDQU Y4, 128(SP)
	VMOVDQU Y5, 160(SP)
	VMOVDQU Y6, 192(SP)
	VMOVDQU Y7, 224(SP)
	IDCT8_PASS(SP, rowBias<>(SB), 18)
	VPADDD rowDC<>(SB), Y1, Y1    // shortcut: (x0 + 4112) >> 5
	VPSRAD $5, Y1, Y1
	IDCT8_BLEND
	IDCT8_TRANSPOSE
	// Pack to bytes (saturation is the clamp to [0, 255]) and store.
	VMOVDQU idctPackOrder<>(SB), Y8
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	VPERMD Y0, Y8, Y0
	VPACKSSDW Y5, Y4, Y4
	VPACKSSDW Y7, Y6, Y6
	VPACKUSWB Y6, Y4, Y4
	VPERMD Y4, Y8, Y4
	MOVQ dst+8(FP), DI
	MOVQ stride+16(FP), DX
	VMOVQ X0, (DI)
	VPEXTRQ $1, X0, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VEXTRACTI128 $1, Y0, X1
	VMOVQ X1, (DI)
	VPEXTRQ $1, X1, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VMOVQ X4, (DI)
	VPEXTRQ $1, X4, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VEXTRACTI128 $1, Y4, X5
	VMOVQ X5, (DI)
	VPEXTRQ $1, X5, (DI)(DX*1)
	VZEROUPPER
	RET
DATA c0707<>+0(SB)/4, $0x16a1
DATA c0707<>+4(SB)/4, $0x16a1
DATA c0707<>+8(SB)/4, $0x16a1
DATA c0707<>+12(SB)/4, $0x16a1
GLOBL c0707<>(SB), RODATA|NOPTR, $16

DATA c0923<>+0(SB)/4, $0x1d90
DATA c0923<>+4(SB)/4, $0x1d90
DATA c0923<>+8(SB)/4, $0x1d90
DATA c0923<>+12(SB)/4, $0x1d90
GLOBL c0923<>(SB), RODATA|NOPTR, $16

DATA c0382<>+0(SB)/4, $0xc3f
DATA c0382<>+4(SB)/4, $0xc3f
DATA c0382<>+8(SB)/4, $0xc3f
DATA c0382<>+12(SB)/4, $0xc3f
GLOBL c0382<>(SB), RODATA|NOPTR, $16

DATA cm0923<>+0(SB)/4, $0xffffe270
DATA cm0923<>+4(SB)/4, $0xffffe270
DATA cm0923<>+8(SB)/4, $0xffffe270
DATA cm0923<>+12(SB)/4, $0xffffe270
GLOBL cm0923<>(SB), RODATA|NOPTR, $16

DATA idct4Bias<>+0(SB)/4, $0x1010000
DATA idct4Bias<>+4(SB)/4, $0x1010000
DATA idct4Bias<>+8(SB)/4, $0x1010000
DATA idct4Bias<>+12(SB)/4, $0x1010000
GLOBL idct4Bias<>(SB), RODATA|NOPTR, $16

// Byte order that turns a column-major 4x4 block into a row-major one.
DATA idct4Transpose<>+0(SB)/4, $0xc080400
DATA idct4Transpose<>+4(SB)/4, $0xd090501
DATA idct4Transpose<>+8(SB)/4, $0xe0a0602
DATA idct4Transpose<>+12(SB)/4, $0xf0b0703
GLOBL idct4Transpose<>(SB), RODATA|NOPTR, $16

// func idct4AVX2(blk *[64]int32, dst *byte, stride int)
//
// idct4 on 128-bit vectors: the column pass on the four columns at once, a
// transpose, the row pass on the four rows at once, then the bytes, which
// come out column by column, are put in row order with one VPSHUFB.
TEXT ·idct4AVX2(SB), NOSPLIT, $0-24
	MOVQ blk+0(FP), SI
	VMOVDQU 0(SI), X0             // f0 of each column
	VMOVDQU 32(SI), X1            // f1
	VMOVDQU 64(SI), X2            // f2
	VMOVDQU 96(SI), X3            // f3
	VPADDD X2, X0, X4
	VPSUBD X2, X0, X5
	VPMULLD c0707<>(SB), X4, X4   // e0
	VPMULLD c0707<>(SB), X5, X5   // e1
	VPMULLD c0923<>(SB), X1, X6
	VPMULLD c0382<>(SB), X3, X7
	VPADDD X7, X6, X6             // o0
	VPMULLD c0382<>(SB), X1, X7
	VPMULLD cm0923<>(SB), X3, X8
	VPADDD X8, X7, X7             // o1
	VPADDD colRound<>(SB), X4, X4
	VPADDD colRound<>(SB), X5, X5
	VPADDD X6, X4, X0             // ws row 0
	VPSUBD X6, X4, X3             // ws row 3
	VPADDD X7, X5, X1             // ws row 1
	VPSUBD X7, X5, X2             // ws row 2
	VPSRAD $11, X0, X0
	VPSRAD $11, X1, X1
	VPSRAD $11, X2, X2
	VPSRAD $11, X3, X3
	// Transpose: X0..X3 become the columns of ws.
	VPUNPCKLDQ X1, X0, X4
	VPUNPCKHDQ X1, X0, X5
	VPUNPCKLDQ X3, X2, X6
	VPUNPCKHDQ X3, X2, X7
	VPUNPCKLQDQ X6, X4, X0
	VPUNPCKHQDQ X6, X4, X1
	VPUNPCKLQDQ X7, X5, X2
	VPUNPCKHQDQ X7, X5, X3
	// Row pass, lane y for row y.
	VPADDD X2, X0, X4
	VPSUBD X2, X0, X5
	VPMULLD c0707<>(SB), X4, X4
	VPMULLD c0707<>(SB), X5, X5
	VPADDD idct4Bias<>(SB), X4, X4 // e0
	VPADDD idct4Bias<>(SB), X5, X5 // e1
	VPMULLD c0923<>(SB), X1, X6
	VPMULLD c0382<>(SB), X3, X7
	VPADDD X7, X6, X6             // o0
	VPMULLD c0382<>(SB), X1, X7
	VPMULLD cm0923<>(SB), X3, X8
	VPADDD X8, X7, X7             // o1
	VPADDD X6, X4, X0             // column 0
	VPSUBD X6, X4, X3             // column 3
	VPADDD X7, X5, X1             // column 1
	VPSUBD X7, X5, X2             // column 2
	VPSRAD $17, X0, X0
	VPSRAD $17, X1, X1
	VPSRAD $17, X2, X2
	VPSRAD $17, X3, X3
	VPACKSSDW X1, X0, X0
	VPACKSSDW X3, X2, X2
	VPACKUSWB X2, X0, X0          // the clamp; column-major bytes
	VPSHUFB idct4Transpose<>(SB), X0, X0
	MOVQ dst+8(FP), DI
	MOVQ stride+16(FP), DX
	VMOVD X0, (DI)
	VPEXTRD $1, X0, (DI)(DX*1)
	LEAQ (DI)(DX*2), DI
	VPEXTRD $2, X0, (DI)
	VPEXTRD $3, X0, (DI)(DX*1)
	RET
