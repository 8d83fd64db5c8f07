//go:build !purego

#include "textflag.h"

// Go's assembler has no mnemonic for these NEON instructions; they are
// encoded here (Arm A64 encodings, register numbers d, n, m).
#define MLA4S(m, n, d) WORD $(0x4EA09400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S += Vn.4S * Vm.4S
#define SSHR4S22(n, d) WORD $(0x4F2A0400 | (n)<<5 | (d))            // Vd.4S = Vn.4S >> 22 (arithmetic)
#define SQXTUN4H(n, d) WORD $(0x2E612800 | (n)<<5 | (d))            // Vd.4H = unsigned-saturate(Vn.4S), upper half cleared
#define SQXTUN8H(n, d) WORD $(0x6E612800 | (n)<<5 | (d))            // SQXTUN2: into the upper half of Vd.8H
#define UQXTN8B(n, d) WORD $(0x2E214800 | (n)<<5 | (d))             // Vd.8B = saturate(Vn.8H unsigned)
#define UQXTN16B(n, d) WORD $(0x6E214800 | (n)<<5 | (d))            // UQXTN2: into the upper half of Vd.16B

// func verticalNEON(out []byte, rows [][]byte, k []int32)
//
// For each column x: out[x] = clip8(half + sum over t of rows[t][x]*k[t]),
// 16 columns at a time, then 8 at a time.
TEXT ·verticalNEON(SB), NOSPLIT, $0-72
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	AND  $~7, R1             // columns to do
	MOVD rows_base+24(FP), R2
	MOVD k_base+48(FP), R3
	MOVD k_len+56(FP), R4
	MOVW $0x200000, R5       // half = 1 << (precisionBits-1)
	VDUP R5, V31.S4
	MOVD $0, R6              // column

loop16:
	ADD  $16, R6, R7
	CMP  R1, R7
	BGT  loop8
	VMOV V31.B16, V0.B16
	VMOV V31.B16, V1.B16
	VMOV V31.B16, V2.B16
	VMOV V31.B16, V3.B16
	MOVD $0, R8              // tap
	MOVD R2, R9              // &rows[tap]

taps16:
	MOVD  (R9), R10
	ADD   R6, R10
	VLD1  (R10), [V4.B16]
	MOVWU (R3)(R8<<2), R11
	VDUP  R11, V5.S4
	VUXTL  V4.B8, V6.H8
	VUXTL2 V4.B16, V7.H8
	VUXTL  V6.H4, V16.S4
	VUXTL2 V6.H8, V17.S4
	VUXTL  V7.H4, V18.S4
	VUXTL2 V7.H8, V19.S4
	MLA4S(5, 16, 0)
	MLA4S(5, 17, 1)
	MLA4S(5, 18, 2)
	MLA4S(5, 19, 3)
	ADD  $24, R9
	ADD  $1, R8
	CMP  R4, R8
	BLT  taps16

	SSHR4S22(0, 0)
	SSHR4S22(1, 1)
	SSHR4S22(2, 2)
	SSHR4S22(3, 3)
	SQXTUN4H(0, 20)
	SQXTUN8H(1, 20)
	SQXTUN4H(2, 21)
	SQXTUN8H(3, 21)
	UQXTN8B(20, 22)
	UQXTN16B(21, 22)
	ADD  R6, R0, R10
	VST1 [V22.B16], (R10)
	MOVD R7, R6
	B    loop16

loop8:
	ADD  $8, R6, R7
	CMP  R1, R7
	BGT  done
	VMOV V31.B16, V0.B16
	VMOV V31.B16, V1.B16
	MOVD $0, R8
	MOVD R2, R9

taps8:
	MOVD  (R9), R10
	ADD   R6, R10
	VLD1  (R10), [V4.B8]
	MOVWU (R3)(R8<<2), R11
	VDUP  R11, V5.S4
	VUXTL  V4.B8, V6.H8
	VUXTL  V6.H4, V16.S4
	VUXTL2 V6.H8, V17.S4
	MLA4S(5, 16, 0)
	MLA4S(5, 17, 1)
	ADD  $24, R9
	ADD  $1, R8
	CMP  R4, R8
	BLT  taps8

	SSHR4S22(0, 0)
	SSHR4S22(1, 1)
	SQXTUN4H(0, 20)
	SQXTUN8H(1, 20)
	UQXTN8B(20, 22)
	ADD  R6, R0, R10
	VST1 [V22.B8], (R10)
	MOVD R7, R6
	B    loop8

done:
	RET
