package thumbs

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs/scaledjpeg"
)

// allocated is how many bytes f allocates on the heap.
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// photoJPEG is a w x h 4:2:0 baseline JPEG like a camera's, encoded from a
// YCbCr picture (no RGBA copy of it is made).
func photoJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8((x ^ y) + x/7)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i/97), uint8(i/13)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFlatPNG(t *testing.T) {
	for _, tc := range []struct {
		w, h             int
		depth, colorType byte
		interlaced, trns bool
		want             string
	}{
		{300, 200, 16, 6, false, false, "*image.NRGBA64"},
		{301, 203, 16, 2, true, false, "*image.RGBA64"},
		{50, 40, 8, 0, false, true, "*image.NRGBA"},
		{51, 41, 16, 0, true, true, "*image.NRGBA64"},
	} {
		img, err := png.Decode(bytes.NewReader(flatPNG(tc.w, tc.h, tc.depth, tc.colorType, tc.interlaced, tc.trns)))
		if err != nil || img.Bounds() != image.Rect(0, 0, tc.w, tc.h) || fmt.Sprintf("%T", img) != tc.want {
			t.Errorf("%+v: %T %v, %v; want %s", tc, img, img.Bounds(), err, tc.want)
		}
	}
}

// TestSmallestMemorySize runs the handler at the smallest memory size
// modules/myblog allows (MinMemoryMB, checked against the module below):
// a 7000x7000 16-bit PNG, under the pixel cap, would need some 430 MiB to
// decode and resize, so it is refused from its header, for good (no
// retry), without that memory ever being allocated; a camera-sized JPEG
// and a photo-sized PNG still get their thumbnails.
func TestSmallestMemorySize(t *testing.T) {
	fs := newFakeS3()
	fs.objects["b/uploads/rgba16.png"] = flatPNG(7000, 7000, 16, 6, false, false)
	fs.objects["b/uploads/rgb16.png"] = flatPNG(7000, 7000, 16, 2, false, false)
	fs.objects["b/uploads/gray16.png"] = flatPNG(7000, 7000, 16, 0, false, false)
	fs.objects["b/uploads/camera.jpg"] = photoJPEG(t, 4000, 3000)
	fs.objects["b/uploads/photo.png"] = makePNG(t, 1200, 800)
	var logs bytes.Buffer
	h := &Handler{S3: fs, Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Config: Config{
		UploadsPrefix: DefaultUploadsPrefix, ThumbnailsPrefix: DefaultThumbnailsPrefix, Width: 200,
		MaxSourceBytes: DefaultMaxSourceBytes, MaxSourcePixels: DefaultMaxSourcePixels, MemoryMB: MinMemoryMB,
	}}
	if px := int64(7000 * 7000); px > h.Config.MaxSourcePixels {
		t.Fatalf("7000x7000 is over the pixel cap %d: the test would not reach the byte budget", h.Config.MaxSourcePixels)
	}

	for _, key := range []string{"rgba16.png", "rgb16.png", "gray16.png"} {
		logs.Reset()
		var err error
		n := allocated(func() { err = h.Handle(context.Background(), s3Event("ObjectCreated:Put", "b", "uploads/"+key, 0)) })
		if err != nil {
			t.Fatalf("%s: Handle returned %v; a refusal must not be retried", key, err)
		}
		if _, ok := fs.objects["b/thumbnails/"+key]; ok {
			t.Fatalf("%s: a thumbnail was written", key)
		}
		if !strings.Contains(logs.String(), "more than the memory budget of 42 MiB") {
			t.Fatalf("%s: logs lack the memory budget refusal:\n%s", key, logs.String())
		}
		if n > 8<<20 {
			t.Errorf("%s: refusing it allocated %d MiB", key, n>>20)
		}
		t.Logf("%s: %s", key, strings.TrimSpace(logs.String()))
	}

	for _, key := range []string{"camera.jpg", "photo.png"} {
		var err error
		n := allocated(func() { err = h.Handle(context.Background(), s3Event("ObjectCreated:Put", "b", "uploads/"+key, 0)) })
		thumb, ok := fs.objects["b/thumbnails/"+key]
		if err != nil || !ok {
			t.Fatalf("%s: no thumbnail (%v):\n%s", key, err, logs.String())
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(thumb))
		if err != nil || cfg.Width != 200 {
			t.Fatalf("%s: thumbnail %+v, %v", key, cfg, err)
		}
		if budget := h.Config.MemoryBudget(); n > budget+int64(len(fs.objects["b/uploads/"+key]))+(1<<20) {
			t.Errorf("%s: allocated %d MiB, over the budget of %d MiB plus the object", key, n>>20, budget>>20)
		}
	}
}

