//go:build !purego

#include "textflag.h"

// The constants of fdctQuantAVX2, each in all eight lanes: the AAN
// multipliers (the float32 values of fdct1's constants), 16384.5 and 16384
// for the rounding of quantize, its clamp bounds 1023 and -1023, -1023.5 for
// its DC case, and 128 for the level shift.
DATA fdc707<>+0(SB)/4, $0x3f3504f3
DATA fdc707<>+4(SB)/4, $0x3f3504f3
DATA fdc707<>+8(SB)/4, $0x3f3504f3
DATA fdc707<>+12(SB)/4, $0x3f3504f3
DATA fdc707<>+16(SB)/4, $0x3f3504f3
DATA fdc707<>+20(SB)/4, $0x3f3504f3
DATA fdc707<>+24(SB)/4, $0x3f3504f3
DATA fdc707<>+28(SB)/4, $0x3f3504f3
GLOBL fdc707<>(SB), RODATA|NOPTR, $32
DATA fdc382<>+0(SB)/4, $0x3ec3ef15
DATA fdc382<>+4(SB)/4, $0x3ec3ef15
DATA fdc382<>+8(SB)/4, $0x3ec3ef15
DATA fdc382<>+12(SB)/4, $0x3ec3ef15
DATA fdc382<>+16(SB)/4, $0x3ec3ef15
DATA fdc382<>+20(SB)/4, $0x3ec3ef15
DATA fdc382<>+24(SB)/4, $0x3ec3ef15
DATA fdc382<>+28(SB)/4, $0x3ec3ef15
GLOBL fdc382<>(SB), RODATA|NOPTR, $32
DATA fdc541<>+0(SB)/4, $0x3f0a8bd4
DATA fdc541<>+4(SB)/4, $0x3f0a8bd4
DATA fdc541<>+8(SB)/4, $0x3f0a8bd4
DATA fdc541<>+12(SB)/4, $0x3f0a8bd4
DATA fdc541<>+16(SB)/4, $0x3f0a8bd4
DATA fdc541<>+20(SB)/4, $0x3f0a8bd4
DATA fdc541<>+24(SB)/4, $0x3f0a8bd4
DATA fdc541<>+28(SB)/4, $0x3f0a8bd4
GLOBL fdc541<>(SB), RODATA|NOPTR, $32
DATA fdc1306<>+0(SB)/4, $0x3fa73d75
DATA fdc1306<>+4(SB)/4, $0x3fa73d75
DATA fdc1306<>+8(SB)/4, $0x3fa73d75
DATA fdc1306<>+12(SB)/4, $0x3fa73d75
DATA fdc1306<>+16(SB)/4, $0x3fa73d75
DATA fdc1306<>+20(SB)/4, $0x3fa73d75
DATA fdc1306<>+24(SB)/4, $0x3fa73d75
DATA fdc1306<>+28(SB)/4, $0x3fa73d75
GLOBL fdc1306<>(SB), RODATA|NOPTR, $32
DATA fdhalf<>+0(SB)/4, $0x46800100
DATA fdhalf<>+4(SB)/4, $0x46800100
DATA fdhalf<>+8(SB)/4, $0x46800100
DATA fdhalf<>+12(SB)/4, $0x46800100
DATA fdhalf<>+16(SB)/4, $0x46800100
DATA fdhalf<>+20(SB)/4, $0x46800100
DATA fdhalf<>+24(SB)/4, $0x46800100
DATA fdhalf<>+28(SB)/4, $0x46800100
GLOBL fdhalf<>(SB), RODATA|NOPTR, $32
DATA fdbias<>+0(SB)/4, $0x00004000
DATA fdbias<>+4(SB)/4, $0x00004000
DATA fdbias<>+8(SB)/4, $0x00004000
DATA fdbias<>+12(SB)/4, $0x00004000
DATA fdbias<>+16(SB)/4, $0x00004000
DATA fdbias<>+20(SB)/4, $0x00004000
DATA fdbias<>+24(SB)/4, $0x00004000
DATA fdbias<>+28(SB)/4, $0x00004000
GLOBL fdbias<>(SB), RODATA|NOPTR, $32
DATA fdmax<>+0(SB)/4, $0x000003ff
DATA fdmax<>+4(SB)/4, $0x000003ff
DATA fdmax<>+8(SB)/4, $0x000003ff
DATA fdmax<>+12(SB)/4, $0x000003ff
DATA fdmax<>+16(SB)/4, $0x000003ff
DATA fdmax<>+20(SB)/4, $0x000003ff
DATA fdmax<>+24(SB)/4, $0x000003ff
DATA fdmax<>+28(SB)/4, $0x000003ff
GLOBL fdmax<>(SB), RODATA|NOPTR, $32
DATA fdmin<>+0(SB)/4, $0xfffffc01
DATA fdmin<>+4(SB)/4, $0xfffffc01
DATA fdmin<>+8(SB)/4, $0xfffffc01
DATA fdmin<>+12(SB)/4, $0xfffffc01
DATA fdmin<>+16(SB)/4, $0xfffffc01
DATA fdmin<>+20(SB)/4, $0xfffffc01
DATA fdmin<>+24(SB)/4, $0xfffffc01
DATA fdmin<>+28(SB)/4, $0xfffffc01
GLOBL fdmin<>(SB), RODATA|NOPTR, $32
DATA fddcmin<>+0(SB)/4, $0xc47fe000
DATA fddcmin<>+4(SB)/4, $0xc47fe000
DATA fddcmin<>+8(SB)/4, $0xc47fe000
DATA fddcmin<>+12(SB)/4, $0xc47fe000
DATA fddcmin<>+16(SB)/4, $0xc47fe000
DATA fddcmin<>+20(SB)/4, $0xc47fe000
DATA fddcmin<>+24(SB)/4, $0xc47fe000
DATA fddcmin<>+28(SB)/4, $0xc47fe000
GLOBL fddcmin<>(SB), RODATA|NOPTR, $32
DATA fd128<>+0(SB)/4, $0x43000000
DATA fd128<>+4(SB)/4, $0x43000000
DATA fd128<>+8(SB)/4, $0x43000000
DATA fd128<>+12(SB)/4, $0x43000000
DATA fd128<>+16(SB)/4, $0x43000000
DATA fd128<>+20(SB)/4, $0x43000000
DATA fd128<>+24(SB)/4, $0x43000000
DATA fd128<>+28(SB)/4, $0x43000000
GLOBL fd128<>(SB), RODATA|NOPTR, $32

