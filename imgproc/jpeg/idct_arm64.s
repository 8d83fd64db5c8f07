//go:build !purego

#include "textflag.h"

// Go's assembler has no mnemonic for these NEON instructions; they are
// encoded here (Arm A64 encodings, register numbers d, n, m).
#define MUL4S(m, n, d) WORD $(0x4EA09C00 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn.4S * Vm.4S
#define MLA4S(m, n, d) WORD $(0x4EA09400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S += Vn.4S * Vm.4S
#define SSHR4S(sh, n, d) WORD $(0x4F000400 | (64-(sh))<<16 | (n)<<5 | (d)) // Vd.4S = Vn.4S >> sh (arithmetic)
#define SQXTUN4H(n, d) WORD $(0x2E612800 | (n)<<5 | (d))            // Vd.4H = unsigned-saturate(Vn.4S)
#define SQXTUN8H(n, d) WORD $(0x6E612800 | (n)<<5 | (d))            // SQXTUN2: into the upper half of Vd.8H
#define UQXTN8B(n, d) WORD $(0x2E214800 | (n)<<5 | (d))             // Vd.8B = saturate(Vn.8H unsigned)

// The 1-D pass of idct8 on four lanes, in three steps (no comments can
// go inside the macros):
//
// IDCT_MASK: V16 = lanes whose AC inputs (V1..V7) are all zero.
// Then the caller puts the Go code's shortcut value for those lanes in V17.
// IDCT_PASS(sh): inputs x0..x7 in V0..V7, constants in V20..V31 (see
// idct8NEON), the rounding in V19; outputs W0..W3 in V8..V11 and W4..W7 in
// V0..V3, shifted right by sh, V17 where V16 is set.
#define IDCT_MASK \
	VORR V1.B16, V2.B16, V16.B16; \
	VORR V3.B16, V16.B16, V16.B16; \
	VORR V4.B16, V16.B16, V16.B16; \
	VORR V5.B16, V16.B16, V16.B16; \
	VORR V6.B16, V16.B16, V16.B16; \
	VORR V7.B16, V16.B16, V16.B16; \
	VEOR V18.B16, V18.B16, V18.B16; \
	VCMEQ V18.S4, V16.S4, V16.S4

#define IDCT_PASS(sh) \
	VADD V2.S4, V6.S4, V8.S4; \
	MUL4S(20, 8, 8); \
	VORR V8.B16, V8.B16, V9.B16; \
	MLA4S(21, 6, 9); \
	VORR V8.B16, V8.B16, V10.B16; \
	MLA4S(22, 2, 10); \
	VADD V0.S4, V4.S4, V11.S4; \
	VSUB V4.S4, V0.S4, V12.S4; \
	VSHL $13, V11.S4, V11.S4; \
	VSHL $13, V12.S4, V12.S4; \
	VADD V19.S4, V11.S4, V11.S4; \
	VADD V19.S4, V12.S4, V12.S4; \
	VADD V10.S4, V11.S4, V13.S4; \
	VSUB V10.S4, V11.S4, V14.S4; \
	VADD V9.S4, V12.S4, V15.S4; \
	VSUB V9.S4, V12.S4, V18.S4; \
	VADD V7.S4, V1.S4, V8.S4; \
	VADD V5.S4, V3.S4, V9.S4; \
	VADD V7.S4, V3.S4, V10.S4; \
	VADD V5.S4, V1.S4, V11.S4; \
	VADD V10.S4, V11.S4, V12.S4; \
	MUL4S(23, 12, 12); \
	MUL4S(24, 7, 7); \
	MUL4S(25, 5, 5); \
	MUL4S(26, 3, 3); \
	MUL4S(27, 1, 1); \
	MUL4S(28, 8, 8); \
	MUL4S(29, 9, 9); \
	MUL4S(30, 10, 10); \
	VADD V12.S4, V10.S4, V10.S4; \
	MUL4S(31, 11, 11); \
	VADD V12.S4, V11.S4, V11.S4; \
	VADD V8.S4, V7.S4, V7.S4; \
	VADD V10.S4, V7.S4, V7.S4; \
	VADD V9.S4, V5.S4, V5.S4; \
	VADD V11.S4, V5.S4, V5.S4; \
	VADD V9.S4, V3.S4, V3.S4; \
	VADD V10.S4, V3.S4, V3.S4; \
	VADD V8.S4, V1.S4, V1.S4; \
	VADD V11.S4, V1.S4, V1.S4; \
	VADD V1.S4, V13.S4, V8.S4; \
	VADD V3.S4, V15.S4, V9.S4; \
	VADD V5.S4, V18.S4, V10.S4; \
	VADD V7.S4, V14.S4, V11.S4; \
	VSUB V3.S4, V15.S4, V2.S4; \
	VSUB V1.S4, V13.S4, V3.S4; \
	VSUB V7.S4, V14.S4, V0.S4; \
	VSUB V5.S4, V18.S4, V1.S4; \
	SSHR4S(sh, 8, 8); \
	SSHR4S(sh, 9, 9); \
	SSHR4S(sh, 10, 10); \
	SSHR4S(sh, 11, 11); \
	SSHR4S(sh, 0, 0); \
	SSHR4S(sh, 1, 1); \
	SSHR4S(sh, 2, 2); \
	SSHR4S(sh, 3, 3); \
	VBIT V16.B16, V17.B16, V8.B16; \
	VBIT V16.B16, V17.B16, V9.B16; \
	VBIT V16.B16, V17.B16, V10.B16; \
	VBIT V16.B16, V17.B16, V11.B16; \
	VBIT V16.B16, V17.B16, V0.B16; \
	VBIT V16.B16, V17.B16, V1.B16; \
	VBIT V16.B16, V17.B16, V2.B16; \
	VBIT V16.B16, V17.B16, V3.B16

