//go:build !purego

#include "textflag.h"

// Go's assembler has no mnemonic for these NEON instructions; they are
// encoded here (Arm A64 encodings, register numbers d, n, m).
#define MLA4S(m, n, d) WORD $(0x4EA09400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S += Vn.4S * Vm.4S
#define SSHR4S22(n, d) WORD $(0x4F2A0400 | (n)<<5 | (d))            // Vd.4S = Vn.4S >> 22 (arithmetic)
#define SQXTUN4H(n, d) WORD $(0x2E612800 | (n)<<5 | (d))            // Vd.4H = unsigned-saturate(Vn.4S), upper half cleared
#define SQXTUN8H(n, d) WORD $(0x6E612800 | (n)<<5 | (d))            // SQXTUN2: into the upper half of Vd.8H
#define UQXTN8B(n, d) WORD $(0x2E214800 | (n)<<5 | (d))             // Vd.8B = saturate(Vn.8H unsigned)
#define MLAE4S(i, m, n, d) WORD $(0x6F800000 | ((i)&1)<<21 | ((i)>>1)<<11 | (m)<<16 | (n)<<5 | (d)) // Vd.4S += Vn.4S * Vm.S[i]
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

// func horizontal4NEON(out, in []byte, start, k []int32, stride int)
//
// Two RGBA outputs at a time. For each chunk of 8 taps: the 8 pixels
// widened to one 32-bit vector each, multiplied by their weight (MLA by
// element) into two accumulators per output.
TEXT ·horizontal4NEON(SB), NOSPLIT, $0-104
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	MOVD in_base+24(FP), R2
	MOVD start_base+48(FP), R3
	MOVD k_base+72(FP), R4
	MOVD stride+96(FP), R5
	LSR  $3, R5, R5             // chunks of 8 taps per output
	MOVW $0x200000, R6          // half
	VDUP R6, V31.S4
	MOVD $0, R7                 // output byte

h4loop:
	CMP  R1, R7
	BGE  h4done
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<2, R2, R8
	MOVD R5, R9
