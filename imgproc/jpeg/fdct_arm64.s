//go:build !purego

#include "textflag.h"

// Go's assembler has no mnemonic for most of these NEON instructions; they
// are encoded here (Arm A64 encodings, register numbers m, n, d).
#define FADD4S(m, n, d) WORD $(0x4E20D400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn + Vm (float)
#define FSUB4S(m, n, d) WORD $(0x4EA0D400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn - Vm (float)
#define FMUL4S(m, n, d) WORD $(0x6E20DC00 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = Vn * Vm (float)
#define FCMGT4S(m, n, d) WORD $(0x6EA0E400 | (m)<<16 | (n)<<5 | (d)) // Vd.4S = Vn > Vm ? -1 : 0
#define FCVTZS4S(n, d) WORD $(0x4EA1B800 | (n)<<5 | (d))            // Vd.4S = int32(Vn), truncated
#define UCVTF4S(n, d) WORD $(0x6E21D800 | (n)<<5 | (d))             // Vd.4S = float32(Vn unsigned)
#define ADD4S(m, n, d) WORD $(0x4EA08400 | (m)<<16 | (n)<<5 | (d))   // Vd.4S = Vn + Vm
#define SUB4S(m, n, d) WORD $(0x6EA08400 | (m)<<16 | (n)<<5 | (d))   // Vd.4S = Vn - Vm
#define SMIN4S(m, n, d) WORD $(0x4EA06C00 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = min(Vn, Vm)
#define SMAX4S(m, n, d) WORD $(0x4EA06400 | (m)<<16 | (n)<<5 | (d))  // Vd.4S = max(Vn, Vm)
#define TRN1_4S(m, n, d) WORD $(0x4E802800 | (m)<<16 | (n)<<5 | (d)) // Vd.4S = n0 m0 n2 m2
#define TRN2_4S(m, n, d) WORD $(0x4E806800 | (m)<<16 | (n)<<5 | (d)) // Vd.4S = n1 m1 n3 m3
#define TRN1_2D(m, n, d) WORD $(0x4EC02800 | (m)<<16 | (n)<<5 | (d)) // Vd.2D = n0 m0
#define TRN2_2D(m, n, d) WORD $(0x4EC06800 | (m)<<16 | (n)<<5 | (d)) // Vd.2D = n1 m1
#define SQXTN4H(n, d) WORD $(0x0E614800 | (n)<<5 | (d))             // Vd.4H = saturate(Vn.4S)
#define SQXTN2_8H(n, d) WORD $(0x4E614800 | (n)<<5 | (d))           // upper half of Vd.8H = saturate(Vn.4S)
#define SQXTN8B(n, d) WORD $(0x0E214800 | (n)<<5 | (d))             // Vd.8B = saturate(Vn.8H)
#define SQXTN2_16B(n, d) WORD $(0x4E214800 | (n)<<5 | (d))          // upper half of Vd.16B = saturate(Vn.8H)
#define TBL4(m, n, d) WORD $(0x4E006000 | (m)<<16 | (n)<<5 | (d))    // Vd.16B = the bytes of Vn..Vn+3 picked by Vm
#define CMTST16B(m, n, d) WORD $(0x4E208C00 | (m)<<16 | (n)<<5 | (d)) // Vd.16B = Vn&Vm != 0 ? 0xff : 0
#define AND16B(m, n, d) WORD $(0x4E201C00 | (m)<<16 | (n)<<5 | (d))  // Vd = Vn & Vm
#define ADDP16B(m, n, d) WORD $(0x4E20BC00 | (m)<<16 | (n)<<5 | (d)) // Vd.16B = pairwise sums of Vn, then Vm
#define UXTL8H(n, d) WORD $(0x2F08A400 | (n)<<5 | (d))              // Vd.8H = Vn.8B widened
#define UXTL4S(n, d) WORD $(0x2F10A400 | (n)<<5 | (d))              // Vd.4S = low Vn.4H widened
#define UXTL2_4S(n, d) WORD $(0x6F10A400 | (n)<<5 | (d))            // Vd.4S = high Vn.4H widened
#define MOV16B(n, d) WORD $(0x4EA01C00 | (n)<<16 | (n)<<5 | (d))     // Vd = Vn

