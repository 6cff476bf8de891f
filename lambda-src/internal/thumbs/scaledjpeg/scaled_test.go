package scaledjpeg

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The testdata pictures are one 331x251 plasma picture (odd sizes, so the
// last blocks and MCUs are partial), saved by ImageMagick 6.9 as baseline
// and progressive JPEG in 4:2:0, 4:2:2, 4:4:4 and grayscale, and by vips
// 8.14 with a restart interval of 3 MCUs:
//
//	convert src.png -sampling-factor 4:2:0 -quality 90 [-interlace JPEG] photo-420[-progressive].jpg
//	convert src.png -colorspace Gray -quality 90 [-interlace JPEG] gray[-progressive].jpg
//	vips jpegsave src.png photo-420-restart.jpg --Q 90 --restart-interval 3 --subsample-mode on
var fixtures = []struct {
	file  string
	model color.Model
	ratio image.YCbCrSubsampleRatio
}{
	{"photo-420.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio420},
	{"photo-420-progressive.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio420},
	{"photo-420-restart.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio420},
	{"photo-422.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio422},
	{"photo-422-progressive.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio422},
	{"photo-444.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio444},
	{"photo-444-progressive.jpg", color.YCbCrModel, image.YCbCrSubsampleRatio444},
	{"gray.jpg", color.GrayModel, 0},
	{"gray-progressive.jpg", color.GrayModel, 0},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeFullSizeMatchesImageJPEG: at scale 1 the fork is image/jpeg.
func TestDecodeFullSizeMatchesImageJPEG(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			data := readFixture(t, f.file)
			want, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(bytes.NewReader(data), 1)
			if err != nil {
				t.Fatal(err)
			}
			switch w := want.(type) {
			case *image.YCbCr:
				g, ok := got.(*image.YCbCr)
				if !ok || g.Rect != w.Rect || g.SubsampleRatio != f.ratio || w.SubsampleRatio != f.ratio {
					t.Fatalf("got %T %v, want *image.YCbCr %v %v", got, got.Bounds(), w.Rect, f.ratio)
				}
				if !bytes.Equal(g.Y, w.Y) || !bytes.Equal(g.Cb, w.Cb) || !bytes.Equal(g.Cr, w.Cr) {
					t.Error("pixels differ from image/jpeg")
				}
			case *image.Gray:
				g, ok := got.(*image.Gray)
				if !ok || g.Rect != w.Rect || !bytes.Equal(g.Pix, w.Pix) {
					t.Errorf("got %T %v, differs from image/jpeg's %v", got, got.Bounds(), w.Rect)
				}
			default:
				t.Fatalf("image/jpeg gave %T", want)
			}
		})
	}
}

// toRGBA converts any image to RGBA with bounds at (0,0).
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

// boxShrink averages f x f blocks of src (partial blocks at the edges
// average what exists): the reference a 1/f scaled decode approximates.
func boxShrink(src *image.RGBA, f int) *image.RGBA {
	w, h := (src.Rect.Dx()+f-1)/f, (src.Rect.Dy()+f-1)/f
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum [4]int
			n := 0
			for sy := y * f; sy < min(y*f+f, src.Rect.Dy()); sy++ {
				for sx := x * f; sx < min(x*f+f, src.Rect.Dx()); sx++ {
					i := src.PixOffset(sx, sy)
					for c := range 4 {
						sum[c] += int(src.Pix[i+c])
					}
					n++
				}
			}
			i := dst.PixOffset(x, y)
			for c := range 4 {
				dst.Pix[i+c] = uint8((sum[c] + n/2) / n)
			}
		}
	}
	return dst
}

// diff returns the mean and the largest absolute difference over R, G, B.
func diff(a, b *image.RGBA) (mean float64, maxd int) {
	var sum, n int
	for i := 0; i < len(a.Pix); i += 4 {
		for c := range 3 {
			d := int(a.Pix[i+c]) - int(b.Pix[i+c])
			if d < 0 {
				d = -d
			}
			sum += d
			n++
			maxd = max(maxd, d)
		}
	}
	return float64(sum) / float64(n), maxd
}

// TestDecodeScaled: at 1/2, 1/4 and 1/8 the picture has the rounded-up
// size and the source's colour model, and is close to the full-size decode
// box-averaged by the same factor.
func TestDecodeScaled(t *testing.T) {
	for _, f := range fixtures {
		data := readFixture(t, f.file)
		full, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		fullRGBA := toRGBA(full)
		for _, denom := range []int{2, 4, 8} {
			t.Run(f.file+"/1:"+string(rune('0'+denom)), func(t *testing.T) {
				got, err := Decode(bytes.NewReader(data), denom)
				if err != nil {
					t.Fatal(err)
				}
				wantRect := image.Rect(0, 0, (331+denom-1)/denom, (251+denom-1)/denom)
				if got.Bounds() != wantRect {
					t.Fatalf("bounds %v, want %v", got.Bounds(), wantRect)
				}
				if got.ColorModel() != f.model {
					t.Errorf("colour model %v, want %v", got.ColorModel(), f.model)
				}
				// Subsampled chroma is decoded at the output's full
				// resolution (see makeImg).
				if y, ok := got.(*image.YCbCr); ok && y.SubsampleRatio != image.YCbCrSubsampleRatio444 {
					t.Errorf("subsampling %v, want 4:4:4", y.SubsampleRatio)
				}
				mean, maxd := diff(toRGBA(got), boxShrink(fullRGBA, denom))
				t.Logf("vs box-averaged full decode: mean %.2f, max %d levels", mean, maxd)
				// The reduced IDCT is a band-limited resampling, not a box
				// average: close on average, a few levels at edges.
				if mean > 1.5 || maxd > 12 {
					t.Errorf("differs from the box-averaged full decode by mean %.2f, max %d levels", mean, maxd)
				}
			})
		}
	}
}

// idctRef is the k-point scaled IDCT of the top-left k x k of b, in
// float64, as idct_scaled.go defines it (k = 8 is the plain IDCT).
func idctRef(b *block, k int) [64]float64 {
	var out [64]float64
	cu := func(u int) float64 {
		if u == 0 {
			return 1
		}
		return math.Sqrt2
	}
	for y := 0; y < k; y++ {
		for x := 0; x < k; x++ {
			var s float64
			for v := 0; v < k; v++ {
				for u := 0; u < k; u++ {
					s += cu(u) * cu(v) * float64(b[v*8+u]) *
						math.Cos(float64((2*x+1)*u)*math.Pi/float64(2*k)) *
						math.Cos(float64((2*y+1)*v)*math.Pi/float64(2*k))
				}
			}
			out[y*8+x] = s / 8
		}
	}
	return out
}

// randomBlock is a block of dequantized coefficients of a plausible size:
// large low frequencies, smaller high ones.
func randomBlock(r *rand.Rand) block {
	var b block
	for i := range b {
		amp := 1024 / (1 + i/8 + i%8)
		b[i] = int32(r.IntN(2*amp+1) - amp)
	}
	return b
}

// TestIdctRefIsTheJPEGIDCT checks idctRef's normalisation against the
// fork's full 8x8 idct: for k = 8 they agree to rounding.
func TestIdctRefIsTheJPEGIDCT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := randomBlock(r)
		want := idctRef(&b, 8)
		got := b
		idct(&got)
		for i := range got {
			if d := float64(got[i]) - want[i]; d > 1 || d < -1 {
				t.Fatalf("idct[%d] = %d, reference %.2f", i, got[i], want[i])
			}
		}
	}
}

// idctRef2 is idctRef with different sizes across (kx) and down (ky).
func idctRef2(b *block, kx, ky int) [64]float64 {
	var out [64]float64
	cu := func(u int) float64 {
		if u == 0 {
			return 1
		}
		return math.Sqrt2
	}
	for y := 0; y < ky; y++ {
		for x := 0; x < kx; x++ {
			var s float64
			for v := 0; v < ky; v++ {
				for u := 0; u < kx; u++ {
					s += cu(u) * cu(v) * float64(b[v*8+u]) *
						math.Cos(float64((2*x+1)*u)*math.Pi/float64(2*kx)) *
						math.Cos(float64((2*y+1)*v)*math.Pi/float64(2*ky))
				}
			}
			out[y*8+x] = s / 8
		}
	}
	return out
}

func TestIdctScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sizes := []int{1, 2, 4, 8}
	for _, kx := range sizes {
		for _, ky := range sizes {
			for range 100 {
				b := randomBlock(r)
				want := idctRef2(&b, kx, ky)
				if kx == ky && kx != 8 {
					if same := idctRef(&b, kx); same != want {
						t.Fatal("idctRef2 and idctRef disagree")
					}
				}
				got := b
				idctScaled(&got, kx, ky)
				for y := 0; y < ky; y++ {
					for x := 0; x < kx; x++ {
						// ±½ from rounding, a little more from the 13-bit table.
						if d := float64(got[y*8+x]) - want[y*8+x]; d > 0.6 || d < -0.6 {
							t.Fatalf("%dx%d: [%d,%d] = %d, reference %.3f", kx, ky, y, x, got[y*8+x], want[y*8+x])
						}
					}
				}
			}
		}
	}
	// A flat block keeps its level at every size.
	for _, k := range []int{1, 2, 4, 8} {
		b := block{0: 8 * 100}
		idctScaled(&b, k, k)
		for y := 0; y < k; y++ {
			for x := 0; x < k; x++ {
				if b[y*8+x] != 100 {
					t.Errorf("k=%d: flat block gives %d at [%d,%d], want 100", k, b[y*8+x], y, x)
				}
			}
		}
	}
}

