package thumbs

import (
	"image"
	"testing"

	"golang.org/x/image/draw"
)

// BenchmarkThumbnail measures the whole decode → resize → encode path for a
// 4000x3000 JPEG to 320 px (the sandbox baseline's case), with and without the box pre-shrink, with each scaler.
// tools/bench-thumbs.sh compares the same path with vipsthumbnail and
// ImageMagick, including peak memory.
func BenchmarkThumbnail(b *testing.B) {
	src := makeJPEG(b, 4000, 3000)
	lim := Limits{MaxPixels: DefaultMaxSourcePixels}
	for _, s := range []struct {
		name   string
		resize func(image.Image, int, draw.Scaler) *image.RGBA
		scaler draw.Scaler
	}{
		{"preshrink+CatmullRom(default)", Resize, draw.CatmullRom},
		{"CatmullRom-direct", ResizeDirect, draw.CatmullRom},
		{"preshrink+ApproxBiLinear", Resize, draw.ApproxBiLinear},
		{"ApproxBiLinear-direct", ResizeDirect, draw.ApproxBiLinear},
	} {
		b.Run("jpeg-4000x3000/"+s.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				img, f, err := Decode(src, lim)
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
