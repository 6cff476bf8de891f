package scaledjpeg

import "io"

// AllocBytes reads a JPEG's header (as DecodeConfig does) and returns how
// many bytes Decode(r, denom) allocates for the picture, so that a caller
// can refuse a JPEG before decoding it: the planes makeImg allocates (whole
// MCUs, at the scale), the coefficients a progressive JPEG keeps for every
// block of every component until its last scan (256 bytes a block,
// whatever the scale), and the RGBA or CMYK image an RGB or 4-component
// JPEG is converted into at the end. The decoder's own state (Huffman and
// quantisation tables, buffers: some 16 KiB) is not counted.
func AllocBytes(r io.Reader, denom int) (int64, error) {
	var d decoder
	switch denom {
	case 1, 2, 4, 8:
		d.scale = 8 / denom
	default:
		return 0, UnsupportedError("scale denominator other than 1, 2, 4 or 8")
	}
	if _, err := d.decode(r, true); err != nil {
		return 0, err
	}
	if d.nComp == 0 {
		return 0, FormatError("missing SOF marker")
	}
	k := int64(d.scale)
	h0, v0 := d.comp[0].h, d.comp[0].v
	mxx := int64((d.width + 8*h0 - 1) / (8 * h0))
	myy := int64((d.height + 8*v0 - 1) / (8 * v0))
	// The picture's planes, as makeImg allocates them.
	var n int64
	switch pw, ph := k*int64(h0)*mxx, k*int64(v0)*myy; {
	case d.nComp == 1:
		n = k * mxx * k * myy
	case d.nComp == 3 && k < 8 && k*int64(h0/d.comp[1].h) <= 8 && k*int64(v0/d.comp[1].v) <= 8:
		n = 3 * pw * ph // 4:4:4, chroma decoded at the output's resolution
	default:
		hr, vr := int64(h0/d.comp[1].h), int64(v0/d.comp[1].v)
		n = pw*ph + 2*(pw/hr)*(ph/vr)
		if d.nComp == 4 {
			n += k * int64(d.comp[3].h) * mxx * k * int64(d.comp[3].v) * myy // blackPix
		}
	}
	if d.progressive {
		for i := 0; i < d.nComp; i++ {
			n += mxx * myy * int64(d.comp[i].h*d.comp[i].v) * 4 * blockSize // a block is blockSize int32s
		}
	}
	if d.nComp == 4 || (d.nComp == 3 && d.isRGB()) {
		w, h := (int64(d.width)*k+7)/8, (int64(d.height)*k+7)/8
		n += 4 * w * h // applyBlack / convertToRGB
	}
	return n, nil
}
