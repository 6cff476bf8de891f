package thumbs

import (
	"image"
	"testing"

	"golang.org/x/image/draw"
)

// BenchmarkThumbnail measures the whole decode → resize → encode path for a
// 4000x3000 JPEG to 320 px (the sandbox baseline's case): the Lambda's path
// (shrink-on-load, then box pre-shrink + CatmullRom) and, decoding the full
// picture, with and without the box pre-shrink, with each scaler.
// tools/bench-thumbs.sh compares the same path with vipsthumbnail and
// ImageMagick, including peak memory.
func BenchmarkThumbnail(b *testing.B) {
	src := makeJPEG(b, 4000, 3000)
	lim := Limits{MaxPixels: DefaultMaxSourcePixels}
	shrinkOnLoad := func(data []byte, lim Limits) (image.Image, Format, error) {
		return DecodeForWidth(data, lim, DefaultWidth)
	}
	for _, s := range []struct {
		name   string
		decode func([]byte, Limits) (image.Image, Format, error)
		resize func(image.Image, int, draw.Scaler) *image.RGBA
		scaler draw.Scaler
	}{
		{"shrink-on-load+preshrink+CatmullRom(default)", shrinkOnLoad, Resize, draw.CatmullRom},
		{"full-decode+preshrink+CatmullRom", Decode, Resize, draw.CatmullRom},
		{"full-decode+CatmullRom-direct", Decode, ResizeDirect, draw.CatmullRom},
		{"full-decode+preshrink+ApproxBiLinear", Decode, Resize, draw.ApproxBiLinear},
		{"full-decode+ApproxBiLinear-direct", Decode, ResizeDirect, draw.ApproxBiLinear},
	} {
		b.Run("jpeg-4000x3000/"+s.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				img, f, err := s.decode(src, lim)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Encode(s.resize(img, DefaultWidth, s.scaler), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