// TestMinMemoryMBIsTheModules: the test above runs at the smallest memory
// size modules/myblog accepts for the thumbnail function.
func TestMinMemoryMBIsTheModules(t *testing.T) {
	tf, err := os.ReadFile(filepath.Join("..", "..", "..", "modules", "myblog", "variables.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`var\.thumbnails\.memory_size >= (\d+)`).FindSubmatch(tf)
	if m == nil {
		t.Fatal("no lower bound for thumbnails.memory_size in modules/myblog/variables.tf")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != MinMemoryMB {
		t.Fatalf("modules/myblog allows thumbnails.memory_size from %d MB, MinMemoryMB is %d", n, MinMemoryMB)
	}
}

// TestMemoryNeededCountsWhatDecodeAndResizeAllocate compares the estimate
// with what DecodeForWidth and Resize allocate, for each kind of decoded
// picture: it must not undercount (the budget would not hold) and should
// not overcount much (it would refuse pictures that fit).
func TestMemoryNeededCountsWhatDecodeAndResizeAllocate(t *testing.T) {
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("scaledjpeg", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	type input struct {
		name  string
		data  []byte
		width int
	}
	inputs := []input{
		{"png 8-bit RGBA", makePNG(t, 900, 700), 200},
		{"png 8-bit RGB, kept size", flatPNG(150, 100, 8, 2, false, false), 200},
		{"png 16-bit RGBA", flatPNG(900, 700, 16, 6, false, false), 200},
		{"png 16-bit RGB interlaced", flatPNG(900, 700, 16, 2, true, false), 200},
		{"png 8-bit gray", flatPNG(900, 700, 8, 0, false, false), 200},
		{"png 8-bit gray with tRNS", flatPNG(900, 700, 8, 0, false, true), 200},
		{"png 16-bit gray", flatPNG(900, 700, 16, 0, false, false), 200},
		{"jpeg 2000x1500 for 200 (1/8)", photoJPEG(t, 2000, 1500), 200},
		{"jpeg 2000x1500 for 600 (1/2)", photoJPEG(t, 2000, 1500), 600},
		{"jpeg 2000x1500 for 1200 (1/1)", photoJPEG(t, 2000, 1500), 1200},
		{"jpeg 4:2:2 progressive", fixture("photo-422-progressive.jpg"), 40},
		{"jpeg 4:2:0 progressive, full size", fixture("photo-420-progressive.jpg"), 320},
		{"jpeg gray progressive", fixture("gray-progressive.jpg"), 100},
		{"jpeg RGB", rgbJPEG(t, 600, 400), 100},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			f, err := sniff(in.data)
			if err != nil {
				t.Fatal(err)
			}
			var cfg image.Config
			if f == PNG {
				cfg, err = png.DecodeConfig(bytes.NewReader(in.data))
			} else {
				cfg, err = scaledjpeg.DecodeConfig(bytes.NewReader(in.data))
			}
			if err != nil {
				t.Fatal(err)
			}
			denom := 1
			if f == JPEG {
				denom = JPEGShrinkFactor(cfg.Width, cfg.Height, in.width)
			}
			est, err := memoryNeeded(in.data, f, cfg, denom, in.width)
			if err != nil {
				t.Fatal(err)
			}
			got := allocated(func() {
				img, _, err := DecodeForWidth(in.data, Limits{}, in.width)
				if err != nil {
					t.Error(err)
					return
				}
				Resize(img, in.width, Scaler)
			})
			t.Logf("%dx%d 1/%d: estimate %d bytes, allocated %d", cfg.Width, cfg.Height, denom, est, got)
			// Not counted: the decoders' own state (Huffman tables, zlib
			// window) and size-class rounding, some tens of KiB.
			const slack = 128 << 10
			if est < got-slack || est > got+got/10+slack {
				t.Errorf("estimate %d bytes, allocated %d", est, got)
			}
		})
	}
}

// rgbJPEG is a JPEG whose components are named R, G and B, which the
// decoder converts to RGBA.
func rgbJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	b := photoJPEG(t, w, h)
	sof := bytes.Index(b, []byte{0xff, 0xc0})
	sos := bytes.Index(b, []byte{0xff, 0xda})
	if sof < 0 || sos < 0 {
		t.Fatal("no SOF0 or SOS marker")
	}
	for i, c := range []byte("RGB") {
		b[sof+10+3*i] = c // component identifiers in SOF0
		b[sos+5+2*i] = c  // and in SOS
	}
	return b
}
