package thumbs

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs/scaledjpeg"
)

// Memory sizes of the function, in MB (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, which
// Lambda sets from the function's memory_size).
const (
	// MinMemoryMB is the smallest memory size Lambda (and modules/myblog's
	// thumbnails.memory_size) allows.
	MinMemoryMB = 128
	// MaxMemoryMB is the largest.
	MaxMemoryMB = 10240
	// DefaultMemoryMB is assumed when the variable is unset (outside
	// Lambda): modules/myblog's default thumbnails.memory_size.
	DefaultMemoryMB = 1024
	// MemoryFraction: one image may take 1/MemoryFraction of the memory to
	// decode and resize. The rest is for the source object (up to
	// MAX_SOURCE_BYTES), the thumbnail, the runtime, and the garbage
	// collector, which lets the heap grow to about twice what is live before
	// it collects.
	MemoryFraction = 3
)

// MemoryBudget is the most one image may allocate to be decoded and
// resized: 1/MemoryFraction of MemoryMB (DefaultMemoryMB when 0).
func (c Config) MemoryBudget() int64 {
	mb := c.MemoryMB
	if mb <= 0 {
		mb = DefaultMemoryMB
	}
	return int64(mb) << 20 / MemoryFraction
}

// Limits are the limits the handler applies to each source image.
func (c Config) Limits() Limits {
	return Limits{MaxPixels: c.MaxSourcePixels, MaxBytes: c.MemoryBudget()}
}

// memoryNeeded is about how many bytes decoding data (format f, header cfg)
// at 1/denom and, for maxWidth > 0, resizing it to a thumbnail allocate.
func memoryNeeded(data []byte, f Format, cfg image.Config, denom, maxWidth int) (int64, error) {
	w, h := cfg.Width, cfg.Height
	model := cfg.ColorModel
	var n int64
	if f == JPEG {
		var err error
		if n, err = scaledjpeg.AllocBytes(bytes.NewReader(data), denom); err != nil {
			return 0, err
		}
		w, h = (w+denom-1)/denom, (h+denom-1)/denom
	} else {
		var interlaced bool
		interlaced, model = pngLayout(data, model)
		bpp := bytesPerPixel(model)
		n = int64(w) * int64(h) * bpp
		if interlaced {
			// Each of Adam7's seven passes is decoded into an image of its
			// own and then merged: as many pixels again, garbage only once
			// the collector runs.
			n += int64(w) * int64(h) * bpp
		}
		n += 2 * (1 + int64(w)*bpp) // the current and previous row
	}
	if maxWidth > 0 {
		n += resizeBytes(w, h, model, maxWidth)
	}
	return n, nil
}

// resizeBytes is what Resize allocates for a w x h picture of the given
// model: the RGBA thumbnail, the copy preShrink makes, and the scaler's
// working memory (x/image/draw's kernel scaler keeps 4 float64s for each
// thumbnail column and source row, plus its weights for both axes).
func resizeBytes(w, h int, model color.Model, maxWidth int) int64 {
	tw, th := TargetSize(w, h, maxWidth)
	n := 4 * int64(tw) * int64(th)
	if tw == w && th == h {
		return n
	}
	sw, sh := w, h
	if bpp, ok := preShrinkBytesPerPixel(model); ok {
		// (preShrink shrinks a JPEG whose chroma is still subsampled only by
		// multiples of the subsampling, but DecodeForWidth leaves the chroma
		// subsampled only in a JPEG less than about twice the thumbnail's
		// width, which is too narrow for a factor of 2 anyway.)
		if factor := w / (2 * maxWidth); factor >= 2 {
			sw, sh = ceilDiv(w, factor), ceilDiv(h, factor)
			n += int64(sw) * int64(sh) * bpp
		}
	}
	return n + 32*int64(tw)*int64(sh) + 64*int64(sw+sh) + 24*int64(tw+th)
}

// preShrinkBytesPerPixel is the bytes per pixel of the copy preShrink makes
// of a picture decoded with this model, and whether it makes one.
func preShrinkBytesPerPixel(m color.Model) (int64, bool) {
	if _, ok := m.(color.Palette); ok {
		return 0, false
	}
	switch m {
	case color.GrayModel:
		return 1, true
	case color.YCbCrModel:
		return 3, true // 4:4:4
	case color.RGBAModel, color.NRGBAModel:
		return 4, true
	}
	return 0, false
}

// bytesPerPixel is what the decoded picture of a color model takes per
// pixel: 16-bit models twice their 8-bit counterparts.
func bytesPerPixel(m color.Model) int64 {
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	}
	return 8 // RGBA64, NRGBA64, or unknown: the widest
}

// pngLayout reads, from a PNG whose header png.DecodeConfig accepted,
// whether it is interlaced and the model png.Decode gives it: a grayscale
// PNG with a tRNS chunk decodes to NRGBA (NRGBA64 for 16-bit), which
// DecodeConfig does not say (it stops reading at the IHDR chunk).
func pngLayout(data []byte, model color.Model) (interlaced bool, decoded color.Model) {
	// Signature (8), IHDR length and type (8), then width, height, depth,
	// colour type, compression, filter and interlace method.
	const ihdrData = 16
	if len(data) < ihdrData+13 {
		return false, model
	}
	interlaced = data[ihdrData+12] == 1
	if model != color.GrayModel && model != color.Gray16Model {
		return interlaced, model
	}
	for off := 8; off+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[off:]))
		switch string(data[off+4 : off+8]) {
		case "tRNS":
			if model == color.Gray16Model {
				return interlaced, color.NRGBA64Model
			}
			return interlaced, color.NRGBAModel
		case "IDAT":
			return interlaced, model
		}
		if n < 0 || n > len(data) {
			break
		}
		off += 12 + n
	}
	return interlaced, model
}

func ceilDiv64(a, b int64) int64 { return (a + b - 1) / b }