// func idct8NEON(blk *[64]int32, dst *byte, stride int)
//
// idct8 with NEON: the column pass on four columns at a time, the row
// pass on four rows at a time, through a 4x4-tiled work area on the stack
// (VLD4 and VST4 transpose the tiles).
TEXT ·idct8NEON(SB), NOSPLIT, $256-24
	MOVD blk+0(FP), R0
	MOVD $ws-256(SP), R9          // work area: tile (g, h) at 64*(2g+h), row r at 16r
	// Constants: F0541, -F1847, F0765, F1175, F0298, F2053, F3072, F1501,
	// -F0899, -F2562, -F1961, -F0390 (idct.go) in V20..V31.
	MOVW $4433, R11
	VDUP R11, V20.S4
	MOVW $-15137, R11
	VDUP R11, V21.S4
	MOVW $6270, R11
	VDUP R11, V22.S4
	MOVW $9633, R11
	VDUP R11, V23.S4
	MOVW $2446, R11
	VDUP R11, V24.S4
	MOVW $16819, R11
	VDUP R11, V25.S4
	MOVW $25172, R11
	VDUP R11, V26.S4
	MOVW $12299, R11
	VDUP R11, V27.S4
	MOVW $-7373, R11
	VDUP R11, V28.S4
	MOVW $-20995, R11
	VDUP R11, V29.S4
	MOVW $-16069, R11
	VDUP R11, V30.S4
	MOVW $-3196, R11
	VDUP R11, V31.S4
	MOVW $1024, R11                // rounding of the column pass
	VDUP R11, V19.S4
	MOVD $0, R12                   // half: columns 4*R12/16 ..
cols:
	ADD R12, R0, R10
	VLD1 (R10), [V0.S4]
	ADD $32, R10
	VLD1 (R10), [V1.S4]
	ADD $32, R10
	VLD1 (R10), [V2.S4]
	ADD $32, R10
	VLD1 (R10), [V3.S4]
	ADD $32, R10
	VLD1 (R10), [V4.S4]
	ADD $32, R10
	VLD1 (R10), [V5.S4]
	ADD $32, R10
	VLD1 (R10), [V6.S4]
	ADD $32, R10
	VLD1 (R10), [V7.S4]
	IDCT_MASK
	VSHL $2, V0.S4, V17.S4        // the Go code's shortcut: x0 << 2
	IDCT_PASS(11)
	// Rows 0..3 of the result into tile (0, h), 4..7 into tile (1, h).
	LSL $2, R12, R10              // 64*h = 4*R12
	ADD R9, R10
	VST1 [V8.S4], (R10)
	ADD $16, R10
	VST1 [V9.S4], (R10)
	ADD $16, R10
	VST1 [V10.S4], (R10)
	ADD $16, R10
	VST1 [V11.S4], (R10)
	ADD $16, R10
	ADD $64, R10                  // tile (1, h)
	VST1 [V0.S4], (R10)
	ADD $16, R10
	VST1 [V1.S4], (R10)
	ADD $16, R10
	VST1 [V2.S4], (R10)
	ADD $16, R10
	VST1 [V3.S4], (R10)
	ADD $16, R12
	CMP $32, R12
	BLT cols
	MOVW $33685504, R11            // 4112 << 13: rounding and level shift of the row pass
	VDUP R11, V19.S4
	MOVD $0, R12                   // 128*g: rows 4g..4g+3
