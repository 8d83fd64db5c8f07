//go:build !purego

#include "textflag.h"

// Go's assembler has no mnemonic for these NEON instructions; they are
// encoded here (Arm A64 encodings, register numbers d, n, m; the element
// forms take Vm.H[i] with m < 16).
#define UMULLH(i, m, n, d) WORD $(0x2F40A000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn.4H * Vm.H[i]
#define UMULL2H(i, m, n, d) WORD $(0x6F40A000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d)) // upper halves of Vn.8H
#define UMLALH(i, m, n, d) WORD $(0x2F402000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d))  // Vd.4S += Vn.4H * Vm.H[i]
#define UMLAL2H(i, m, n, d) WORD $(0x6F402000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d)) // upper halves of Vn.8H
#define RSHRN16(n, d) WORD $(0x0F108C00 | (n)<<5 | (d))   // Vd.4H = (Vn.4S + 1<<15) >> 16
#define RSHRN216(n, d) WORD $(0x4F108C00 | (n)<<5 | (d))  // RSHRN2: into the upper half of Vd.8H
#define UQXTN8B(n, d) WORD $(0x2E214800 | (n)<<5 | (d))   // Vd.8B = saturate(Vn.8H unsigned)
#define UQXTN16B(n, d) WORD $(0x6E214800 | (n)<<5 | (d))  // UQXTN2: into the upper half of Vd.16B

// LUMA16 turns 16 pixels, R in V0, G in V1, B in V2 (bytes), into their
// luma in V23: 19595·R + 38470·G + 7471·B widened to 32 bits (the weights
// are V15.H[0..2]), then rounded and shifted right by 16.
#define LUMA16 \
	VUXTL  V0.B8, V3.H8; \
	VUXTL2 V0.B16, V4.H8; \
	VUXTL  V1.B8, V5.H8; \
	VUXTL2 V1.B16, V6.H8; \
	VUXTL  V2.B8, V7.H8; \
	VUXTL2 V2.B16, V8.H8; \
	UMULLH(0, 15, 3, 16); \
	UMULL2H(0, 15, 3, 17); \
	UMULLH(0, 15, 4, 18); \
	UMULL2H(0, 15, 4, 19); \
	UMLALH(1, 15, 5, 16); \
	UMLAL2H(1, 15, 5, 17); \
	UMLALH(1, 15, 6, 18); \
	UMLAL2H(1, 15, 6, 19); \
	UMLALH(2, 15, 7, 16); \
	UMLAL2H(2, 15, 7, 17); \
	UMLALH(2, 15, 8, 18); \
	UMLAL2H(2, 15, 8, 19); \
	RSHRN16(16, 20); \
	RSHRN216(17, 20); \
	RSHRN16(18, 21); \
	RSHRN216(19, 21); \
	UQXTN8B(20, 23); \
	UQXTN16B(21, 23)

// WEIGHTS puts 19595, 38470 and 7471 in V15.H[0], H[1], H[2].
#define WEIGHTS \
	MOVD $0x00001d2f96464c8b, R3; \
	VMOV R3, V15.D[0]

// func rgbNEON(dst, src []byte)
//
// 16 pixels at a time; VLD3 splits R, G and B.
TEXT ·rgbNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD src_base+24(FP), R2
	WEIGHTS

rgbloop:
	VLD3.P 48(R2), [V0.B16, V1.B16, V2.B16]
	LUMA16
	VST1.P [V23.B16], 16(R0)
	SUBS   $16, R1
	BNE    rgbloop
	RET

// func rgbaNEON(dst, src []byte)
//
// 16 pixels at a time; VLD4 splits R, G, B and the fourth byte.
TEXT ·rgbaNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD src_base+24(FP), R2
	WEIGHTS

rgbaloop:
	VLD4.P 64(R2), [V0.B16, V1.B16, V2.B16, V3.B16]
	LUMA16
	VST1.P [V23.B16], 16(R0)
	SUBS   $16, R1
	BNE    rgbaloop
	RET