// Lane 0 only: the DC coefficient's lane.
DATA fdlane0<>+0(SB)/4, $0xffffffff
DATA fdlane0<>+4(SB)/4, $0x00000000
DATA fdlane0<>+8(SB)/4, $0x00000000
DATA fdlane0<>+12(SB)/4, $0x00000000
DATA fdlane0<>+16(SB)/4, $0x00000000
DATA fdlane0<>+20(SB)/4, $0x00000000
DATA fdlane0<>+24(SB)/4, $0x00000000
DATA fdlane0<>+28(SB)/4, $0x00000000
GLOBL fdlane0<>(SB), RODATA|NOPTR, $32

// Byte shuffles that gather, for the zero test, the coefficients in zig-zag
// order. The quantized rows R0..R7 are packed with signed saturation (which
// keeps a non-zero value non-zero) into two vectors of bytes: P0 from rows
// 0-3 and P1 from rows 4-7, where coefficient (row r, column x) sits in the
// 128-bit lane x/4 at byte 4*(r%4) + x%4. Chunk s (0..3) is lane s%2 of
// P(s/2), copied to both lanes; fdzzHS picks from chunk S the bytes of zig-zag
// indices 32H to 32H+31 that live there (0x80 elsewhere gives zero bytes).
DATA fdzz00<>+0(SB)/8, $0x0603020508040100
DATA fdzz00<>+8(SB)/8, $0x8080070a0d800c09
DATA fdzz00<>+16(SB)/8, $0x80808080800e0b80
DATA fdzz00<>+24(SB)/8, $0x808080808080800f
GLOBL fdzz00<>(SB), RODATA|NOPTR, $32
DATA fdzz01<>+0(SB)/8, $0x8080808080808080
DATA fdzz01<>+8(SB)/8, $0x0100808080808080
DATA fdzz01<>+16(SB)/8, $0x8080808080808004
DATA fdzz01<>+24(SB)/8, $0x0c09060302050880
GLOBL fdzz01<>(SB), RODATA|NOPTR, $32
DATA fdzz02<>+0(SB)/8, $0x8080808080808080
DATA fdzz02<>+8(SB)/8, $0x8080808080008080
DATA fdzz02<>+16(SB)/8, $0x0205080401808080
DATA fdzz02<>+24(SB)/8, $0x8080808080808080
GLOBL fdzz02<>(SB), RODATA|NOPTR, $32
DATA fdzz03<>+0(SB)/8, $0x8080808080808080
DATA fdzz03<>+8(SB)/8, $0x8080808080808080
DATA fdzz03<>+16(SB)/8, $0x8080808080808080
DATA fdzz03<>+24(SB)/8, $0x8080808080808080
GLOBL fdzz03<>(SB), RODATA|NOPTR, $32
DATA fdzz10<>+0(SB)/8, $0x8080808080808080
DATA fdzz10<>+8(SB)/8, $0x8080808080808080
DATA fdzz10<>+16(SB)/8, $0x8080808080808080
DATA fdzz10<>+24(SB)/8, $0x8080808080808080
GLOBL fdzz10<>(SB), RODATA|NOPTR, $32
DATA fdzz11<>+0(SB)/8, $0x8080808080808080
DATA fdzz11<>+8(SB)/8, $0x8080800e0b070a0d
DATA fdzz11<>+16(SB)/8, $0x80800f8080808080
DATA fdzz11<>+24(SB)/8, $0x8080808080808080
GLOBL fdzz11<>(SB), RODATA|NOPTR, $32
DATA fdzz12<>+0(SB)/8, $0x80070a0d0c090603
DATA fdzz12<>+8(SB)/8, $0x0b80808080808080
DATA fdzz12<>+16(SB)/8, $0x8080808080800f0e
DATA fdzz12<>+24(SB)/8, $0x8080808080808080
GLOBL fdzz12<>(SB), RODATA|NOPTR, $32
DATA fdzz13<>+0(SB)/8, $0x0080808080808080
DATA fdzz13<>+8(SB)/8, $0x8004018080808080
DATA fdzz13<>+16(SB)/8, $0x0603800205088080
DATA fdzz13<>+24(SB)/8, $0x0f0e0b070a0d0c09
GLOBL fdzz13<>(SB), RODATA|NOPTR, $32