// The constants of the kernels, in four lanes each: at 0 the AAN
// multipliers 0.707106781, 0.382683433, 0.541196100 and 1.306562965 (as
// float32); at 64 quantize's 16384.5, 16384, 1023 and -1023; at 128 its DC
// bound -1023.5, then a mask of lane 0, then 128 for the level shift and
// padding; at 192 the zig-zag order (unzig) as byte indices for TBL; at 256
// the bit weights 1, 2, ..., 128 twice, which make a byte mask of 8 lanes.
DATA fdneon<>+0(SB)/4, $0x3f3504f3
DATA fdneon<>+4(SB)/4, $0x3f3504f3
DATA fdneon<>+8(SB)/4, $0x3f3504f3
DATA fdneon<>+12(SB)/4, $0x3f3504f3
DATA fdneon<>+16(SB)/4, $0x3ec3ef15
DATA fdneon<>+20(SB)/4, $0x3ec3ef15
DATA fdneon<>+24(SB)/4, $0x3ec3ef15
DATA fdneon<>+28(SB)/4, $0x3ec3ef15
DATA fdneon<>+32(SB)/4, $0x3f0a8bd4
DATA fdneon<>+36(SB)/4, $0x3f0a8bd4
DATA fdneon<>+40(SB)/4, $0x3f0a8bd4
DATA fdneon<>+44(SB)/4, $0x3f0a8bd4
DATA fdneon<>+48(SB)/4, $0x3fa73d75
DATA fdneon<>+52(SB)/4, $0x3fa73d75
DATA fdneon<>+56(SB)/4, $0x3fa73d75
DATA fdneon<>+60(SB)/4, $0x3fa73d75
DATA fdneon<>+64(SB)/4, $0x46800100
DATA fdneon<>+68(SB)/4, $0x46800100
DATA fdneon<>+72(SB)/4, $0x46800100
DATA fdneon<>+76(SB)/4, $0x46800100
DATA fdneon<>+80(SB)/4, $0x00004000
DATA fdneon<>+84(SB)/4, $0x00004000
DATA fdneon<>+88(SB)/4, $0x00004000
DATA fdneon<>+92(SB)/4, $0x00004000
DATA fdneon<>+96(SB)/4, $0x000003ff
DATA fdneon<>+100(SB)/4, $0x000003ff
DATA fdneon<>+104(SB)/4, $0x000003ff
DATA fdneon<>+108(SB)/4, $0x000003ff
DATA fdneon<>+112(SB)/4, $0xfffffc01
DATA fdneon<>+116(SB)/4, $0xfffffc01
DATA fdneon<>+120(SB)/4, $0xfffffc01
DATA fdneon<>+124(SB)/4, $0xfffffc01
DATA fdneon<>+128(SB)/4, $0xc47fe000
DATA fdneon<>+132(SB)/4, $0xc47fe000
DATA fdneon<>+136(SB)/4, $0xc47fe000
DATA fdneon<>+140(SB)/4, $0xc47fe000
DATA fdneon<>+144(SB)/4, $0xffffffff
DATA fdneon<>+148(SB)/4, $0x00000000
DATA fdneon<>+152(SB)/4, $0x00000000
DATA fdneon<>+156(SB)/4, $0x00000000
DATA fdneon<>+160(SB)/4, $0x43000000
DATA fdneon<>+164(SB)/4, $0x43000000
DATA fdneon<>+168(SB)/4, $0x43000000
DATA fdneon<>+172(SB)/4, $0x43000000
DATA fdneon<>+176(SB)/4, $0x00000000
DATA fdneon<>+180(SB)/4, $0x00000000
DATA fdneon<>+184(SB)/4, $0x00000000
DATA fdneon<>+188(SB)/4, $0x00000000
DATA fdneon<>+192(SB)/4, $0x10080100
DATA fdneon<>+196(SB)/4, $0x0a030209
DATA fdneon<>+200(SB)/4, $0x19201811
DATA fdneon<>+204(SB)/4, $0x05040b12
DATA fdneon<>+208(SB)/4, $0x211a130c
DATA fdneon<>+212(SB)/4, $0x22293028
DATA fdneon<>+216(SB)/4, $0x060d141b
DATA fdneon<>+220(SB)/4, $0x1c150e07
DATA fdneon<>+224(SB)/4, $0x38312a23
DATA fdneon<>+228(SB)/4, $0x242b3239
DATA fdneon<>+232(SB)/4, $0x170f161d
DATA fdneon<>+236(SB)/4, $0x332c251e
DATA fdneon<>+240(SB)/4, $0x2d343b3a
DATA fdneon<>+244(SB)/4, $0x2e271f26
DATA fdneon<>+248(SB)/4, $0x363d3c35
DATA fdneon<>+252(SB)/4, $0x3f3e372f
DATA fdneon<>+256(SB)/4, $0x08040201
DATA fdneon<>+260(SB)/4, $0x80402010
DATA fdneon<>+264(SB)/4, $0x08040201
DATA fdneon<>+268(SB)/4, $0x80402010
GLOBL fdneon<>(SB), RODATA|NOPTR, $272

// The block lives in V0..V15: row r in V(2r) (columns 0-3) and V(2r+1)
// (columns 4-7).

