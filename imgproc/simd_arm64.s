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

// func horizontalGrayNEON(out, in []byte, start, k []int32, stride int)
//
// Eight outputs at a time: eight dot products of stride taps, eight at a
// time, then summed across lanes (VADDP) into two vectors.
TEXT ·horizontalGrayNEON(SB), NOSPLIT, $0-104
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	MOVD in_base+24(FP), R2
	MOVD start_base+48(FP), R3
	MOVD k_base+72(FP), R4
	MOVD stride+96(FP), R5
	LSR  $3, R5, R5             // chunks of 8 taps per output
	MOVW $0x200000, R6          // half
	VDUP R6, V31.S4
	MOVD $0, R7                 // output

hloop:
	CMP  R1, R7
	BGE  hdone
	VEOR V0.B16, V0.B16, V0.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h0:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 0)
	MLA4S(10, 12, 0)
	SUBS $1, R9
	BNE  h0
	VEOR V1.B16, V1.B16, V1.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h1:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 1)
	MLA4S(10, 12, 1)
	SUBS $1, R9
	BNE  h1
	VEOR V2.B16, V2.B16, V2.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h2:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 2)
	MLA4S(10, 12, 2)
	SUBS $1, R9
	BNE  h2
	VEOR V3.B16, V3.B16, V3.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h3:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 3)
	MLA4S(10, 12, 3)
	SUBS $1, R9
	BNE  h3
	VEOR V4.B16, V4.B16, V4.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h4:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 4)
	MLA4S(10, 12, 4)
	SUBS $1, R9
	BNE  h4
	VEOR V5.B16, V5.B16, V5.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h5:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 5)
	MLA4S(10, 12, 5)
	SUBS $1, R9
	BNE  h5
	VEOR V6.B16, V6.B16, V6.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h6:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 6)
	MLA4S(10, 12, 6)
	SUBS $1, R9
	BNE  h6
	VEOR V7.B16, V7.B16, V7.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R2, R8, R8
	MOVD R5, R9
h7:
	VLD1 (R8), [V8.B8]
	ADD  $8, R8
	VLD1 (R4), [V9.S4, V10.S4]
	ADD  $32, R4
	VUXTL  V8.B8, V8.H8
	VUXTL  V8.H4, V11.S4
	VUXTL2 V8.H8, V12.S4
	MLA4S(9, 11, 7)
	MLA4S(10, 12, 7)
	SUBS $1, R9
	BNE  h7
	VADDP V1.S4, V0.S4, V16.S4
	VADDP V3.S4, V2.S4, V17.S4
	VADDP V17.S4, V16.S4, V16.S4  // outputs 0..3
	VADDP V5.S4, V4.S4, V18.S4
	VADDP V7.S4, V6.S4, V19.S4
	VADDP V19.S4, V18.S4, V17.S4  // outputs 4..7
	VADD V31.S4, V16.S4, V16.S4
	VADD V31.S4, V17.S4, V17.S4
	SSHR4S22(16, 16)
	SSHR4S22(17, 17)
	SQXTUN4H(16, 20)
	SQXTUN8H(17, 20)
	UQXTN8B(20, 21)
	ADD  R7, R0, R10
	VST1 [V21.B8], (R10)
	ADD  $8, R7
	B    hloop

hdone:
	RET