rows:
	ADD R12, R9, R10
	VLD4 (R10), [V0.S4, V1.S4, V2.S4, V3.S4]
	ADD $64, R10, R13
	VLD4 (R13), [V4.S4, V5.S4, V6.S4, V7.S4]
	IDCT_MASK
	MOVW $4112, R11
	VDUP R11, V17.S4
	VADD V0.S4, V17.S4, V17.S4
	SSHR4S(5, 17, 17)              // the Go code's shortcut: (x0 + 4112) >> 5
	IDCT_PASS(18)
	VST4 [V8.S4, V9.S4, V10.S4, V11.S4], (R10)
	VST4 [V0.S4, V1.S4, V2.S4, V3.S4], (R13)
	ADD $128, R12
	CMP $256, R12
	BLT rows
	// Narrow with saturation (the clamp to [0, 255]) and store the rows:
	// row y is row y%4 of tiles (y/4, 0) and (y/4, 1).
	MOVD dst+8(FP), R1
	MOVD stride+16(FP), R2
	MOVD $0, R12                   // 16*(y%4) + 128*(y/4)
store:
	ADD R12, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $64, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $16, R12
	CMP $64, R12
	BNE notmid
	MOVD $128, R12                 // rows 4..7
notmid:
	CMP $192, R12
	BLT store
	RET

// IDCT4_PASS(sh): the 1-D pass of idct4 on four lanes: inputs f0..f3 in
// V0..V3, constants F0707, F0923, F0382, -F0923 in V20..V23, the rounding
// in V26; outputs (e0+o0, e1+o1, e1-o1, e0-o0) >> sh in V0..V3.
#define IDCT4_PASS(sh) \
	VADD V0.S4, V2.S4, V4.S4; \
	VSUB V2.S4, V0.S4, V5.S4; \
	MUL4S(20, 4, 4); \
	MUL4S(20, 5, 5); \
	VADD V26.S4, V4.S4, V4.S4; \
	VADD V26.S4, V5.S4, V5.S4; \
	MUL4S(21, 1, 6); \
	MLA4S(22, 3, 6); \
	MUL4S(22, 1, 7); \
	MLA4S(23, 3, 7); \
	VADD V6.S4, V4.S4, V0.S4; \
	VSUB V6.S4, V4.S4, V3.S4; \
	VADD V7.S4, V5.S4, V1.S4; \
	VSUB V7.S4, V5.S4, V2.S4; \
	SSHR4S(sh, 0, 0); \
	SSHR4S(sh, 1, 1); \
	SSHR4S(sh, 2, 2); \
	SSHR4S(sh, 3, 3)

// func idct4NEON(blk *[64]int32, dst *byte, stride int)
//
// idct4 with NEON: the column pass on the four columns at once, a
// transpose through the stack (VST1, VLD4), the row pass on the four rows
// at once, and back (VST4, VLD1).
TEXT ·idct4NEON(SB), NOSPLIT, $64-24
	MOVD blk+0(FP), R0
	MOVD $ws-64(SP), R9
	MOVW $5793, R11               // F0707
	VDUP R11, V20.S4
	MOVW $7568, R11               // F0923
	VDUP R11, V21.S4
	MOVW $3135, R11               // F0382
	VDUP R11, V22.S4
	MOVW $-7568, R11
	VDUP R11, V23.S4
	VLD1 (R0), [V0.S4]
	ADD  $32, R0, R10
	VLD1 (R10), [V1.S4]
	ADD  $64, R0, R10
	VLD1 (R10), [V2.S4]
	ADD  $96, R0, R10
	VLD1 (R10), [V3.S4]
	MOVW $1024, R11               // rounding of the column pass
	VDUP R11, V26.S4
	IDCT4_PASS(11)
	VST1 [V0.S4, V1.S4, V2.S4, V3.S4], (R9)
	VLD4 (R9), [V0.S4, V1.S4, V2.S4, V3.S4]
	MOVW $16842752, R11           // 128<<17 + 1<<16: level shift and rounding
	VDUP R11, V26.S4
	IDCT4_PASS(17)
	VST4 [V0.S4, V1.S4, V2.S4, V3.S4], (R9)
	VLD1 (R9), [V0.S4, V1.S4, V2.S4, V3.S4]
	SQXTUN4H(0, 4)
	SQXTUN8H(1, 4)
	UQXTN8B(4, 5)                 // rows 0 and 1
	SQXTUN4H(2, 6)
	SQXTUN8H(3, 6)
	UQXTN8B(6, 7)                 // rows 2 and 3
	MOVD dst+8(FP), R1
	MOVD stride+16(FP), R2
	VMOV V5.S[0], R3
	MOVW R3, (R1)
	ADD  R2, R1
	VMOV V5.S[1], R3
	MOVW R3, (R1)
	ADD  R2, R1
	VMOV V7.S[0], R3
	MOVW R3, (R1)
	ADD  R2, R1
	VMOV V7.S[1], R3
	MOVW R3, (R1)
	RET