// FDCT8 is fdct1 on eight lanes: inputs d0..d7 in Y0..Y7, outputs p0..p7 in
// Y0..Y7, Y8..Y15 clobbered. The operations are fdct1's, in its order (the
// float32 products rounded on their own, no FMA), so every lane is fdct1's
// result bit for bit.
#define FDCT8 \
	VADDPS Y7, Y0, Y8; \
	VSUBPS Y7, Y0, Y15; \
	VADDPS Y6, Y1, Y9; \
	VSUBPS Y6, Y1, Y14; \
	VADDPS Y5, Y2, Y10; \
	VSUBPS Y5, Y2, Y13; \
	VADDPS Y4, Y3, Y11; \
	VSUBPS Y4, Y3, Y12; \
	VADDPS Y11, Y8, Y0; \
	VSUBPS Y11, Y8, Y1; \
	VADDPS Y10, Y9, Y2; \
	VSUBPS Y10, Y9, Y3; \
	VSUBPS Y2, Y0, Y4; \
	VADDPS Y2, Y0, Y0; \
	VADDPS Y1, Y3, Y3; \
	VMULPS fdc707<>(SB), Y3, Y3; \
	VADDPS Y3, Y1, Y2; \
	VSUBPS Y3, Y1, Y6; \
	VADDPS Y13, Y12, Y8; \
	VADDPS Y14, Y13, Y9; \
	VADDPS Y15, Y14, Y10; \
	VSUBPS Y10, Y8, Y11; \
	VMULPS fdc382<>(SB), Y11, Y11; \
	VMULPS fdc541<>(SB), Y8, Y8; \
	VADDPS Y11, Y8, Y8; \
	VMULPS fdc1306<>(SB), Y10, Y10; \
	VADDPS Y11, Y10, Y10; \
	VMULPS fdc707<>(SB), Y9, Y9; \
	VADDPS Y9, Y15, Y12; \
	VSUBPS Y9, Y15, Y13; \
	VADDPS Y8, Y13, Y5; \
	VSUBPS Y8, Y13, Y3; \
	VADDPS Y10, Y12, Y1; \
	VSUBPS Y10, Y12, Y7

// TRANSPOSE8 transposes the 8x8 matrix of floats whose rows are Y0..Y7,
// Y8..Y15 clobbered.
#define TRANSPOSE8 \
	VUNPCKLPS Y1, Y0, Y8; \
	VUNPCKHPS Y1, Y0, Y9; \
	VUNPCKLPS Y3, Y2, Y10; \
	VUNPCKHPS Y3, Y2, Y11; \
	VUNPCKLPS Y5, Y4, Y12; \
	VUNPCKHPS Y5, Y4, Y13; \
	VUNPCKLPS Y7, Y6, Y14; \
	VUNPCKHPS Y7, Y6, Y15; \
	VSHUFPS $0x44, Y10, Y8, Y0; \
	VSHUFPS $0xee, Y10, Y8, Y1; \
	VSHUFPS $0x44, Y11, Y9, Y2; \
	VSHUFPS $0xee, Y11, Y9, Y3; \
	VSHUFPS $0x44, Y14, Y12, Y4; \
	VSHUFPS $0xee, Y14, Y12, Y5; \
	VSHUFPS $0x44, Y15, Y13, Y6; \
	VSHUFPS $0xee, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x31, Y4, Y0, Y4; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x31, Y5, Y1, Y5; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x31, Y6, Y2, Y6; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y7, Y3, Y7; \
	VMOVAPS Y8, Y0; \
	VMOVAPS Y9, Y1; \
	VMOVAPS Y10, Y2; \
	VMOVAPS Y11, Y3

