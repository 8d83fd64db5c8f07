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

// func idct8NEON(blk *[64]int32, dst *byte, stride int)
//
// idct8 with NEON: the column pass on four columns at a time, the row
// pass on four rows at a time, through a 4x4-tiled work area on the stack
// (VLD4 and VST4 transpose the tiles).
TEXT ·idct8NEON(SB), NOSPLIT, $256-24
	MOVD blk+0(FP), R0
	MOVD $ws-256(SP), R9          // work area: tile (g, h) at 64*(2g+h), row r at 16r
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
	// Columns 0..3.
	ADD $0, R0, R10
	VLD1 (R10), [V0.S4]
	ADD $32, R0, R10
	VLD1 (R10), [V1.S4]
	ADD $64, R0, R10
	VLD1 (R10), [V2.S4]
	ADD $96, R0, R10
	VLD1 (R10), [V3.S4]
	ADD $128, R0, R10
	VLD1 (R10), [V4.S4]
	ADD $160, R0, R10
	VLD1 (R10), [V5.S4]
	ADD $192, R0, R10
	VLD1 (R10), [V6.S4]
	ADD $224, R0, R10
	VLD1 (R10), [V7.S4]
	VORR V1.B16, V2.B16, V16.B16
	VORR V3.B16, V16.B16, V16.B16
	VORR V4.B16, V16.B16, V16.B16
	VORR V5.B16, V16.B16, V16.B16
	VORR V6.B16, V16.B16, V16.B16
	VORR V7.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VCMEQ V17.S4, V16.S4, V16.S4  // lanes whose AC inputs are all zero
	VSHL $2, V0.S4, V17.S4          // the Go code's shortcut value
	VADD V2.S4, V6.S4, V8.S4
	MUL4S(20, 8, 8)                 // z1
	VORR V8.B16, V8.B16, V9.B16
	MLA4S(21, 6, 9)                 // tmp2 = z1 - x6*F1847
	VORR V8.B16, V8.B16, V10.B16
	MLA4S(22, 2, 10)                // tmp3 = z1 + x2*F0765
	VADD V0.S4, V4.S4, V11.S4
	VSUB V4.S4, V0.S4, V12.S4
	VSHL $13, V11.S4, V11.S4
	VSHL $13, V12.S4, V12.S4
	VADD V19.S4, V11.S4, V11.S4     // tmp0, with the rounding (and level shift)
	VADD V19.S4, V12.S4, V12.S4     // tmp1
	VADD V10.S4, V11.S4, V13.S4     // tmp10
	VSUB V10.S4, V11.S4, V14.S4     // tmp13
	VADD V9.S4, V12.S4, V15.S4      // tmp11
	VSUB V9.S4, V12.S4, V18.S4      // tmp12
	VADD V7.S4, V1.S4, V8.S4        // z1
	VADD V5.S4, V3.S4, V9.S4        // z2
	VADD V7.S4, V3.S4, V10.S4       // z3
	VADD V5.S4, V1.S4, V11.S4       // z4
	VADD V10.S4, V11.S4, V12.S4
	MUL4S(23, 12, 12)               // z5
	MUL4S(24, 7, 7)
	MUL4S(25, 5, 5)
	MUL4S(26, 3, 3)
	MUL4S(27, 1, 1)
	MUL4S(28, 8, 8)
	MUL4S(29, 9, 9)
	MUL4S(30, 10, 10)
	VADD V12.S4, V10.S4, V10.S4
	MUL4S(31, 11, 11)
	VADD V12.S4, V11.S4, V11.S4
	VADD V8.S4, V7.S4, V7.S4
	VADD V10.S4, V7.S4, V7.S4       // t0 += z1 + z3
	VADD V9.S4, V5.S4, V5.S4
	VADD V11.S4, V5.S4, V5.S4       // t1 += z2 + z4
	VADD V9.S4, V3.S4, V3.S4
	VADD V10.S4, V3.S4, V3.S4       // t2 += z2 + z3
	VADD V8.S4, V1.S4, V1.S4
	VADD V11.S4, V1.S4, V1.S4       // t3 += z1 + z4
	VADD V1.S4, V13.S4, V8.S4       // W0 = tmp10 + t3
	VADD V3.S4, V15.S4, V9.S4       // W1 = tmp11 + t2
	VADD V5.S4, V18.S4, V10.S4      // W2 = tmp12 + t1
	VADD V7.S4, V14.S4, V11.S4      // W3 = tmp13 + t0
	VSUB V3.S4, V15.S4, V2.S4       // W6
	VSUB V1.S4, V13.S4, V3.S4       // W7
	VSUB V7.S4, V14.S4, V0.S4       // W4
	VSUB V5.S4, V18.S4, V1.S4       // W5
	SSHR4S(11, 8, 8)
	SSHR4S(11, 9, 9)
	SSHR4S(11, 10, 10)
	SSHR4S(11, 11, 11)
	SSHR4S(11, 0, 0)
	SSHR4S(11, 1, 1)
	SSHR4S(11, 2, 2)
	SSHR4S(11, 3, 3)
	VBIT V16.B16, V17.B16, V8.B16
	VBIT V16.B16, V17.B16, V9.B16
	VBIT V16.B16, V17.B16, V10.B16
	VBIT V16.B16, V17.B16, V11.B16
	VBIT V16.B16, V17.B16, V0.B16
	VBIT V16.B16, V17.B16, V1.B16
	VBIT V16.B16, V17.B16, V2.B16
	VBIT V16.B16, V17.B16, V3.B16
	ADD $0, R9, R10
	VST1 [V8.S4], (R10)
	ADD $16, R9, R10
	VST1 [V9.S4], (R10)
	ADD $32, R9, R10
	VST1 [V10.S4], (R10)
	ADD $48, R9, R10
	VST1 [V11.S4], (R10)
	ADD $128, R9, R10
	VST1 [V0.S4], (R10)
	ADD $144, R9, R10
	VST1 [V1.S4], (R10)
	ADD $160, R9, R10
	VST1 [V2.S4], (R10)
	ADD $176, R9, R10
	VST1 [V3.S4], (R10)
	// Columns 4..7.
	ADD $16, R0, R10
	VLD1 (R10), [V0.S4]
	ADD $48, R0, R10
	VLD1 (R10), [V1.S4]
	ADD $80, R0, R10
	VLD1 (R10), [V2.S4]
	ADD $112, R0, R10
	VLD1 (R10), [V3.S4]
	ADD $144, R0, R10
	VLD1 (R10), [V4.S4]
	ADD $176, R0, R10
	VLD1 (R10), [V5.S4]
	ADD $208, R0, R10
	VLD1 (R10), [V6.S4]
	ADD $240, R0, R10
	VLD1 (R10), [V7.S4]
	VORR V1.B16, V2.B16, V16.B16
	VORR V3.B16, V16.B16, V16.B16
	VORR V4.B16, V16.B16, V16.B16
	VORR V5.B16, V16.B16, V16.B16
	VORR V6.B16, V16.B16, V16.B16
	VORR V7.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VCMEQ V17.S4, V16.S4, V16.S4  // lanes whose AC inputs are all zero
	VSHL $2, V0.S4, V17.S4          // the Go code's shortcut value
	VADD V2.S4, V6.S4, V8.S4
	MUL4S(20, 8, 8)                 // z1
	VORR V8.B16, V8.B16, V9.B16
	MLA4S(21, 6, 9)                 // tmp2 = z1 - x6*F1847
	VORR V8.B16, V8.B16, V10.B16
	MLA4S(22, 2, 10)                // tmp3 = z1 + x2*F0765
	VADD V0.S4, V4.S4, V11.S4
	VSUB V4.S4, V0.S4, V12.S4
	VSHL $13, V11.S4, V11.S4
	VSHL $13, V12.S4, V12.S4
	VADD V19.S4, V11.S4, V11.S4     // tmp0, with the rounding (and level shift)
	VADD V19.S4, V12.S4, V12.S4     // tmp1
	VADD V10.S4, V11.S4, V13.S4     // tmp10
	VSUB V10.S4, V11.S4, V14.S4     // tmp13
	VADD V9.S4, V12.S4, V15.S4      // tmp11
	VSUB V9.S4, V12.S4, V18.S4      // tmp12
	VADD V7.S4, V1.S4, V8.S4        // z1
	VADD V5.S4, V3.S4, V9.S4        // z2
	VADD V7.S4, V3.S4, V10.S4       // z3
	VADD V5.S4, V1.S4, V11.S4       // z4
	VADD V10.S4, V11.S4, V12.S4
	MUL4S(23, 12, 12)               // z5
	MUL4S(24, 7, 7)
	MUL4S(25, 5, 5)
	MUL4S(26, 3, 3)
	MUL4S(27, 1, 1)
	MUL4S(28, 8, 8)
	MUL4S(29, 9, 9)
	MUL4S(30, 10, 10)
	VADD V12.S4, V10.S4, V10.S4
	MUL4S(31, 11, 11)
	VADD V12.S4, V11.S4, V11.S4
	VADD V8.S4, V7.S4, V7.S4
	VADD V10.S4, V7.S4, V7.S4       // t0 += z1 + z3
	VADD V9.S4, V5.S4, V5.S4
	VADD V11.S4, V5.S4, V5.S4       // t1 += z2 + z4
	VADD V9.S4, V3.S4, V3.S4
	VADD V10.S4, V3.S4, V3.S4       // t2 += z2 + z3
	VADD V8.S4, V1.S4, V1.S4
	VADD V11.S4, V1.S4, V1.S4       // t3 += z1 + z4
	VADD V1.S4, V13.S4, V8.S4       // W0 = tmp10 + t3
	VADD V3.S4, V15.S4, V9.S4       // W1 = tmp11 + t2
	VADD V5.S4, V18.S4, V10.S4      // W2 = tmp12 + t1
	VADD V7.S4, V14.S4, V11.S4      // W3 = tmp13 + t0
	VSUB V3.S4, V15.S4, V2.S4       // W6
	VSUB V1.S4, V13.S4, V3.S4       // W7
	VSUB V7.S4, V14.S4, V0.S4       // W4
	VSUB V5.S4, V18.S4, V1.S4       // W5
	SSHR4S(11, 8, 8)
	SSHR4S(11, 9, 9)
	SSHR4S(11, 10, 10)
	SSHR4S(11, 11, 11)
	SSHR4S(11, 0, 0)
	SSHR4S(11, 1, 1)
	SSHR4S(11, 2, 2)
	SSHR4S(11, 3, 3)
	VBIT V16.B16, V17.B16, V8.B16
	VBIT V16.B16, V17.B16, V9.B16
	VBIT V16.B16, V17.B16, V10.B16
	VBIT V16.B16, V17.B16, V11.B16
	VBIT V16.B16, V17.B16, V0.B16
	VBIT V16.B16, V17.B16, V1.B16
	VBIT V16.B16, V17.B16, V2.B16
	VBIT V16.B16, V17.B16, V3.B16
	ADD $64, R9, R10
	VST1 [V8.S4], (R10)
	ADD $80, R9, R10
	VST1 [V9.S4], (R10)
	ADD $96, R9, R10
	VST1 [V10.S4], (R10)
	ADD $112, R9, R10
	VST1 [V11.S4], (R10)
	ADD $192, R9, R10
	VST1 [V0.S4], (R10)
	ADD $208, R9, R10
	VST1 [V1.S4], (R10)
	ADD $224, R9, R10
	VST1 [V2.S4], (R10)
	ADD $240, R9, R10
	VST1 [V3.S4], (R10)
	MOVW $33685504, R11            // 4112 << 13: rounding and level shift of the row pass
	VDUP R11, V19.S4
	// Rows 0..3.
	ADD $0, R9, R10
	VLD4 (R10), [V0.S4, V1.S4, V2.S4, V3.S4]
	ADD $64, R9, R12
	VLD4 (R12), [V4.S4, V5.S4, V6.S4, V7.S4]
	VORR V1.B16, V2.B16, V16.B16
	VORR V3.B16, V16.B16, V16.B16
	VORR V4.B16, V16.B16, V16.B16
	VORR V5.B16, V16.B16, V16.B16
	VORR V6.B16, V16.B16, V16.B16
	VORR V7.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VCMEQ V17.S4, V16.S4, V16.S4  // lanes whose AC inputs are all zero
	MOVW $4112, R11
	VDUP R11, V17.S4
	VADD V0.S4, V17.S4, V17.S4
	SSHR4S(5, 17, 17)              // the Go code's shortcut value
	VADD V2.S4, V6.S4, V8.S4
	MUL4S(20, 8, 8)                 // z1
	VORR V8.B16, V8.B16, V9.B16
	MLA4S(21, 6, 9)                 // tmp2 = z1 - x6*F1847
	VORR V8.B16, V8.B16, V10.B16
	MLA4S(22, 2, 10)                // tmp3 = z1 + x2*F0765
	VADD V0.S4, V4.S4, V11.S4
	VSUB V4.S4, V0.S4, V12.S4
	VSHL $13, V11.S4, V11.S4
	VSHL $13, V12.S4, V12.S4
	VADD V19.S4, V11.S4, V11.S4     // tmp0, with the rounding (and level shift)
	VADD V19.S4, V12.S4, V12.S4     // tmp1
	VADD V10.S4, V11.S4, V13.S4     // tmp10
	VSUB V10.S4, V11.S4, V14.S4     // tmp13
	VADD V9.S4, V12.S4, V15.S4      // tmp11
	VSUB V9.S4, V12.S4, V18.S4      // tmp12
	VADD V7.S4, V1.S4, V8.S4        // z1
	VADD V5.S4, V3.S4, V9.S4        // z2
	VADD V7.S4, V3.S4, V10.S4       // z3
	VADD V5.S4, V1.S4, V11.S4       // z4
	VADD V10.S4, V11.S4, V12.S4
	MUL4S(23, 12, 12)               // z5
	MUL4S(24, 7, 7)
	MUL4S(25, 5, 5)
	MUL4S(26, 3, 3)
	MUL4S(27, 1, 1)
	MUL4S(28, 8, 8)
	MUL4S(29, 9, 9)
	MUL4S(30, 10, 10)
	VADD V12.S4, V10.S4, V10.S4
	MUL4S(31, 11, 11)
	VADD V12.S4, V11.S4, V11.S4
	VADD V8.S4, V7.S4, V7.S4
	VADD V10.S4, V7.S4, V7.S4       // t0 += z1 + z3
	VADD V9.S4, V5.S4, V5.S4
	VADD V11.S4, V5.S4, V5.S4       // t1 += z2 + z4
	VADD V9.S4, V3.S4, V3.S4
	VADD V10.S4, V3.S4, V3.S4       // t2 += z2 + z3
	VADD V8.S4, V1.S4, V1.S4
	VADD V11.S4, V1.S4, V1.S4       // t3 += z1 + z4
	VADD V1.S4, V13.S4, V8.S4       // W0 = tmp10 + t3
	VADD V3.S4, V15.S4, V9.S4       // W1 = tmp11 + t2
	VADD V5.S4, V18.S4, V10.S4      // W2 = tmp12 + t1
	VADD V7.S4, V14.S4, V11.S4      // W3 = tmp13 + t0
	VSUB V3.S4, V15.S4, V2.S4       // W6
	VSUB V1.S4, V13.S4, V3.S4       // W7
	VSUB V7.S4, V14.S4, V0.S4       // W4
	VSUB V5.S4, V18.S4, V1.S4       // W5
	SSHR4S(18, 8, 8)
	SSHR4S(18, 9, 9)
	SSHR4S(18, 10, 10)
	SSHR4S(18, 11, 11)
	SSHR4S(18, 0, 0)
	SSHR4S(18, 1, 1)
	SSHR4S(18, 2, 2)
	SSHR4S(18, 3, 3)
	VBIT V16.B16, V17.B16, V8.B16
	VBIT V16.B16, V17.B16, V9.B16
	VBIT V16.B16, V17.B16, V10.B16
	VBIT V16.B16, V17.B16, V11.B16
	VBIT V16.B16, V17.B16, V0.B16
	VBIT V16.B16, V17.B16, V1.B16
	VBIT V16.B16, V17.B16, V2.B16
	VBIT V16.B16, V17.B16, V3.B16
	VST4 [V8.S4, V9.S4, V10.S4, V11.S4], (R10)
	VST4 [V0.S4, V1.S4, V2.S4, V3.S4], (R12)
	// Rows 4..7.
	ADD $128, R9, R10
	VLD4 (R10), [V0.S4, V1.S4, V2.S4, V3.S4]
	ADD $192, R9, R12
	VLD4 (R12), [V4.S4, V5.S4, V6.S4, V7.S4]
	VORR V1.B16, V2.B16, V16.B16
	VORR V3.B16, V16.B16, V16.B16
	VORR V4.B16, V16.B16, V16.B16
	VORR V5.B16, V16.B16, V16.B16
	VORR V6.B16, V16.B16, V16.B16
	VORR V7.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VCMEQ V17.S4, V16.S4, V16.S4  // lanes whose AC inputs are all zero
	MOVW $4112, R11
	VDUP R11, V17.S4
	VADD V0.S4, V17.S4, V17.S4
	SSHR4S(5, 17, 17)              // the Go code's shortcut value
	VADD V2.S4, V6.S4, V8.S4
	MUL4S(20, 8, 8)                 // z1
	VORR V8.B16, V8.B16, V9.B16
	MLA4S(21, 6, 9)                 // tmp2 = z1 - x6*F1847
	VORR V8.B16, V8.B16, V10.B16
	MLA4S(22, 2, 10)                // tmp3 = z1 + x2*F0765
	VADD V0.S4, V4.S4, V11.S4
	VSUB V4.S4, V0.S4, V12.S4
	VSHL $13, V11.S4, V11.S4
	VSHL $13, V12.S4, V12.S4
	VADD V19.S4, V11.S4, V11.S4     // tmp0, with the rounding (and level shift)
	VADD V19.S4, V12.S4, V12.S4     // tmp1
	VADD V10.S4, V11.S4, V13.S4     // tmp10
	VSUB V10.S4, V11.S4, V14.S4     // tmp13
	VADD V9.S4, V12.S4, V15.S4      // tmp11
	VSUB V9.S4, V12.S4, V18.S4      // tmp12
	VADD V7.S4, V1.S4, V8.S4        // z1
	VADD V5.S4, V3.S4, V9.S4        // z2
	VADD V7.S4, V3.S4, V10.S4       // z3
	VADD V5.S4, V1.S4, V11.S4       // z4
	VADD V10.S4, V11.S4, V12.S4
	MUL4S(23, 12, 12)               // z5
	MUL4S(24, 7, 7)
	MUL4S(25, 5, 5)
	MUL4S(26, 3, 3)
	MUL4S(27, 1, 1)
	MUL4S(28, 8, 8)
	MUL4S(29, 9, 9)
	MUL4S(30, 10, 10)
	VADD V12.S4, V10.S4, V10.S4
	MUL4S(31, 11, 11)
	VADD V12.S4, V11.S4, V11.S4
	VADD V8.S4, V7.S4, V7.S4
	VADD V10.S4, V7.S4, V7.S4       // t0 += z1 + z3
	VADD V9.S4, V5.S4, V5.S4
	VADD V11.S4, V5.S4, V5.S4       // t1 += z2 + z4
	VADD V9.S4, V3.S4, V3.S4
	VADD V10.S4, V3.S4, V3.S4       // t2 += z2 + z3
	VADD V8.S4, V1.S4, V1.S4
	VADD V11.S4, V1.S4, V1.S4       // t3 += z1 + z4
	VADD V1.S4, V13.S4, V8.S4       // W0 = tmp10 + t3
	VADD V3.S4, V15.S4, V9.S4       // W1 = tmp11 + t2
	VADD V5.S4, V18.S4, V10.S4      // W2 = tmp12 + t1
	VADD V7.S4, V14.S4, V11.S4      // W3 = tmp13 + t0
	VSUB V3.S4, V15.S4, V2.S4       // W6
	VSUB V1.S4, V13.S4, V3.S4       // W7
	VSUB V7.S4, V14.S4, V0.S4       // W4
	VSUB V5.S4, V18.S4, V1.S4       // W5
	SSHR4S(18, 8, 8)
	SSHR4S(18, 9, 9)
	SSHR4S(18, 10, 10)
	SSHR4S(18, 11, 11)
	SSHR4S(18, 0, 0)
	SSHR4S(18, 1, 1)
	SSHR4S(18, 2, 2)
	SSHR4S(18, 3, 3)
	VBIT V16.B16, V17.B16, V8.B16
	VBIT V16.B16, V17.B16, V9.B16
	VBIT V16.B16, V17.B16, V10.B16
	VBIT V16.B16, V17.B16, V11.B16
	VBIT V16.B16, V17.B16, V0.B16
	VBIT V16.B16, V17.B16, V1.B16
	VBIT V16.B16, V17.B16, V2.B16
	VBIT V16.B16, V17.B16, V3.B16
	VST4 [V8.S4, V9.S4, V10.S4, V11.S4], (R10)
	VST4 [V0.S4, V1.S4, V2.S4, V3.S4], (R12)
	// Narrow with saturation (the clamp to [0, 255]) and store the rows.
	MOVD dst+8(FP), R1
	MOVD stride+16(FP), R2
	ADD $0, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $64, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $16, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $80, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $32, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $96, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $48, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $112, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $128, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $192, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $144, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $208, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $160, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $224, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	ADD R2, R1
	ADD $176, R9, R10
	VLD1 (R10), [V0.S4]
	ADD $240, R9, R10
	VLD1 (R10), [V1.S4]
	SQXTUN4H(0, 2)
	SQXTUN8H(1, 2)
	UQXTN8B(2, 3)
	VST1 [V3.B8], (R1)
	RET
