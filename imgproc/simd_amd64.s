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

// Weight spreads for the 2- and 4-channel horizontal passes (VPERMD
// indices): each weight repeated once per channel of its pixel.
DATA spread4a<>+0(SB)/4, $0
DATA spread4a<>+4(SB)/4, $0
DATA spread4a<>+8(SB)/4, $0
DATA spread4a<>+12(SB)/4, $0
DATA spread4a<>+16(SB)/4, $1
DATA spread4a<>+20(SB)/4, $1
DATA spread4a<>+24(SB)/4, $1
DATA spread4a<>+28(SB)/4, $1
GLOBL spread4a<>(SB), RODATA|NOPTR, $32
DATA spread4b<>+0(SB)/4, $2
DATA spread4b<>+4(SB)/4, $2
DATA spread4b<>+8(SB)/4, $2
DATA spread4b<>+12(SB)/4, $2
DATA spread4b<>+16(SB)/4, $3
DATA spread4b<>+20(SB)/4, $3
DATA spread4b<>+24(SB)/4, $3
DATA spread4b<>+28(SB)/4, $3
GLOBL spread4b<>(SB), RODATA|NOPTR, $32
DATA spread4c<>+0(SB)/4, $4
DATA spread4c<>+4(SB)/4, $4
DATA spread4c<>+8(SB)/4, $4
DATA spread4c<>+12(SB)/4, $4
DATA spread4c<>+16(SB)/4, $5
DATA spread4c<>+20(SB)/4, $5
DATA spread4c<>+24(SB)/4, $5
DATA spread4c<>+28(SB)/4, $5
GLOBL spread4c<>(SB), RODATA|NOPTR, $32
DATA spread4d<>+0(SB)/4, $6
DATA spread4d<>+4(SB)/4, $6
DATA spread4d<>+8(SB)/4, $6
DATA spread4d<>+12(SB)/4, $6
DATA spread4d<>+16(SB)/4, $7
DATA spread4d<>+20(SB)/4, $7
DATA spread4d<>+24(SB)/4, $7
DATA spread4d<>+28(SB)/4, $7
GLOBL spread4d<>(SB), RODATA|NOPTR, $32
DATA spread2a<>+0(SB)/4, $0
DATA spread2a<>+4(SB)/4, $0
DATA spread2a<>+8(SB)/4, $1
DATA spread2a<>+12(SB)/4, $1
DATA spread2a<>+16(SB)/4, $2
DATA spread2a<>+20(SB)/4, $2
DATA spread2a<>+24(SB)/4, $3
DATA spread2a<>+28(SB)/4, $3
GLOBL spread2a<>(SB), RODATA|NOPTR, $32
DATA spread2b<>+0(SB)/4, $4
DATA spread2b<>+4(SB)/4, $4
DATA spread2b<>+8(SB)/4, $5
DATA spread2b<>+12(SB)/4, $5
DATA spread2b<>+16(SB)/4, $6
DATA spread2b<>+20(SB)/4, $6
DATA spread2b<>+24(SB)/4, $7
DATA spread2b<>+28(SB)/4, $7
GLOBL spread2b<>(SB), RODATA|NOPTR, $32

// Order of the four 2-channel outputs after the reduction in horizontal2AVX2.
DATA order2<>+0(SB)/4, $0
DATA order2<>+4(SB)/4, $1
DATA order2<>+8(SB)/4, $4
DATA order2<>+12(SB)/4, $5
DATA order2<>+16(SB)/4, $2
DATA order2<>+20(SB)/4, $3
DATA order2<>+24(SB)/4, $6
DATA order2<>+28(SB)/4, $7
GLOBL order2<>(SB), RODATA|NOPTR, $32