// FDCT4(a0, ..., a7) is fdct1 on four lanes: inputs d0..d7 in Va0..Va7,
// outputs p0..p7 there too, V16..V27 clobbered, the multipliers in V28..V31.
// The operations are fdct1's, in its order (the float32 products rounded on
// their own, no fused multiply-add), so every lane is fdct1's result bit for
// bit.
#define FDCT4(a0, a1, a2, a3, a4, a5, a6, a7) \
	FADD4S(a7, a0, 16); \
	FSUB4S(a7, a0, 17); \
	FADD4S(a6, a1, 18); \
	FSUB4S(a6, a1, 19); \
	FADD4S(a5, a2, 20); \
	FSUB4S(a5, a2, 21); \
	FADD4S(a4, a3, 22); \
	FSUB4S(a4, a3, 23); \
	FADD4S(22, 16, 24); \
	FSUB4S(22, 16, 25); \
	FADD4S(20, 18, 26); \
	FSUB4S(20, 18, 27); \
	FADD4S(26, 24, a0); \
	FSUB4S(26, 24, a4); \
	FADD4S(25, 27, 16); \
	FMUL4S(28, 16, 16); \
	FADD4S(16, 25, a2); \
	FSUB4S(16, 25, a6); \
	FADD4S(21, 23, 16); \
	FADD4S(19, 21, 18); \
	FADD4S(17, 19, 20); \
	FSUB4S(20, 16, 22); \
	FMUL4S(29, 22, 22); \
	FMUL4S(30, 16, 16); \
	FADD4S(22, 16, 16); \
	FMUL4S(31, 20, 20); \
	FADD4S(22, 20, 20); \
	FMUL4S(28, 18, 18); \
	FADD4S(18, 17, 24); \
	FSUB4S(18, 17, 25); \
	FADD4S(16, 25, a5); \
	FSUB4S(16, 25, a3); \
	FADD4S(20, 24, a1); \
	FSUB4S(20, 24, a7)

// TR4(a, b, c, d, o0, o1, o2, o3) transposes the 4x4 matrix with rows Va..Vd
// into rows Vo0..Vo3, V20..V23 clobbered.
#define TR4(a, b, c, d, o0, o1, o2, o3) \
	TRN1_4S(b, a, 20); \
	TRN2_4S(b, a, 21); \
	TRN1_4S(d, c, 22); \
	TRN2_4S(d, c, 23); \
	TRN1_2D(22, 20, o0); \
	TRN2_2D(22, 20, o2); \
	TRN1_2D(23, 21, o1); \
	TRN2_2D(23, 21, o3)

// TRANSPOSE8 transposes the block in V0..V15, V16..V27 clobbered.
#define TRANSPOSE8 \
	TR4(0, 2, 4, 6, 16, 17, 18, 19); \
	TR4(8, 10, 12, 14, 24, 25, 26, 27); \
	TR4(1, 3, 5, 7, 8, 10, 12, 14); \
	TR4(9, 11, 13, 15, 9, 11, 13, 15); \
	MOV16B(16, 0); \
	MOV16B(17, 2); \
	MOV16B(18, 4); \
	MOV16B(19, 6); \
	MOV16B(24, 1); \
	MOV16B(25, 3); \
	MOV16B(26, 5); \
	MOV16B(27, 7)

// QUANT(x, r) is quantize on Vx with the reciprocals in Vr: the product
// rounded, plus 16384.5 (V16), truncated, minus 16384 (V17), clamped to
// [-1023 (V19), 1023 (V18)].
#define QUANT(x, r) \
	FMUL4S(r, x, x); \
	FADD4S(16, x, x); \
	FCVTZS4S(x, x); \
	SUB4S(17, x, x); \
	SMIN4S(18, x, x); \
	SMAX4S(19, x, x)

// PACK2(x, y, t, d) saturates rows Vx,Vx+1 and Vy,Vy+1 (int32) to the 16
// bytes of Vd, through Vt.
#define PACK2(x0, x1, y0, y1, t, d) \
	SQXTN4H(x0, t); \
	SQXTN2_8H(x1, t); \
	SQXTN8B(t, d); \
	SQXTN4H(y0, t); \
	SQXTN2_8H(y1, t); \
	SQXTN2_16B(t, d)

