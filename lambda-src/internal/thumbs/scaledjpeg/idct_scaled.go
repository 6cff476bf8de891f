package scaledjpeg

import "math"

// Reduced-size inverse DCTs (not part of the image/jpeg fork).
//
// A block's 8x8 DCT coefficients F(v, u) describe the block's 8x8 pixels
// f(y, x) as (ITU-T T.81, A.3.3)
//
//	f(y, x) = 1/4 Σ_{u,v<8} C(u) C(v) F(v, u) cos((2x+1)uπ/16) cos((2y+1)vπ/16)
//
// with C(0) = 1/√2 and C(u) = 1 otherwise. Decoding the block at k x k
// pixels (k = 4, 2, 1) takes only the k x k lowest frequencies and runs a
// k-point IDCT over them, normalised so a flat block keeps its level:
//
//	g(y, x) = 1/8 Σ_{u,v<k} c(u) c(v) F(v, u) cos((2x+1)uπ/2k) cos((2y+1)vπ/2k)
//
// with c(0) = 1 and c(u) = √2 otherwise. For k = 1 that is F(0, 0)/8, the
// block's mean. This is what libjpeg's jpeg_idct_4x4, _2x2 and _1x1 compute
// (scale_denom 2, 4 and 8); each output pixel is close to the mean of the
// (8/k)² pixels it replaces, without aliasing from the dropped frequencies.

// idctFracBits is the fixed-point precision of idctTable.
const idctFracBits = 13

// idctTable[k][x*k+u] is c(u) cos((2x+1)uπ/2k) in fixed point, for k = 1,
// 2, 4 and 8.
var idctTable [9][]int64

// zigLimit[k] is one more than the largest zig-zag index of a coefficient
// in the top-left k x k of a block: the coefficients a scaled decode needs.
var zigLimit [9]int

func init() {
	for _, k := range []int{1, 2, 4, 8} {
		t := make([]int64, k*k)
		for x := 0; x < k; x++ {
			for u := 0; u < k; u++ {
				c := 1.0
				if u > 0 {
					c = math.Sqrt2
				}
				v := c * math.Cos(float64((2*x+1)*u)*math.Pi/float64(2*k))
				t[x*k+u] = int64(math.Round(v * (1 << idctFracBits)))
			}
		}
		idctTable[k] = t
		for zig, nat := range unzig {
			if nat%8 < k && nat/8 < k {
				zigLimit[k] = max(zigLimit[k], zig+1)
			}
		}
	}
}

// idctScaled replaces the top-left ky x kx entries of b (kx, ky ∈ {1, 2,
// 4, 8}), dequantized DCT coefficients in natural order, by the ky x kx
// pixels (minus the level shift of 128, as idct leaves them) at b[y*8+x]:
// a ky-point IDCT down the columns, a kx-point one along the rows (kx ≠ ky
// for chroma that is subsampled in one direction only). The other entries
// of b are left as they are. Garbage coefficients from a corrupt file give
// garbage pixels (int64 arithmetic wraps), never a panic.
func idctScaled(b *block, kx, ky int) {
	if kx == 1 && ky == 1 {
		b[0] = (b[0] + 4) >> 3
		return
	}
	tx, ty := idctTable[kx], idctTable[ky]
	// Columns: tmp[y*8+u] = Σ_v ty[y][v] F(v, u).
	var tmp [64]int64
	for u := 0; u < kx; u++ {
		for y := 0; y < ky; y++ {
			var s int64
			for v := 0; v < ky; v++ {
				s += ty[y*ky+v] * int64(b[v*8+u])
			}
			tmp[y*8+u] = s
		}
	}
	// Rows, then divide by 8 and by the two table scales, rounding.
	const shift = 3 + 2*idctFracBits
	for y := 0; y < ky; y++ {
		for x := 0; x < kx; x++ {
			var s int64
			for u := 0; u < kx; u++ {
				s += tx[x*kx+u] * tmp[y*8+u]
			}
			b[y*8+x] = int32((s + 1<<(shift-1)) >> shift)
		}
	}
}

// storeScaled level-shifts, clips and writes the ky x kx pixels that
// idctScaled left in b to dst.
func storeScaled(dst []byte, stride int, b *block, kx, ky int) {
	for y := 0; y < ky; y++ {
		row := dst[y*stride : y*stride+kx]
		for x := range row {
			c := b[y*8+x]
			if c < -128 {
				c = 0
			} else if c > 127 {
				c = 255
			} else {
				c += 128
			}
			row[x] = uint8(c)
		}
	}
}