func TestZigLimit(t *testing.T) {
	for k, want := range map[int]int{1: 1, 2: 5, 4: 25, 8: 64} {
		if zigLimit[k] != want {
			t.Errorf("zigLimit[%d] = %d, want %d", k, zigLimit[k], want)
		}
	}
}

func TestDecodeBadScale(t *testing.T) {
	data := readFixture(t, "gray.jpg")
	for _, denom := range []int{0, 3, 16, -1} {
		if _, err := Decode(bytes.NewReader(data), denom); err == nil {
			t.Errorf("denominator %d accepted", denom)
		}
	}
}

// TestDecodeTruncatedAndCorrupt: cut or damaged files give an error (or a
// picture), never a panic, at every scale.
func TestDecodeTruncatedAndCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, f := range fixtures {
		data := readFixture(t, f.file)
		for _, denom := range []int{1, 2, 4, 8} {
			for cut := 0; cut < len(data); cut += 1 + len(data)/40 {
				if _, err := Decode(bytes.NewReader(data[:cut]), denom); err == nil {
					t.Errorf("%s cut at %d of %d decoded without error", f.file, cut, len(data))
				}
			}
			for range 20 {
				bad := bytes.Clone(data)
				for range 8 {
					bad[r.IntN(len(bad))] = byte(r.IntN(256))
				}
				// (A damaged SOF can claim a huge picture: callers check
				// DecodeConfig first, as thumbs.Decode does.)
				if cfg, err := DecodeConfig(bytes.NewReader(bad)); err == nil && cfg.Width*cfg.Height <= 1<<20 {
					_, _ = Decode(bytes.NewReader(bad), denom)
				}
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(readFixture(f, fx.file), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, s uint8) {
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 1<<20 {
			return
		}
		denom := 1 << (s % 4)
		img, err := Decode(bytes.NewReader(data), denom)
		if err != nil {
			return
		}
		want := image.Rect(0, 0, (cfg.Width+denom-1)/denom, (cfg.Height+denom-1)/denom)
		if img.Bounds() != want {
			t.Fatalf("1/%d of %dx%d decoded to %v, want %v", denom, cfg.Width, cfg.Height, img.Bounds(), want)
		}
	})
}

// TestDecodeNoiseMatchesImageJPEG: noise at high quality has long Huffman
// codes, large coefficients and many stuffed 0xff bytes, the cases the
// fast paths in fillFast and processSOS hand back to the general code.
func TestDecodeNoiseMatchesImageJPEG(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	src := image.NewRGBA(image.Rect(0, 0, 173, 131))
	for i := range src.Pix {
		src.Pix[i] = uint8(r.IntN(256))
	}
	gray := image.NewGray(src.Rect)
	draw.Draw(gray, gray.Rect, src, image.Point{}, draw.Src)
	for _, img := range []image.Image{src, gray} {
		for _, q := range []int{100, 75, 20} {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			want, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(bytes.NewReader(buf.Bytes()), 1)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := toRGBA(got), toRGBA(want); !bytes.Equal(a.Pix, b.Pix) {
				t.Errorf("%T q%d: differs from image/jpeg", img, q)
			}
			for _, denom := range []int{2, 4, 8} {
				if _, err := Decode(bytes.NewReader(buf.Bytes()), denom); err != nil {
					t.Errorf("%T q%d 1/%d: %v", img, q, denom, err)
				}
			}
		}
	}
}

// BenchmarkDecode decodes a 2400x1800 Go-encoded photo-like JPEG at each
// scale.
func BenchmarkDecode(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	src := image.NewRGBA(image.Rect(0, 0, 2400, 1800))
	for y := 0; y < 1800; y++ {
		for x := 0; x < 2400; x++ {
			i := src.PixOffset(x, y)
			src.Pix[i], src.Pix[i+1], src.Pix[i+2], src.Pix[i+3] = uint8(x/10+r.IntN(16)), uint8(y/8+r.IntN(16)), uint8((x+y)/17), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	for _, denom := range []int{1, 2, 4, 8} {
		b.Run("1:"+string(rune('0'+denom)), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(buf.Bytes()), denom); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("image-jpeg", func(b *testing.B) {
		b.SetBytes(int64(buf.Len()))
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(buf.Bytes())); err != nil {
				b.Fatal(err)
			}
		}
	})
}