h4t0:
	VLD1.P 32(R8), [V8.B16, V9.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VUXTL  V8.B8, V12.H8
	VUXTL2 V8.B16, V13.H8
	VUXTL  V9.B8, V14.H8
	VUXTL2 V9.B16, V15.H8
	VUXTL  V12.H4, V16.S4
	VUXTL2 V12.H8, V17.S4
	VUXTL  V13.H4, V18.S4
	VUXTL2 V13.H8, V19.S4
	VUXTL  V14.H4, V20.S4
	VUXTL2 V14.H8, V21.S4
	VUXTL  V15.H4, V22.S4
	VUXTL2 V15.H8, V23.S4
	MLAE4S(0, 10, 16, 0)
	MLAE4S(1, 10, 17, 1)
	MLAE4S(2, 10, 18, 0)
	MLAE4S(3, 10, 19, 1)
	MLAE4S(0, 11, 20, 0)
	MLAE4S(1, 11, 21, 1)
	MLAE4S(2, 11, 22, 0)
	MLAE4S(3, 11, 23, 1)
	SUBS $1, R9
	BNE  h4t0
	VADD V1.S4, V0.S4, V0.S4
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<2, R2, R8
	MOVD R5, R9
h4t1:
	VLD1.P 32(R8), [V8.B16, V9.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VUXTL  V8.B8, V12.H8
	VUXTL2 V8.B16, V13.H8
	VUXTL  V9.B8, V14.H8
	VUXTL2 V9.B16, V15.H8
	VUXTL  V12.H4, V16.S4
	VUXTL2 V12.H8, V17.S4
	VUXTL  V13.H4, V18.S4
	VUXTL2 V13.H8, V19.S4
	VUXTL  V14.H4, V20.S4
	VUXTL2 V14.H8, V21.S4
	VUXTL  V15.H4, V22.S4
	VUXTL2 V15.H8, V23.S4
	MLAE4S(0, 10, 16, 2)
	MLAE4S(1, 10, 17, 3)
	MLAE4S(2, 10, 18, 2)
	MLAE4S(3, 10, 19, 3)
	MLAE4S(0, 11, 20, 2)
	MLAE4S(1, 11, 21, 3)
	MLAE4S(2, 11, 22, 2)
	MLAE4S(3, 11, 23, 3)
	SUBS $1, R9
	BNE  h4t1
	VADD V3.S4, V2.S4, V2.S4
	VADD V31.S4, V0.S4, V0.S4
	VADD V31.S4, V2.S4, V2.S4
	SSHR4S22(0, 0)
	SSHR4S22(2, 2)
	SQXTUN4H(0, 20)
	SQXTUN8H(2, 20)
	UQXTN8B(20, 21)
	ADD  R7, R0, R10
	VST1 [V21.B8], (R10)
	ADD  $8, R7
	B    h4loop

h4done:
	RET

// func horizontal2NEON(out, in []byte, start, k []int32, stride int)
//
// Four luma+alpha outputs at a time. For each chunk of 8 taps: the weights
// doubled by VZIP (one per channel), the 8 pixels widened to 32 bits, two
// a vector; the (luma, alpha) pairs of each output's accumulator are then
// summed across it.
TEXT ·horizontal2NEON(SB), NOSPLIT, $0-104
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	MOVD in_base+24(FP), R2
	MOVD start_base+48(FP), R3
	MOVD k_base+72(FP), R4
	MOVD stride+96(FP), R5
	LSR  $3, R5, R5
	MOVW $0x200000, R6
	VDUP R6, V31.S4
	MOVD $0, R7

h2loop:
	CMP  R1, R7
	BGE  h2done
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<1, R2, R8
	MOVD R5, R9
h2t0:
	VLD1.P 16(R8), [V8.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VZIP1  V10.S4, V10.S4, V12.S4
	VZIP2  V10.S4, V10.S4, V13.S4
	VZIP1  V11.S4, V11.S4, V14.S4
	VZIP2  V11.S4, V11.S4, V15.S4
	VUXTL  V8.B8, V16.H8
	VUXTL2 V8.B16, V17.H8
	VUXTL  V16.H4, V18.S4
	VUXTL2 V16.H8, V19.S4
	VUXTL  V17.H4, V20.S4
	VUXTL2 V17.H8, V21.S4
	MLA4S(12, 18, 0)
	MLA4S(13, 19, 1)
	MLA4S(14, 20, 0)
	MLA4S(15, 21, 1)
	SUBS $1, R9
	BNE  h2t0
	VADD V1.S4, V0.S4, V0.S4
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<1, R2, R8
	MOVD R5, R9
h2t1:
	VLD1.P 16(R8), [V8.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VZIP1  V10.S4, V10.S4, V12.S4
	VZIP2  V10.S4, V10.S4, V13.S4
	VZIP1  V11.S4, V11.S4, V14.S4
	VZIP2  V11.S4, V11.S4, V15.S4
	VUXTL  V8.B8, V16.H8
	VUXTL2 V8.B16, V17.H8
	VUXTL  V16.H4, V18.S4
	VUXTL2 V16.H8, V19.S4
	VUXTL  V17.H4, V20.S4
	VUXTL2 V17.H8, V21.S4
	MLA4S(12, 18, 2)
	MLA4S(13, 19, 3)
	MLA4S(14, 20, 2)
	MLA4S(15, 21, 3)
	SUBS $1, R9
	BNE  h2t1
	VADD V3.S4, V2.S4, V2.S4
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<1, R2, R8
	MOVD R5, R9
h2t2:
	VLD1.P 16(R8), [V8.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VZIP1  V10.S4, V10.S4, V12.S4
	VZIP2  V10.S4, V10.S4, V13.S4
	VZIP1  V11.S4, V11.S4, V14.S4
	VZIP2  V11.S4, V11.S4, V15.S4
	VUXTL  V8.B8, V16.H8
	VUXTL2 V8.B16, V17.H8
	VUXTL  V16.H4, V18.S4
	VUXTL2 V16.H8, V19.S4
	VUXTL  V17.H4, V20.S4
	VUXTL2 V17.H8, V21.S4
	MLA4S(12, 18, 4)
	MLA4S(13, 19, 5)
	MLA4S(14, 20, 4)
	MLA4S(15, 21, 5)
	SUBS $1, R9
	BNE  h2t2
	VADD V5.S4, V4.S4, V4.S4
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	MOVWU (R3), R8
	ADD  $4, R3
	ADD  R8<<1, R2, R8
	MOVD R5, R9
h2t3:
	VLD1.P 16(R8), [V8.B16]
	VLD1.P 32(R4), [V10.S4, V11.S4]
	VZIP1  V10.S4, V10.S4, V12.S4
	VZIP2  V10.S4, V10.S4, V13.S4
	VZIP1  V11.S4, V11.S4, V14.S4
	VZIP2  V11.S4, V11.S4, V15.S4
	VUXTL  V8.B8, V16.H8
	VUXTL2 V8.B16, V17.H8
	VUXTL  V16.H4, V18.S4
	VUXTL2 V16.H8, V19.S4
	VUXTL  V17.H4, V20.S4
	VUXTL2 V17.H8, V21.S4
	MLA4S(12, 18, 6)
	MLA4S(13, 19, 7)
	MLA4S(14, 20, 6)
	MLA4S(15, 21, 7)
	SUBS $1, R9
	BNE  h2t3
	VADD V7.S4, V6.S4, V6.S4
	VZIP1 V2.D2, V0.D2, V24.D2
	VZIP2 V2.D2, V0.D2, V25.D2
	VADD  V25.S4, V24.S4, V24.S4  // outputs 0, 1
	VZIP1 V6.D2, V4.D2, V26.D2
	VZIP2 V6.D2, V4.D2, V27.D2
	VADD  V27.S4, V26.S4, V26.S4  // outputs 2, 3
	VADD  V31.S4, V24.S4, V24.S4
	VADD  V31.S4, V26.S4, V26.S4
	SSHR4S22(24, 24)
	SSHR4S22(26, 26)
	SQXTUN4H(24, 20)
	SQXTUN8H(26, 20)
	UQXTN8B(20, 21)
	ADD  R7, R0, R10
	VST1 [V21.B8], (R10)
	ADD  $8, R7
	B    h2loop

h2done:
	RET

// Signed 16-bit multiplies by element (Vm.H[i], m < 16), a rounding
// narrowing shift and a signed-to-unsigned saturating narrow, encoded.
#define SMULLH(i, m, n, d) WORD $(0x0F40A000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn.4H * Vm.H[i]
#define SMULL2H(i, m, n, d) WORD $(0x4F40A000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d)) // upper halves of Vn.8H
#define SMLALH(i, m, n, d) WORD $(0x0F402000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d))  // Vd.4S += Vn.4H * Vm.H[i]
#define SMLAL2H(i, m, n, d) WORD $(0x4F402000 | ((i)&1)<<20 | ((i)&2)<<20 | ((i)&4)<<9 | (m)<<16 | (n)<<5 | (d)) // upper halves of Vn.8H
#define RSHRN16(n, d) WORD $(0x0F108C00 | (n)<<5 | (d))   // Vd.4H = (Vn.4S + 1<<15) >> 16
#define RSHRN216(n, d) WORD $(0x4F108C00 | (n)<<5 | (d))  // RSHRN2: into the upper half of Vd.8H
#define SQXTUN8B(n, d) WORD $(0x2E212800 | (n)<<5 | (d))  // Vd.8B = unsigned-saturate(Vn.8H signed)
#define SQXTUN16B(n, d) WORD $(0x6E212800 | (n)<<5 | (d)) // SQXTUN2: into the upper half of Vd.16B

// YCC8 computes R, G and B of 8 pixels in 16-bit lanes: Y in V(y), Cb-128
// in V(cb), Cr-128 in V(cr) (8H); results in V(r), V(g), V(b); V16-V19
// are scratch. Each register is given by number (for the encoded
// instructions) and by name. The weights are V15.H[0..3] = 26345, -14942, -22554, 18734.
#define YCC8(y, cb, cr, r, g, b, Vy, Vcb, Vcr, Vr, Vg, Vb) \
	SMULLH(0, 15, cr, 16); \
	SMULL2H(0, 15, cr, 17); \
	RSHRN16(16, r); \
	RSHRN216(17, r); \
	VADD Vcr.H8, Vr.H8, Vr.H8; \
	VADD Vy.H8, Vr.H8, Vr.H8; \
	SMULLH(1, 15, cb, 16); \
	SMULL2H(1, 15, cb, 17); \
	RSHRN16(16, b); \
	RSHRN216(17, b); \
	VADD Vcb.H8, Vb.H8, Vb.H8; \
	VADD Vcb.H8, Vb.H8, Vb.H8; \
	VADD Vy.H8, Vb.H8, Vb.H8; \
	SMULLH(2, 15, cb, 18); \
	SMULL2H(2, 15, cb, 19); \
	SMLALH(3, 15, cr, 18); \
	SMLAL2H(3, 15, cr, 19); \
	RSHRN16(18, g); \
	RSHRN216(19, g); \
	VSUB Vcr.H8, Vg.H8, Vg.H8; \
	VADD Vy.H8, Vg.H8, Vg.H8

// func ycbcrNEON(out, y, cb, cr []byte)
//
// Sixteen pixels at a time, in two halves of 8 in 16-bit lanes (see
// ycbcrRowVec for the split constants); VST4 interleaves R, G, B and A.
TEXT ·ycbcrNEON(SB), NOSPLIT, $0-96
	MOVD out_base+0(FP), R0
	MOVD y_base+24(FP), R1
	MOVD y_len+32(FP), R2
	MOVD cb_base+48(FP), R3
	MOVD cr_base+72(FP), R4
	MOVD $0x492ea7e6c5a266e9, R5
	VMOV R5, V15.D[0]
	MOVW $128, R5
	VDUP R5, V14.H8
	MOVW $255, R5
	VDUP R5, V23.B16

yccloop:
	VLD1.P 16(R1), [V0.B16]
	VLD1.P 16(R3), [V1.B16]
	VLD1.P 16(R4), [V2.B16]
	VUXTL  V0.B8, V3.H8
	VUXTL2 V0.B16, V4.H8
	VUXTL  V1.B8, V5.H8
	VUXTL2 V1.B16, V6.H8
	VUXTL  V2.B8, V7.H8
	VUXTL2 V2.B16, V8.H8
	VSUB   V14.H8, V5.H8, V5.H8
	VSUB   V14.H8, V6.H8, V6.H8
	VSUB   V14.H8, V7.H8, V7.H8
	VSUB   V14.H8, V8.H8, V8.H8
	YCC8(3, 5, 7, 9, 10, 11, V3, V5, V7, V9, V10, V11)
	YCC8(4, 6, 8, 12, 13, 24, V4, V6, V8, V12, V13, V24)
	SQXTUN8B(9, 20)
	SQXTUN16B(12, 20)
	SQXTUN8B(10, 21)
	SQXTUN16B(13, 21)
	SQXTUN8B(11, 22)
	SQXTUN16B(24, 22)
	VST4.P [V20.B16, V21.B16, V22.B16, V23.B16], 64(R0)
	SUBS   $16, R2
	BNE    yccloop
	RET

// FANCY8(c3, l, r, e, o, sh) computes 8 pairs of outputs in 16-bit lanes:
// V(e) = (V(c3) + V(l) + V13) >> sh, V(o) = (V(c3) + V(r) + V14) >> sh.
#define FANCY8(c3, l, r, e, o, sh) \
	VADD l.H8, c3.H8, e.H8; \
	VADD V13.H8, e.H8, e.H8; \
	VUSHR $(sh), e.H8, e.H8; \
	VADD r.H8, c3.H8, o.H8; \
	VADD V14.H8, o.H8, o.H8; \
	VUSHR $(sh), o.H8, o.H8

// func fancyH2NEON(out, row []byte)
//
// 16 samples (32 outputs) at a time in 16-bit lanes; VST2 interleaves the
// even and odd outputs.
TEXT ·fancyH2NEON(SB), NOSPLIT, $0-48
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	MOVD row_base+24(FP), R2    // left neighbours
	ADD  $1, R2, R3             // samples
	ADD  $2, R2, R4             // right neighbours
	MOVW $1, R5
	VDUP R5, V13.H8
	MOVW $2, R5
	VDUP R5, V14.H8

h2v1loop:
	VLD1.P 16(R2), [V0.B16]
	VLD1.P 16(R3), [V1.B16]
	VLD1.P 16(R4), [V2.B16]
	VUXTL  V1.B8, V3.H8
	VUXTL2 V1.B16, V4.H8
	VUXTL  V0.B8, V5.H8
	VUXTL2 V0.B16, V6.H8
	VUXTL  V2.B8, V7.H8
	VUXTL2 V2.B16, V8.H8
	VADD   V3.H8, V3.H8, V9.H8
	VADD   V3.H8, V9.H8, V9.H8
	VADD   V4.H8, V4.H8, V10.H8
	VADD   V4.H8, V10.H8, V10.H8
	FANCY8(V9, V5, V7, V11, V12, 2)
	FANCY8(V10, V6, V8, V16, V17, 2)
	UQXTN8B(11, 20)
	UQXTN16B(16, 20)
	UQXTN8B(12, 21)
	UQXTN16B(17, 21)
	VST2.P [V20.B16, V21.B16], 32(R0)
	SUBS   $32, R1
	BNE    h2v1loop
	RET

// COLSUM8(n, f, lo, hi) widens the 16 samples of V(n) and V(f) and puts
// the column sums 3·near + far in V(lo) and V(hi); V18 and V19 are
// scratch.
#define COLSUM8(n, f, lo, hi) \
	VUXTL  n.B8, lo.H8; \
	VUXTL2 n.B16, hi.H8; \
	VUXTL  f.B8, V18.H8; \
	VUXTL2 f.B16, V19.H8; \
	VADD   V18.H8, lo.H8, V18.H8; \
	VADD   V19.H8, hi.H8, V19.H8; \
	VADD   lo.H8, lo.H8, lo.H8; \
	VADD   hi.H8, hi.H8, hi.H8; \
	VADD   V18.H8, lo.H8, lo.H8; \
	VADD   V19.H8, hi.H8, hi.H8

// func fancyH2V2NEON(out, near, far []byte)
TEXT ·fancyH2V2NEON(SB), NOSPLIT, $0-72
	MOVD out_base+0(FP), R0
	MOVD out_len+8(FP), R1
	MOVD near_base+24(FP), R2
	ADD  $1, R2, R3
	ADD  $2, R2, R4
	MOVD far_base+48(FP), R5
	ADD  $1, R5, R6
	ADD  $2, R5, R7
	MOVW $8, R8
	VDUP R8, V13.H8
	MOVW $7, R8
	VDUP R8, V14.H8

h2v2loop:
	VLD1.P 16(R2), [V0.B16]
	VLD1.P 16(R3), [V1.B16]
	VLD1.P 16(R4), [V2.B16]
	VLD1.P 16(R5), [V21.B16]
	VLD1.P 16(R6), [V22.B16]
	VLD1.P 16(R7), [V23.B16]
	COLSUM8(V1, V22, V3, V4)
	COLSUM8(V0, V21, V5, V6)
	COLSUM8(V2, V23, V7, V8)
	VADD   V3.H8, V3.H8, V9.H8
	VADD   V3.H8, V9.H8, V9.H8
	VADD   V4.H8, V4.H8, V10.H8
	VADD   V4.H8, V10.H8, V10.H8
	FANCY8(V9, V5, V7, V11, V12, 4)
	FANCY8(V10, V6, V8, V16, V17, 4)
	UQXTN8B(11, 20)
	UQXTN16B(16, 20)
	UQXTN8B(12, 21)
	UQXTN16B(17, 21)
	VST2.P [V20.B16, V21.B16], 32(R0)
	SUBS   $32, R1
	BNE    h2v2loop
	RET