// func horizontal4AVX2(out, in []byte, start, k []int32, stride int)
//
// Two RGBA outputs at a time. For each chunk of 8 taps, VPERMD spreads the
// weights two pixels per vector (4 copies each), VPMOVZXBD widens two
// pixels, VPMULLD and VPADDD accumulate into two vectors per output (two
// dependency chains); the two 128-bit halves are then summed.
TEXT ·horizontal4AVX2(SB), NOSPLIT, $0-104
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ in_base+24(FP), SI
	MOVQ start_base+48(FP), R8
	MOVQ k_base+72(FP), R9
	MOVQ stride+96(FP), R10
	SHRQ $3, R10                  // chunks of 8 taps per output
	MOVL $0x200000, AX            // half
	VMOVQ AX, X15
	VPBROADCASTD X15, Y15
	VMOVDQU packOrder<>(SB), Y14
	VMOVDQU spread4a<>(SB), Y10
	VMOVDQU spread4b<>(SB), Y11
	VMOVDQU spread4c<>(SB), Y12
	VMOVDQU spread4d<>(SB), Y13
	XORQ BX, BX

h4loop:
	CMPQ BX, CX
	JGE  h4done
	MOVLQSX 0(R8), R11
	SHLQ $2, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
h4a:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y0, Y0
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y1, Y1
	VPERMD Y8, Y12, Y4
	VPMOVZXBD 16(R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y0, Y0
	VPERMD Y8, Y13, Y6
	VPMOVZXBD 24(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y1, Y1
	ADDQ $32, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h4a
	VPADDD Y1, Y0, Y0
	MOVLQSX 4(R8), R11
	SHLQ $2, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
h4b:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y2, Y2
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y3, Y3
	VPERMD Y8, Y12, Y4
	VPMOVZXBD 16(R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y2, Y2
	VPERMD Y8, Y13, Y6
	VPMOVZXBD 24(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y3, Y3
	ADDQ $32, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h4b
	VPADDD Y3, Y2, Y2
	VPERM2I128 $0x20, Y2, Y0, Y1
	VPERM2I128 $0x31, Y2, Y0, Y3
	VPADDD Y3, Y1, Y1             // output 0 | output 1
	VPADDD Y15, Y1, Y1
	VPSRAD $22, Y1, Y1
	VPACKSSDW Y1, Y1, Y1
	VPACKUSWB Y1, Y1, Y1
	VPERMD Y1, Y14, Y1
	VMOVQ X1, (DI)(BX*1)
	ADDQ $8, R8
	ADDQ $8, BX
	JMP  h4loop

h4done:
	VZEROUPPER
	RET

// func horizontal2AVX2(out, in []byte, start, k []int32, stride int)
//
// Four luma+alpha outputs at a time. For each chunk of 8 taps, VPERMD
// spreads the weights four pixels per vector (2 copies each), VPMOVZXBD
// widens four pixels; the per-output vectors of (luma, alpha) pairs are
// then summed pair by pair across them.
TEXT ·horizontal2AVX2(SB), NOSPLIT, $0-104
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ in_base+24(FP), SI
	MOVQ start_base+48(FP), R8
	MOVQ k_base+72(FP), R9
	MOVQ stride+96(FP), R10
	SHRQ $3, R10
	MOVL $0x200000, AX
	VMOVQ AX, X15
	VPBROADCASTD X15, Y15
	VMOVDQU packOrder<>(SB), Y14
	VMOVDQU spread2a<>(SB), Y10
	VMOVDQU spread2b<>(SB), Y11
	VMOVDQU order2<>(SB), Y9
	XORQ BX, BX

h2loop:
	CMPQ BX, CX
	JGE  h2done
	MOVLQSX 0(R8), R11
	SHLQ $1, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y0, Y0, Y0
h2t0:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y0, Y0
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y0, Y0
	ADDQ $16, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h2t0
	MOVLQSX 4(R8), R11
	SHLQ $1, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y1, Y1, Y1
h2t1:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y1, Y1
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y1, Y1
	ADDQ $16, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h2t1
	MOVLQSX 8(R8), R11
	SHLQ $1, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y2, Y2, Y2
h2t2:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y2, Y2
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y2, Y2
	ADDQ $16, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h2t2
	MOVLQSX 12(R8), R11
	SHLQ $1, R11
	ADDQ SI, R11
	MOVQ R10, DX
	VPXOR Y3, Y3, Y3
h2t3:
	VMOVDQU (R9), Y8
	VPERMD Y8, Y10, Y4
	VPMOVZXBD (R11), Y5
	VPMULLD Y4, Y5, Y5
	VPADDD Y5, Y3, Y3
	VPERMD Y8, Y11, Y6
	VPMOVZXBD 8(R11), Y7
	VPMULLD Y6, Y7, Y7
	VPADDD Y7, Y3, Y3
	ADDQ $16, R11
	ADDQ $32, R9
	DECQ DX
	JNZ  h2t3
	VPERM2I128 $0x20, Y1, Y0, Y4
	VPERM2I128 $0x31, Y1, Y0, Y5
	VPADDD Y5, Y4, Y4             // outputs 0 | 1, two pairs each
	VPERM2I128 $0x20, Y3, Y2, Y5
	VPERM2I128 $0x31, Y3, Y2, Y6
	VPADDD Y6, Y5, Y5             // outputs 2 | 3
	VPUNPCKLQDQ Y5, Y4, Y6
	VPUNPCKHQDQ Y5, Y4, Y7
	VPADDD Y7, Y6, Y6             // outputs 0, 2 | 1, 3
	VPERMD Y6, Y9, Y6             // outputs 0, 1, 2, 3
	VPADDD Y15, Y6, Y6
	VPSRAD $22, Y6, Y6
	VPACKSSDW Y6, Y6, Y6
	VPACKUSWB Y6, Y6, Y6
	VPERMD Y6, Y14, Y6
	VMOVQ X6, (DI)(BX*1)
	ADDQ $16, R8
	ADDQ $8, BX
	JMP  h2loop

h2done:
	VZEROUPPER
	RET

// Constants of ycbcrAVX2.
DATA rgbaTranspose<>+0(SB)/8, $0x0d0905010c080400
DATA rgbaTranspose<>+8(SB)/8, $0x0f0b07030e0a0602
DATA rgbaTranspose<>+16(SB)/8, $0x0d0905010c080400
DATA rgbaTranspose<>+24(SB)/8, $0x0f0b07030e0a0602
GLOBL rgbaTranspose<>(SB), RODATA|NOPTR, $32

// BCAST broadcasts the 32-bit constant c into Y(r).
#define BCAST(c, x, r) \
	MOVL $(c), AX; \
	VMOVD AX, x; \
	VPBROADCASTD x, r

// func ycbcrAVX2(out, y, cb, cr []byte)
//
// Eight pixels at a time in 32-bit lanes; the packs clamp, and a byte
// shuffle turns the R, G, B, A groups of each 128-bit lane into 4 pixels.
TEXT ·ycbcrAVX2(SB), NOSPLIT, $0-96
	MOVQ out_base+0(FP), DI
	MOVQ y_base+24(FP), SI
	MOVQ y_len+32(FP), CX
	MOVQ cb_base+48(FP), R8
	MOVQ cr_base+72(FP), R9
	VMOVDQU rgbaTranspose<>(SB), Y8
	BCAST(255, X9, Y9)
	BCAST(91881, X10, Y10)
	BCAST(116130, X11, Y11)
	BCAST(-22554, X12, Y12)
	BCAST(-46802, X13, Y13)
	BCAST(32768, X14, Y14)
	BCAST(128, X15, Y15)
	XORQ BX, BX

yccloop:
	VPMOVZXBD (SI)(BX*1), Y0
	VPMOVZXBD (R8)(BX*1), Y1
	VPMOVZXBD (R9)(BX*1), Y2
	VPSUBD  Y15, Y1, Y1
	VPSUBD  Y15, Y2, Y2
	VPMULLD Y10, Y2, Y3
	VPADDD  Y14, Y3, Y3
	VPSRAD  $16, Y3, Y3
	VPADDD  Y0, Y3, Y3            // R
	VPMULLD Y11, Y1, Y4
	VPADDD  Y14, Y4, Y4
	VPSRAD  $16, Y4, Y4
	VPADDD  Y0, Y4, Y4            // B
	VPMULLD Y12, Y1, Y5
	VPMULLD Y13, Y2, Y6
	VPADDD  Y6, Y5, Y5
	VPADDD  Y14, Y5, Y5
	VPSRAD  $16, Y5, Y5
	VPADDD  Y0, Y5, Y5            // G
	VPACKSSDW Y5, Y3, Y3          // R0-3 G0-3 | R4-7 G4-7
	VPACKSSDW Y9, Y4, Y4          // B0-3 A | B4-7 A
	VPACKUSWB Y4, Y3, Y3
	VPSHUFB Y8, Y3, Y3
	VMOVDQU Y3, (DI)(BX*4)
	ADDQ $8, BX
	CMPQ BX, CX
	JLT  yccloop
	VZEROUPPER
	RET

// Byte order that interleaves the even (bytes 0-7) and odd (8-15) outputs
// of each 128-bit lane.
DATA interleave8<>+0(SB)/8, $0x0b030a0209010800
DATA interleave8<>+8(SB)/8, $0x0f070e060d050c04
DATA interleave8<>+16(SB)/8, $0x0b030a0209010800
DATA interleave8<>+24(SB)/8, $0x0f070e060d050c04
GLOBL interleave8<>(SB), RODATA|NOPTR, $32

// FANCYOUT finishes 16 pairs of outputs: even = (Y3 + Y1 + Y13) >> sh,
// odd = (Y3 + Y2 + Y14) >> sh, interleaved and stored at DI.
#define FANCYOUT(sh) \
	VPADDW Y1, Y3, Y4; \
	VPADDW Y13, Y4, Y4; \
	VPSRLW $(sh), Y4, Y4; \
	VPADDW Y2, Y3, Y5; \
	VPADDW Y14, Y5, Y5; \
	VPSRLW $(sh), Y5, Y5; \
	VPACKUSWB Y5, Y4, Y4; \
	VPSHUFB Y15, Y4, Y4; \
	VMOVDQU Y4, (DI)

// func fancyH2AVX2(out, row []byte)
//
// 16 samples (32 outputs) at a time in 16-bit lanes.
TEXT ·fancyH2AVX2(SB), NOSPLIT, $0-48
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ row_base+24(FP), SI
	VMOVDQU interleave8<>(SB), Y15
	MOVL $0x00010001, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13         // bias 1
	MOVL $0x00020002, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14         // bias 2

h2v1loop:
	VPMOVZXBW 1(SI), Y0
	VPMOVZXBW (SI), Y1
	VPMOVZXBW 2(SI), Y2
	VPADDW Y0, Y0, Y3
	VPADDW Y0, Y3, Y3             // 3·sample
	FANCYOUT(2)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $32, CX
	JNZ  h2v1loop
	VZEROUPPER
	RET

// func fancyH2V2AVX2(out, near, far []byte)
TEXT ·fancyH2V2AVX2(SB), NOSPLIT, $0-72
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ near_base+24(FP), SI
	MOVQ far_base+48(FP), R8
	VMOVDQU interleave8<>(SB), Y15
	MOVL $0x00080008, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13         // bias 8
	MOVL $0x00070007, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14         // bias 7

h2v2loop:
	VPMOVZXBW 1(SI), Y0
	VPMOVZXBW 1(R8), Y6
	VPADDW Y0, Y0, Y3
	VPADDW Y0, Y3, Y0
	VPADDW Y6, Y0, Y0             // column sums
	VPMOVZXBW (SI), Y1
	VPMOVZXBW (R8), Y6
	VPADDW Y1, Y1, Y3
	VPADDW Y1, Y3, Y1
	VPADDW Y6, Y1, Y1             // left neighbours
	VPMOVZXBW 2(SI), Y2
	VPMOVZXBW 2(R8), Y6
	VPADDW Y2, Y2, Y3
	VPADDW Y2, Y3, Y2
	VPADDW Y6, Y2, Y2             // right neighbours
	VPADDW Y0, Y0, Y3
	VPADDW Y0, Y3, Y3             // 3·column
	FANCYOUT(4)
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $32, DI
	SUBQ $32, CX
	JNZ  h2v2loop
	VZEROUPPER
	RET
