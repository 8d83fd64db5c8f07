//go:build !purego

#include "textflag.h"

// Luma of 8 pixels, one vector: VPMADDWD multiplies 16-bit pairs and adds
// each pair into a 32-bit lane. 38470 does not fit a signed 16-bit weight,
// so G·38470 is computed as G·(38470-65536) + G<<16:
//	(R, G)·(19595, -27066) + (B, 128)·(7471, 256) + G<<16
//	= 19595·R + 38470·G + 7471·B + 0x8000,
// exact in 32 bits, then shifted right by 16. The shuffles put one pixel in
// each 32-bit lane: R and G as its two 16-bit halves, and B in its low half.

// Shuffles of 4 RGB (12 bytes) or RGBA (16 bytes) pixels per 128-bit lane.
DATA rgbMaskRG<>+0(SB)/8, $0x8004800380018000
DATA rgbMaskRG<>+8(SB)/8, $0x800a800980078006
DATA rgbMaskRG<>+16(SB)/8, $0x8004800380018000
DATA rgbMaskRG<>+24(SB)/8, $0x800a800980078006
GLOBL rgbMaskRG<>(SB), RODATA|NOPTR, $32
DATA rgbMaskB<>+0(SB)/8, $0x8080800580808002
DATA rgbMaskB<>+8(SB)/8, $0x8080800b80808008
DATA rgbMaskB<>+16(SB)/8, $0x8080800580808002
DATA rgbMaskB<>+24(SB)/8, $0x8080800b80808008
GLOBL rgbMaskB<>(SB), RODATA|NOPTR, $32
DATA rgbaMaskRG<>+0(SB)/8, $0x8005800480018000
DATA rgbaMaskRG<>+8(SB)/8, $0x800d800c80098008
DATA rgbaMaskRG<>+16(SB)/8, $0x8005800480018000
DATA rgbaMaskRG<>+24(SB)/8, $0x800d800c80098008
GLOBL rgbaMaskRG<>(SB), RODATA|NOPTR, $32
DATA rgbaMaskB<>+0(SB)/8, $0x8080800680808002
DATA rgbaMaskB<>+8(SB)/8, $0x8080800e8080800a
DATA rgbaMaskB<>+16(SB)/8, $0x8080800680808002
DATA rgbaMaskB<>+24(SB)/8, $0x8080800e8080800a
GLOBL rgbaMaskB<>(SB), RODATA|NOPTR, $32

// Dword order after VPACKUSDW and VPACKUSWB, which work per 128-bit lane.
DATA packOrder<>+0(SB)/8, $0x0000000400000000
DATA packOrder<>+8(SB)/8, $0x0000000500000001
DATA packOrder<>+16(SB)/8, $0x0000000600000002
DATA packOrder<>+24(SB)/8, $0x0000000700000003
GLOBL packOrder<>(SB), RODATA|NOPTR, $32

// LUMA8 turns the 8 pixels of Y(src), shuffled by Y10 and Y11, into 8
// dwords in Y(dst); Y(t) is scratch.
#define LUMA8(src, dst, t) \
	VPSHUFB  Y10, src, dst; \
	VPSHUFB  Y11, src, t; \
	VPAND    Y12, dst, src; \
	VPOR     Y13, t, t; \
	VPMADDWD Y14, dst, dst; \
	VPMADDWD Y15, t, t; \
	VPADDD   t, dst, dst; \
	VPADDD   src, dst, dst; \
	VPSRLD   $16, dst, dst

// CONSTS loads the constants: Y12 the G<<16 mask, Y13 the 128 paired
// with B, Y14 the weights (19595, -27066), Y15 (7471, 256), Y9 the pack
// order.
#define CONSTS \
	MOVL $0xffff0000, AX; \
	VMOVD AX, X12; \
	VPBROADCASTD X12, Y12; \
	MOVL $0x00800000, AX; \
	VMOVD AX, X13; \
	VPBROADCASTD X13, Y13; \
	MOVL $0x96464c8b, AX; \
	VMOVD AX, X14; \
	VPBROADCASTD X14, Y14; \
	MOVL $0x01001d2f, AX; \
	VMOVD AX, X15; \
	VPBROADCASTD X15, Y15; \
	VMOVDQU packOrder<>(SB), Y9

// PACK16 packs the dwords of pixels 0-7 (Y2) and 8-15 (Y5) into bytes and
// stores them at DI.
#define PACK16 \
	VPACKUSDW Y5, Y2, Y2; \
	VPACKUSWB Y2, Y2, Y2; \
	VPERMD    Y2, Y9, Y2; \
	VMOVDQU   X2, (DI)

// func rgbAVX2(dst, src []byte)
//
// 16 pixels (48 bytes) at a time; each group of 8 is loaded as two 16-byte
// halves 12 bytes apart, so the last one reads 4 bytes past the group.
TEXT ·rgbAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	CONSTS
	VMOVDQU rgbMaskRG<>(SB), Y10
	VMOVDQU rgbMaskB<>(SB), Y11

rgbloop:
	VMOVDQU     (SI), X0
	VINSERTI128 $1, 12(SI), Y0, Y0
	VMOVDQU     24(SI), X1
	VINSERTI128 $1, 36(SI), Y1, Y1
	LUMA8(Y0, Y2, Y3)
	LUMA8(Y1, Y5, Y6)
	PACK16
	ADDQ $48, SI
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  rgbloop
	VZEROUPPER
	RET

// func rgbaAVX2(dst, src []byte)
//
// 16 pixels (64 bytes) at a time.
TEXT ·rgbaAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	CONSTS
	VMOVDQU rgbaMaskRG<>(SB), Y10
	VMOVDQU rgbaMaskB<>(SB), Y11

rgbaloop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	LUMA8(Y0, Y2, Y3)
	LUMA8(Y1, Y5, Y6)
	PACK16
	ADDQ $64, SI
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  rgbaloop
	VZEROUPPER
	RET
