package thumbs

import "image"

// preShrink box-averages src by a whole factor while the result stays at
// least twice maxWidth wide, for the source types JPEG decodes to
// and PNG decode to (*image.YCbCr, *image.Gray, *image.RGBA, *image.NRGBA;
// NRGBA averages colour weighted by alpha). The kernel scaler then only has to cover the
// last ≤ 2x+ step, so its cost no longer grows with the source size, and the
// output is practically the same (box then CatmullRom is what libvips does
// with shrink-on-load then reduce). Other types, small reductions and
// sources not anchored at (0,0) are returned unchanged.
//
// A YCbCr source comes back as 4:4:4: the chroma planes, subsampled in the
// source, are shrunk by a correspondingly smaller factor.
func preShrink(src image.Image, maxWidth int) image.Image {
	b := src.Bounds()
	if b.Min != (image.Point{}) || maxWidth < 1 {
		return src
	}
	factor := b.Dx() / (2 * maxWidth)
	switch s := src.(type) {
	case *image.YCbCr:
		dx, dy, ok := chromaDivisors(s.SubsampleRatio)
		if !ok {
			return src
		}
		step := max(dx, dy) // dx, dy ∈ {1,2,4}: the larger is a multiple of the smaller
		factor -= factor % step
		if factor < 2 {
			return src
		}
		w, h := ceilDiv(b.Dx(), factor), ceilDiv(b.Dy(), factor)
		dst := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
		boxPlane(dst.Y, dst.YStride, w, h, s.Y, s.YStride, b.Dx(), b.Dy(), factor, factor)
		cw, ch := ceilDiv(b.Dx(), dx), ceilDiv(b.Dy(), dy)
		boxPlane(dst.Cb, dst.CStride, w, h, s.Cb, s.CStride, cw, ch, factor/dx, factor/dy)
		boxPlane(dst.Cr, dst.CStride, w, h, s.Cr, s.CStride, cw, ch, factor/dx, factor/dy)
		return dst
	case *image.Gray:
		if factor < 2 {
			return src
		}
		w, h := ceilDiv(b.Dx(), factor), ceilDiv(b.Dy(), factor)
		dst := image.NewGray(image.Rect(0, 0, w, h))
		boxPlane(dst.Pix, dst.Stride, w, h, s.Pix, s.Stride, b.Dx(), b.Dy(), factor, factor)
		return dst
	case *image.RGBA:
		if factor < 2 {
			return src
		}
		w, h := ceilDiv(b.Dx(), factor), ceilDiv(b.Dy(), factor)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		boxPixels(dst.Pix, dst.Stride, w, h, s.Pix, s.Stride, b.Dx(), b.Dy(), factor, false)
		return dst
	case *image.NRGBA:
		if factor < 2 {
			return src
		}
		w, h := ceilDiv(b.Dx(), factor), ceilDiv(b.Dy(), factor)
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		boxPixels(dst.Pix, dst.Stride, w, h, s.Pix, s.Stride, b.Dx(), b.Dy(), factor, true)
		return dst
	}
	return src
}

// boxPixels is boxPlane for 4-byte RGBA pixels and one factor f. With
// straightAlpha (NRGBA), colours are averaged weighted by alpha, so fully
// transparent pixels do not bleed their (invisible) colour into the edge.
func boxPixels(dst []uint8, dstStride, dw, dh int, src []uint8, srcStride, sw, sh, f int, straightAlpha bool) {
	sums := make([]uint64, 4*dw)
	counts := make([]uint64, dw)
	for y := 0; y < dh; y++ {
		y0 := min(y*f, sh-1)
		y1 := min(y0+f, sh)
		clear(sums)
		clear(counts)
		for sy := y0; sy < y1; sy++ {
			row := src[sy*srcStride : sy*srcStride+4*sw]
			for x := 0; x < dw; x++ {
				x0 := min(x*f, sw-1)
				x1 := min(x0+f, sw)
				var r, g, b, a uint64
				for i := 4 * x0; i < 4*x1; i += 4 {
					pa := uint64(row[i+3])
					if straightAlpha {
						r += uint64(row[i]) * pa
						g += uint64(row[i+1]) * pa
						b += uint64(row[i+2]) * pa
					} else {
						r += uint64(row[i])
						g += uint64(row[i+1])
						b += uint64(row[i+2])
					}
					a += pa
				}
				s := sums[4*x : 4*x+4]
				s[0] += r
				s[1] += g
				s[2] += b
				s[3] += a
				counts[x] += uint64(x1 - x0)
			}
		}
		out := dst[y*dstStride : y*dstStride+4*dw]
		for x := 0; x < dw; x++ {
			s, n := sums[4*x:4*x+4], counts[x]
			div := n
			if straightAlpha {
				div = s[3]
			}
			if div > 0 {
				out[4*x] = uint8((s[0] + div/2) / div)
				out[4*x+1] = uint8((s[1] + div/2) / div)
				out[4*x+2] = uint8((s[2] + div/2) / div)
			}
			out[4*x+3] = uint8((s[3] + n/2) / n)
		}
	}
}

// chromaDivisors is how many luma pixels share one chroma sample,
// horizontally and vertically.
func chromaDivisors(r image.YCbCrSubsampleRatio) (dx, dy int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 1, 1, true
	case image.YCbCrSubsampleRatio422:
		return 2, 1, true
	case image.YCbCrSubsampleRatio420:
		return 2, 2, true
	case image.YCbCrSubsampleRatio440:
		return 1, 2, true
	case image.YCbCrSubsampleRatio411:
		return 4, 1, true
	case image.YCbCrSubsampleRatio410:
		return 4, 2, true
	}
	return 0, 0, false
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// boxPlane writes the dw x dh plane dst, each sample the mean of an fx x fy
// block of the sw x sh plane src (blocks at the right and bottom edges
// average only the samples that exist). dw/dh may exceed the number of
// blocks by one when the source plane was rounded down; such samples copy
// the last block.
func boxPlane(dst []uint8, dstStride, dw, dh int, src []uint8, srcStride, sw, sh, fx, fy int) {
	sums := make([]uint32, dw)
	counts := make([]uint32, dw)
	for y := 0; y < dh; y++ {
		y0 := min(y*fy, sh-1)
		y1 := min(y0+fy, sh)
		clear(sums)
		clear(counts)
		for sy := y0; sy < y1; sy++ {
			row := src[sy*srcStride : sy*srcStride+sw]
			for x := 0; x < dw; x++ {
				x0 := min(x*fx, sw-1)
				x1 := min(x0+fx, sw)
				var s uint32
				for _, v := range row[x0:x1] {
					s += uint32(v)
				}
				sums[x] += s
				counts[x] += uint32(x1 - x0)
			}
		}
		out := dst[y*dstStride : y*dstStride+dw]
		for x := range out {
			out[x] = uint8((sums[x] + counts[x]/2) / counts[x])
		}
	}
}