// FDCTQUANT does the whole block in V0..V15 (level-shifted samples) with
// the constants at R4 (fdneon, the multipliers already in V28..V31):
// the row pass (between two transposes), the column pass, quantize with the
// reciprocals at R1 into c at R2, and quantize's mask into R0.
#define FDCTQUANT \
	TRANSPOSE8; \
	FDCT4(0, 2, 4, 6, 8, 10, 12, 14); \
	FDCT4(1, 3, 5, 7, 9, 11, 13, 15); \
	TRANSPOSE8; \
	FDCT4(0, 2, 4, 6, 8, 10, 12, 14); \
	FDCT4(1, 3, 5, 7, 9, 11, 13, 15); \
	ADD $64, R4, R5; \
	VLD1.P 64(R5), [V16.S4, V17.S4, V18.S4, V19.S4]; \
	VLD1.P 64(R5), [V24.S4, V25.S4, V26.S4, V27.S4]; \
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	FMUL4S(20, 0, 26); \
	FCMGT4S(26, 24, 26); \
	AND16B(25, 26, 26); \
	QUANT(0, 20); \
	ADD4S(26, 0, 0); \
	QUANT(1, 21); \
	QUANT(2, 22); \
	QUANT(3, 23); \
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	QUANT(4, 20); \
	QUANT(5, 21); \
	QUANT(6, 22); \
	QUANT(7, 23); \
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	QUANT(8, 20); \
	QUANT(9, 21); \
	QUANT(10, 22); \
	QUANT(11, 23); \
	VLD1.P 64(R1), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	QUANT(12, 20); \
	QUANT(13, 21); \
	QUANT(14, 22); \
	QUANT(15, 23); \
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R2); \
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R2); \
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R2); \
	VST1.P [V12.S4, V13.S4, V14.S4, V15.S4], 64(R2); \
	PACK2(0, 1, 2, 3, 20, 16); \
	PACK2(4, 5, 6, 7, 20, 17); \
	PACK2(8, 9, 10, 11, 20, 18); \
	PACK2(12, 13, 14, 15, 20, 19); \
	ADD $192, R4, R5; \
	VLD1.P 64(R5), [V24.B16, V25.B16, V26.B16, V27.B16]; \
	VLD1 (R5), [V28.B16]; \
	TBL4(24, 16, 20); \
	TBL4(25, 16, 21); \
	TBL4(26, 16, 22); \
	TBL4(27, 16, 23); \
	CMTST16B(20, 20, 20); \
	CMTST16B(21, 21, 21); \
	CMTST16B(22, 22, 22); \
	CMTST16B(23, 23, 23); \
	AND16B(28, 20, 20); \
	AND16B(28, 21, 21); \
	AND16B(28, 22, 22); \
	AND16B(28, 23, 23); \
	ADDP16B(21, 20, 20); \
	ADDP16B(23, 22, 22); \
	ADDP16B(22, 20, 20); \
	ADDP16B(20, 20, 20); \
	VMOV V20.D[0], R0

// func fdctQuantNEON(b *[64]float32, recip *[64]float32, c *[64]int32) uint64
TEXT ·fdctQuantNEON(SB), NOSPLIT, $0-32
	MOVD b+0(FP), R0
	MOVD recip+8(FP), R1
	MOVD c+16(FP), R2
	MOVD $fdneon<>(SB), R4
	VLD1 (R4), [V28.S4, V29.S4, V30.S4, V31.S4]
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R0), [V8.S4, V9.S4, V10.S4, V11.S4]
	VLD1.P 64(R0), [V12.S4, V13.S4, V14.S4, V15.S4]
	FDCTQUANT
	MOVD R0, ret+24(FP)
	RET

// LOADGRAY(l, r) loads the 8 samples at R0 as float32 minus 128 (V27) into
// Vl and Vr, and moves R0 to the next row (stride R3).
#define LOADGRAY(l, r) \
	FMOVD (R0), F16; \
	ADD R3, R0; \
	UXTL8H(16, 16); \
	UXTL4S(16, l); \
	UXTL2_4S(16, r); \
	UCVTF4S(l, l); \
	UCVTF4S(r, r); \
	FSUB4S(27, l, l); \
	FSUB4S(27, r, r)

// func fdctQuantGrayNEON(src *byte, stride int, recip *[64]float32, c *[64]int32) uint64
TEXT ·fdctQuantGrayNEON(SB), NOSPLIT, $0-40
	MOVD src+0(FP), R0
	MOVD stride+8(FP), R3
	MOVD recip+16(FP), R1
	MOVD c+24(FP), R2
	MOVD $fdneon<>(SB), R4
	VLD1 (R4), [V28.S4, V29.S4, V30.S4, V31.S4]
	ADD $160, R4, R5
	VLD1 (R5), [V27.S4]
	LOADGRAY(0, 1)
	LOADGRAY(2, 3)
	LOADGRAY(4, 5)
	LOADGRAY(6, 7)
	LOADGRAY(8, 9)
	LOADGRAY(10, 11)
	LOADGRAY(12, 13)
	LOADGRAY(14, 15)
	FDCTQUANT
	MOVD R0, ret+32(FP)
	RET