// QUANT(r, off) is quantize on row r (Yr), recip in BX, c in DI: the
// product rounded, plus 16384.5, truncated, minus 16384, clamped to
// [-1023, 1023]; stored at off(DI).
#define QUANT(r, off) \
	VMULPS off(BX), r, r; \
	VADDPS fdhalf<>(SB), r, r; \
	VCVTTPS2DQ r, r; \
	VPSUBD fdbias<>(SB), r, r; \
	VPMINSD fdmax<>(SB), r, r; \
	VPMAXSD fdmin<>(SB), r, r; \
	VMOVDQU r, off(DI)

// FDCTQUANT does the whole block on the level-shifted rows in Y0..Y7:
// the row pass (between two transposes), the column pass, and quantize with
// recip (BX) into c (DI); it leaves quantize's mask in AX.
#define FDCTQUANT \
	TRANSPOSE8; \
	FDCT8; \
	TRANSPOSE8; \
	FDCT8; \
	VMULPS (BX), Y0, Y8; \
	VCMPPS $1, fddcmin<>(SB), Y8, Y8; \
	VPAND fdlane0<>(SB), Y8, Y8; \
	QUANT(Y0, 0); \
	VPADDD Y8, Y0, Y0; \
	VMOVDQU Y0, (DI); \
	QUANT(Y1, 32); \
	QUANT(Y2, 64); \
	QUANT(Y3, 96); \
	QUANT(Y4, 128); \
	QUANT(Y5, 160); \
	QUANT(Y6, 192); \
	QUANT(Y7, 224); \
	VPACKSSDW Y1, Y0, Y0; \
	VPACKSSDW Y3, Y2, Y2; \
	VPACKSSWB Y2, Y0, Y0; \
	VPACKSSDW Y5, Y4, Y4; \
	VPACKSSDW Y7, Y6, Y6; \
	VPACKSSWB Y6, Y4, Y4; \
	VPERMQ $0x44, Y0, Y1; \
	VPERMQ $0xee, Y0, Y2; \
	VPERMQ $0x44, Y4, Y3; \
	VPERMQ $0xee, Y4, Y4; \
	VPSHUFB fdzz00<>(SB), Y1, Y5; \
	VPSHUFB fdzz01<>(SB), Y2, Y6; \
	VPOR Y6, Y5, Y5; \
	VPSHUFB fdzz02<>(SB), Y3, Y6; \
	VPOR Y6, Y5, Y5; \
	VPSHUFB fdzz03<>(SB), Y4, Y6; \
	VPOR Y6, Y5, Y5; \
	VPSHUFB fdzz10<>(SB), Y1, Y7; \
	VPSHUFB fdzz11<>(SB), Y2, Y6; \
	VPOR Y6, Y7, Y7; \
	VPSHUFB fdzz12<>(SB), Y3, Y6; \
	VPOR Y6, Y7, Y7; \
	VPSHUFB fdzz13<>(SB), Y4, Y6; \
	VPOR Y6, Y7, Y7; \
	VPXOR Y6, Y6, Y6; \
	VPCMPEQB Y6, Y5, Y5; \
	VPCMPEQB Y6, Y7, Y7; \
	VPMOVMSKB Y5, AX; \
	VPMOVMSKB Y7, CX; \
	SHLQ $32, CX; \
	ORQ CX, AX; \
	NOTQ AX; \
	VZEROUPPER

// func fdctQuantAVX2(b *[64]float32, recip *[64]float32, c *[64]int32) uint64
TEXT ·fdctQuantAVX2(SB), NOSPLIT, $0-32
	MOVQ b+0(FP), SI
	MOVQ recip+8(FP), BX
	MOVQ c+16(FP), DI
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	FDCTQUANT
	MOVQ AX, ret+24(FP)
	RET

// LOADGRAY(r) loads the row at SI as float32 samples minus 128 into r and
// moves SI to the next row (stride DX).
#define LOADGRAY(r) \
	VPMOVZXBD (SI), r; \
	VCVTDQ2PS r, r; \
	VSUBPS fd128<>(SB), r, r; \
	ADDQ DX, SI

// func fdctQuantGrayAVX2(src *byte, stride int, recip *[64]float32, c *[64]int32) uint64
TEXT ·fdctQuantGrayAVX2(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ recip+16(FP), BX
	MOVQ c+24(FP), DI
	LOADGRAY(Y0)
	LOADGRAY(Y1)
	LOADGRAY(Y2)
	LOADGRAY(Y3)
	LOADGRAY(Y4)
	LOADGRAY(Y5)
	LOADGRAY(Y6)
	LOADGRAY(Y7)
	FDCTQUANT
	MOVQ AX, ret+32(FP)
	RET
