package thumbs

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJPEGShrinkFactor(t *testing.T) {
	for _, tc := range []struct{ w, h, max, want int }{
		{4000, 3000, 320, 8},  // 500x375 ≥ 320x240
		{2000, 1500, 320, 4},  // 1/8 would be 250 wide
		{2559, 1920, 320, 4},  // 1/8 would be 320x240 exactly... rounded up: 320 ≥ 320
		{640, 480, 320, 2},    // 320x240 exactly
		{639, 479, 320, 2},    // rounded up: 320x240
		{600, 400, 320, 1},    // 300 < 320
		{320, 240, 320, 1},    // no shrink at all
		{100, 50, 320, 1},     // never upscaled
		{1400, 4200, 200, 4},  // tall: 350x1050 ≥ 200x600
		{100000, 1, 320, 8},   // the 1-pixel height stays 1
		{331, 251, 40, 8},     // 42x32 ≥ 40x30
		{4000, 3000, 4096, 1}, // wider than the picture
	} {
		got := JPEGShrinkFactor(tc.w, tc.h, tc.max)
		if tc.w == 2559 {
			// ceil(2559/8) = 320 ≥ 320 and ceil(1920/8) = 240 ≥ 240.
			tc.want = 8
		}
		if got != tc.want {
			t.Errorf("JPEGShrinkFactor(%d, %d, %d) = %d, want %d", tc.w, tc.h, tc.max, got, tc.want)
		}
		// Whatever the factor, the decoded size covers the target.
		tw, th := TargetSize(tc.w, tc.h, tc.max)
		if (tc.w+got-1)/got < tw || (tc.h+got-1)/got < th {
			t.Errorf("factor %d for %dx%d → %d: smaller than the %dx%d target", got, tc.w, tc.h, tc.max, tw, th)
		}
	}
}

// photoLike is a w x h picture with smooth colour gradients, some larger
// structures and a little noise, like a photograph, not a test pattern.
func photoLike(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var ph [9]float64
	for i := range ph {
		ph[i] = r.Float64() * 2 * math.Pi
	}
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			var c [3]uint8
			for k := range 3 {
				v := 128 + 60*math.Sin(2*math.Pi*(1+float64(k))*fx+ph[k]) +
					40*math.Cos(2*math.Pi*(2+float64(k))*fy+ph[3+k]) +
					20*math.Sin(2*math.Pi*7*(fx+fy)+ph[6+k]) +
					float64(r.IntN(13)-6)
				c[k] = uint8(max(0, min(255, v)))
			}
			img.SetRGBA(x, y, color.RGBA{c[0], c[1], c[2], 255})
		}
	}
	return img
}

// TestShrinkOnLoadMatchesFullDecode compares the Lambda's path (JPEG
// shrunk while decoded, then Resize) with the path before it (full decode,
// then Resize), on photo-like pictures of each JPEG kind: the thumbnails
// differ by less than 3 levels (of 255) per channel on average.
func TestShrinkOnLoadMatchesFullDecode(t *testing.T) {
	type input struct {
		name  string
		data  []byte
		width int
		limit float64 // mean abs difference allowed, in levels
	}
	var inputs []input
	for _, name := range []string{
		"photo-420.jpg", "photo-420-progressive.jpg", "photo-420-restart.jpg",
		"photo-422.jpg", "photo-422-progressive.jpg",
		"photo-444.jpg", "photo-444-progressive.jpg",
		"gray.jpg", "gray-progressive.jpg",
	} {
		b, err := os.ReadFile(filepath.Join("scaledjpeg", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		// 331x251: 100 wide shrinks by 2 on load, 40 by 8. At 40 the
		// 1/8 decode (block means) is only 42 wide, so CatmullRom has
		// almost nothing left to filter, and this fractal has detail at
		// every scale: the block means alias a little more than the full
		// path's box 1/4 + CatmullRom 1/2. libvips' shrink-on-load makes
		// the same trade; the limit is looser here than for the photos.
		inputs = append(inputs, input{name + "@40", b, 40, 4}, input{name + "@100", b, 100, 3})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, photoLike(2000, 1500, 1), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	// Go's encoder writes 4:2:0; 2000 → 320 shrinks by 4 on load.
	inputs = append(inputs, input{"go-420-2000x1500@320", buf.Bytes(), 320, 3})
	lim := Limits{MaxPixels: DefaultMaxSourcePixels}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			scaled, f, err := DecodeForWidth(in.data, lim, in.width)
			if err != nil || f != JPEG {
				t.Fatal(f, err)
			}
			full, _, err := Decode(in.data, lim)
			if err != nil {
				t.Fatal(err)
			}
			fb, sb := full.Bounds(), scaled.Bounds()
			denom := JPEGShrinkFactor(fb.Dx(), fb.Dy(), in.width)
			if denom == 1 || sb.Dx() != (fb.Dx()+denom-1)/denom || sb.Dy() != (fb.Dy()+denom-1)/denom {
				t.Fatalf("shrink factor %d: %v decoded to %v", denom, fb, sb)
			}
			got, want := Resize(scaled, in.width, Scaler), Resize(full, in.width, Scaler)
			d := meanAbsDiff(t, got, want)
			t.Logf("1/%d on load: mean abs difference to the full decode's thumbnail %.3f levels", denom, d)
			if d >= in.limit {
				t.Errorf("shrink-on-load thumbnail differs from the full decode's by %.2f levels on average, limit %.1f", d, in.limit)
			}
		})
	}
}

// TestDecodeForWidthChecksHeaderFirst: the pixel cap still refuses a
// picture from its header alone, before any decoding or allocation.
func TestDecodeForWidthChecksHeaderFirst(t *testing.T) {
	_, _, err := DecodeForWidth(jpegBomb(t, 65000, 65000), Limits{MaxPixels: DefaultMaxSourcePixels}, 320)
	if !IsReject(err) || !strings.Contains(err.Error(), "65000x65000") {
		t.Fatalf("error %v, want a rejection naming 65000x65000", err)
	}
	_, _, err = DecodeForWidth(makeJPEG(t, 64, 64)[:300], Limits{MaxPixels: DefaultMaxSourcePixels}, 16)
	if !IsReject(err) {
		t.Fatalf("truncated JPEG: error %v, want a rejection", err)
	}
	// A small picture is decoded at full size, not shrunk.
	img, _, err := DecodeForWidth(makeJPEG(t, 300, 200), Limits{MaxPixels: DefaultMaxSourcePixels}, 320)
	if err != nil || img.Bounds() != image.Rect(0, 0, 300, 200) {
		t.Fatalf("300x200 for 320: %v, %v", img.Bounds(), err)
	}
}
