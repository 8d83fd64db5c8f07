//go:build !purego

#include "textflag.h"

// Dword order after VPACKSSDW and VPACKUSWB, which work per 128-bit lane.
DATA packOrder<>+0(SB)/4, $0
DATA packOrder<>+4(SB)/4, $4
DATA packOrder<>+8(SB)/4, $1
DATA packOrder<>+12(SB)/4, $5
DATA packOrder<>+16(SB)/4, $2
DATA packOrder<>+20(SB)/4, $6
DATA packOrder<>+24(SB)/4, $3
DATA packOrder<>+28(SB)/4, $7
GLOBL packOrder<>(SB), RODATA|NOPTR, $32

// func verticalAVX2(out []byte, rows [][]byte, k []int32)
//
// For each column x: out[x] = clip8(half + sum over t of rows[t][x]*k[t]),
// 32 columns at a time, then 8 at a time.
TEXT ·verticalAVX2(SB), NOSPLIT, $0-72
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	ANDQ $~7, CX                  // columns to do
	MOVQ rows_base+24(FP), SI
	MOVQ k_base+48(FP), R8
	MOVQ k_len+56(FP), R9
	MOVL $0x200000, AX            // half = 1 << (precisionBits-1)
	VMOVQ AX, X15
	VPBROADCASTD X15, Y15
	VMOVDQU packOrder<>(SB), Y14
	XORQ BX, BX                   // column

loop32:
	LEAQ 32(BX), DX
	CMPQ DX, CX
	JGT  loop8
	VMOVDQA Y15, Y0
	VMOVDQA Y15, Y1
	VMOVDQA Y15, Y2
	VMOVDQA Y15, Y3
	XORQ R10, R10                 // tap
	MOVQ SI, R11                  // &rows[tap]

taps32:
	MOVQ (R11), R12
	ADDQ BX, R12
	VPBROADCASTD (R8)(R10*4), Y4
	VPMOVZXBD (R12), Y5
	VPMOVZXBD 8(R12), Y6
	VPMOVZXBD 16(R12), Y7
	VPMOVZXBD 24(R12), Y8
	VPMULLD Y4, Y5, Y5
	VPMULLD Y4, Y6, Y6
	VPMULLD Y4, Y7, Y7
	VPMULLD Y4, Y8, Y8
	VPADDD Y5, Y0, Y0
	VPADDD Y6, Y1, Y1
	VPADDD Y7, Y2, Y2
	VPADDD Y8, Y3, Y3
	ADDQ $24, R11
	INCQ R10
	CMPQ R10, R9
	JLT  taps32

	VPSRAD $22, Y0, Y0
	VPSRAD $22, Y1, Y1
	VPSRAD $22, Y2, Y2
	VPSRAD $22, Y3, Y3
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	VPERMD Y0, Y14, Y0
	VMOVDQU Y0, (DI)(BX*1)
	MOVQ DX, BX
	JMP  loop32

loop8:
	LEAQ 8(BX), DX
	CMPQ DX, CX
	JGT  done
	VMOVDQA Y15, Y0
	XORQ R10, R10
	MOVQ SI, R11

taps8:
	MOVQ (R11), R12
	VPBROADCASTD (R8)(R10*4), Y4
	VPMOVZXBD (R12)(BX*1), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y0, Y0
	ADDQ $24, R11
	INCQ R10
	CMPQ R10, R9
	JLT  taps8

	VPSRAD $22, Y0, Y0
	VPACKSSDW Y0, Y0, Y0
	VPACKUSWB Y0, Y0, Y0
	VPERMD Y0, Y14, Y0
	VMOVQ X0, (DI)(BX*1)
	MOVQ DX, BX
	JMP  loop8

done:
	VZEROUPPER
	RET

// func horizontalGrayAVX2(out, in []byte, start, k []int32, stride int)
//
// Eight outputs at a time: eight dot products of stride taps, eight lanes
// at a time, then summed across lanes (VPHADDD) into one vector.
TEXT ·horizontalGrayAVX2(SB), NOSPLIT, $0-104
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ in_base+24(FP), SI
	MOVQ start_base+48(FP), R8
	MOVQ k_base+72(FP), R9
	MOVQ stride+96(FP), R10
	MOVQ R10, R13
	SHLQ $2, R13                  // bytes of weights per output
	SHRQ $3, R10                  // chunks of 8 taps per output
	MOVL $0x200000, AX            // half
	VMOVQ AX, X15
	VPBROADCASTD X15, Y15
	VMOVDQU packOrder<>(SB), Y14
	XORQ BX, BX

hloop:
	CMPQ BX, CX
	JGE  hdone
	MOVQ R9, R12                  // weights of output BX
	VPXOR Y0, Y0, Y0
	MOVLQSX 0(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h0:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y0, Y0
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h0
	VPXOR Y1, Y1, Y1
	MOVLQSX 4(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h1:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y1, Y1
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h1
	VPXOR Y2, Y2, Y2
	MOVLQSX 8(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h2:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y2, Y2
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h2
	VPXOR Y3, Y3, Y3
	MOVLQSX 12(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h3:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y3, Y3
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h3
	VPXOR Y4, Y4, Y4
	MOVLQSX 16(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h4:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y4, Y4
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h4
	VPXOR Y5, Y5, Y5
	MOVLQSX 20(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h5:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y5, Y5
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h5
	VPXOR Y6, Y6, Y6
	MOVLQSX 24(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h6:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y6, Y6
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h6
	VPXOR Y7, Y7, Y7
	MOVLQSX 28(R8), R11
	ADDQ SI, R11
	MOVQ R10, DX
h7:
	VPMOVZXBD (R11), Y8
	VPMULLD (R12), Y8, Y8
	VPADDD Y8, Y7, Y7
	ADDQ $8, R11
	ADDQ $32, R12
	DECQ DX
	JNZ  h7
	VPHADDD Y1, Y0, Y0
	VPHADDD Y3, Y2, Y2
	VPHADDD Y5, Y4, Y4
	VPHADDD Y7, Y6, Y6
	VPHADDD Y2, Y0, Y0
	VPHADDD Y6, Y4, Y4
	VPERM2I128 $0x20, Y4, Y0, Y1
	VPERM2I128 $0x31, Y4, Y0, Y2
	VPADDD Y2, Y1, Y1
	VPADDD Y15, Y1, Y1
	VPSRAD $22, Y1, Y1
	VPACKSSDW Y1, Y1, Y1
	VPACKUSWB Y1, Y1, Y1
	VPERMD Y1, Y14, Y1
	VMOVQ X1, (DI)(BX*1)
	ADDQ $32, R8
	MOVQ R12, R9
	ADDQ $8, BX
	JMP  hloop

hdone:
	VZEROUPPER
	RET
