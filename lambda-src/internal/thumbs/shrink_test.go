package thumbs

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/draw"
)

// meanAbsDiff is the mean absolute difference of two same-sized pictures
// over R, G and B, in 8-bit levels.
func meanAbsDiff(t *testing.T, a, b *image.RGBA) float64 {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v vs %v", a.Bounds(), b.Bounds())
	}
	var sum, n float64
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := float64(a.Pix[i+c]) - float64(b.Pix[i+c])
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return sum / n
}

func TestPreShrinkMatchesDirectCatmullRom(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		opts *jpeg.Options
		gray bool
	}{
		{name: "4:2:0 2000x1500", w: 2000, h: 1500},
		{name: "odd size 1999x1333", w: 1999, h: 1333},
		{name: "tall 1400x4200", w: 1400, h: 4200},
		{name: "gray 1600x1200", w: 1600, h: 1200, gray: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			var src image.Image = gradient(tc.w, tc.h)
			if tc.gray {
				g := image.NewGray(src.Bounds())
				draw.Draw(g, g.Bounds(), src, image.Point{}, draw.Src)
				src = g
			}
			if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
				t.Fatal(err)
			}
			img, _, err := Decode(buf.Bytes(), Limits{MaxPixels: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			if shrunk := preShrink(img, 200); shrunk == img {
				t.Fatalf("%T was not pre-shrunk", img)
			}
			got, want := Resize(img, 200, draw.CatmullRom), ResizeDirect(img, 200, draw.CatmullRom)
			d := meanAbsDiff(t, got, want)
			t.Logf("mean abs difference to direct CatmullRom: %.3f levels", d)
			if d > 2.5 {
				t.Errorf("pre-shrunk thumbnail differs from direct CatmullRom by %.2f levels on average", d)
			}
		})
	}
}

func TestPreShrinkLeavesSmallReductionsAlone(t *testing.T) {
	img := image.NewYCbCr(image.Rect(0, 0, 500, 400), image.YCbCrSubsampleRatio420)
	if preShrink(img, 320) != image.Image(img) {
		t.Error("500 → 320 should not be box-shrunk")
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4000, 3000), nil)
	if preShrink(pal, 320) != image.Image(pal) {
		t.Error("paletted sources are not box-shrunk")
	}
}

func TestPreShrinkPNG(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opaque bool
	}{{"NRGBA with transparency", false}, {"opaque RGBA", true}} {
		t.Run(tc.name, func(t *testing.T) {
			src := gradient(1999, 1501)
			if !tc.opaque {
				for i := 3; i < len(src.Pix); i += 4 * 7 {
					src.Pix[i] = uint8(i % 256)
				}
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, src); err != nil {
				t.Fatal(err)
			}
			img, _, err := Decode(buf.Bytes(), Limits{MaxPixels: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			if shrunk := preShrink(img, 200); shrunk == img {
				t.Fatalf("%T was not pre-shrunk", img)
			}
			d := meanAbsDiff(t, Resize(img, 200, draw.CatmullRom), ResizeDirect(img, 200, draw.CatmullRom))
			t.Logf("%T: mean abs difference to direct CatmullRom: %.3f levels", img, d)
			if d > 2.5 {
				t.Errorf("differs by %.2f levels", d)
			}
		})
	}
}

func TestBoxPixelsAlphaWeighted(t *testing.T) {
	// Two NRGBA pixels: opaque red and fully transparent green → one pixel,
	// red at half alpha (no green bleeding in).
	src := []uint8{255, 0, 0, 255, 0, 255, 0, 0}
	dst := make([]uint8, 4)
	boxPixels(dst, 4, 1, 1, src, 8, 2, 1, 2, true)
	if want := []uint8{255, 0, 0, 128}; !bytes.Equal(dst, want) {
		t.Errorf("NRGBA box = %v, want %v", dst, want)
	}
	boxPixels(dst, 4, 1, 1, []uint8{255, 0, 0, 255, 0, 0, 0, 0}, 8, 2, 1, 2, false)
	if want := []uint8{128, 0, 0, 128}; !bytes.Equal(dst, want) {
		t.Errorf("RGBA box = %v, want %v", dst, want)
	}
}

func TestBoxPlane(t *testing.T) {
	// 5x3 plane, factor 2 → 3x2, edge blocks average what exists.
	src := []uint8{
		0, 2, 4, 6, 8,
		2, 4, 6, 8, 10,
		100, 100, 100, 100, 200,
	}
	dst := make([]uint8, 6)
	boxPlane(dst, 3, 3, 2, src, 5, 5, 3, 2, 2)
	want := []uint8{2, 6, 9, 100, 100, 200}
	if !bytes.Equal(dst, want) {
		t.Errorf("boxPlane = %v, want %v", dst, want)
	}
}
