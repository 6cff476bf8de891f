package thumbs

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs/scaledjpeg"
)

// Format is an accepted source (and thumbnail) image format.
type Format string

const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
)

// ContentType is the MIME type a thumbnail of this format is stored with.
func (f Format) ContentType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	}
	return "application/octet-stream"
}

// JPEGQuality is the quality JPEG thumbnails are encoded with.
const JPEGQuality = 85

// RejectError says why a source object is not thumbnailed. It is permanent:
// retrying the same object gives the same answer, so the handler logs it and
// moves on instead of failing the invocation.
type RejectError struct{ Reason string }

func (e *RejectError) Error() string { return "not thumbnailed: " + e.Reason }

func reject(format string, args ...any) error {
	return &RejectError{Reason: fmt.Sprintf(format, args...)}
}

// IsReject reports whether err is (or wraps) a *RejectError.
func IsReject(err error) bool {
	var r *RejectError
	return errors.As(err, &r)
}

// Limits bound the work one source image may cause. Both are checked from
// the header, before any pixel is decoded (decompression bombs).
type Limits struct {
	// MaxPixels is the largest accepted width*height of a source.
	MaxPixels int64
	// MaxBytes, if positive, is the most memory decoding a source and
	// resizing it to the thumbnail may allocate (see Config.MemoryBudget).
	// Pixels alone do not bound it: a 16-bit RGBA PNG decodes to 8 bytes a
	// pixel, twice an 8-bit one, and a progressive JPEG keeps 4 bytes of
	// coefficients for each sample however small it is decoded.
	MaxBytes int64
}

var (
	magicJPEG = []byte{0xff, 0xd8, 0xff}
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
)

// sniff names the format of data from its first bytes. Only JPEG and PNG
// are accepted; the other names exist so the rejection says what it was.
func sniff(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		return JPEG, nil
	case bytes.HasPrefix(data, magicPNG):
		return PNG, nil
	case len(data) == 0:
		return "", reject("empty object")
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "", reject("GIF is not supported (only JPEG and PNG)")
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "", reject("WebP is not supported (only JPEG and PNG)")
	case looksLikeSVG(data):
		return "", reject("SVG is not supported (only JPEG and PNG)")
	}
	return "", reject("not a JPEG or PNG image")
}

func looksLikeSVG(data []byte) bool {
	head := data[:min(len(data), 512)]
	head = bytes.ToLower(bytes.TrimSpace(head))
	return bytes.HasPrefix(head, []byte("<svg")) ||
		(bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<svg")))
}

// Decode decodes a JPEG or PNG after checking, from the header alone, that
// its dimensions are within limits. Formats are dispatched on magic bytes to
// the scaledjpeg and png packages directly, so a decoder registered
// elsewhere in the binary (GIF, WebP, ...) can never be reached through here.
func Decode(data []byte, lim Limits) (image.Image, Format, error) {
	return decode(data, lim, 0)
}

// DecodeForWidth is Decode for a thumbnail at most maxWidth wide: a JPEG is
// scaled down while it is decoded, by JPEGShrinkFactor (shrink-on-load),
// so the full-size picture is never made. Resize does the rest.
func DecodeForWidth(data []byte, lim Limits, maxWidth int) (image.Image, Format, error) {
	return decode(data, lim, maxWidth)
}

func decode(data []byte, lim Limits, maxWidth int) (image.Image, Format, error) {
	f, err := sniff(data)
	if err != nil {
		return nil, "", err
	}
	decodeConfig := scaledjpeg.DecodeConfig
	if f == PNG {
		decodeConfig = png.DecodeConfig
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", reject("unreadable %s header: %v", f, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", reject("%s has no pixels (%dx%d)", f, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); lim.MaxPixels > 0 && px > lim.MaxPixels {
		return nil, "", reject("%s is %dx%d = %d pixels, more than the limit of %d", f, cfg.Width, cfg.Height, px, lim.MaxPixels)
	}
	denom := 1
	if f == JPEG && maxWidth > 0 {
		denom = JPEGShrinkFactor(cfg.Width, cfg.Height, maxWidth)
	}
	if lim.MaxBytes > 0 {
		need, err := memoryNeeded(data, f, cfg, denom, maxWidth)
		if err != nil {
			return nil, "", reject("unreadable %s header: %v", f, err)
		}
		if need > lim.MaxBytes {
			return nil, "", reject("%s is %dx%d: decoding and resizing it needs about %d MiB, more than the memory budget of %d MiB",
				f, cfg.Width, cfg.Height, ceilDiv64(need, 1<<20), lim.MaxBytes>>20)
		}
	}
	var img image.Image
	if f == PNG {
		img, err = png.Decode(bytes.NewReader(data))
	} else {
		img, err = scaledjpeg.Decode(bytes.NewReader(data), denom)
	}
	if err != nil {
		return nil, "", reject("corrupt or truncated %s: %v", f, err)
	}
	return img, f, nil
}

// JPEGShrinkFactor is the shrink-on-load factor for a w x h JPEG made into
// a thumbnail at most maxWidth wide: the largest of 8, 4, 2 (else 1) by
// which the picture, rounded up, is still at least the thumbnail's size in
// both directions, so the final resample only ever shrinks.
func JPEGShrinkFactor(w, h, maxWidth int) int {
	tw, th := TargetSize(w, h, maxWidth)
	for _, f := range []int{8, 4, 2} {
		if (w+f-1)/f >= tw && (h+f-1)/f >= th {
			return f
		}
	}
	return 1
}

// TargetSize is the thumbnail size for a w x h source: width at most
// maxWidth (never upscaled), aspect ratio kept, height at least 1.
func TargetSize(w, h, maxWidth int) (int, int) {
	if w <= maxWidth {
		return w, h
	}
	th := int((int64(h)*int64(maxWidth) + int64(w)/2) / int64(w))
	return maxWidth, max(th, 1)
}

// Scaler is the resampling kernel. CatmullRom (bicubic) reads every source
// pixel under its widened kernel when shrinking, so a 12x reduction has no
// aliasing or moiré; ApproxBiLinear reads only 4 pixels per output pixel,
// which is faster but visibly aliases at thumbnail ratios. Thumbnail
// decodes JPEGs already shrunk by up to 8 (DecodeForWidth), and Resize
// box-shrinks what is still more than twice the target (preShrink: PNGs,
// JPEGs beyond 8x), so CatmullRom only covers the last ≤ 2x step. See
// BenchmarkThumbnail and tools/bench-thumbs.sh for the numbers.
var Scaler draw.Scaler = draw.CatmullRom

// Resize scales src to at most maxWidth wide, keeping the aspect ratio:
// a box pre-shrink by a whole factor (JPEG sources, see preShrink), then
// scaler for the rest.
func Resize(src image.Image, maxWidth int, scaler draw.Scaler) *image.RGBA {
	return resize(src, maxWidth, scaler, true)
}

// ResizeDirect is Resize without the box pre-shrink: scaler over the whole
// source. For comparisons.
func ResizeDirect(src image.Image, maxWidth int, scaler draw.Scaler) *image.RGBA {
	return resize(src, maxWidth, scaler, false)
}

func resize(src image.Image, maxWidth int, scaler draw.Scaler, shrink bool) *image.RGBA {
	b := src.Bounds()
	w, h := TargetSize(b.Dx(), b.Dy(), maxWidth)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
		return dst
	}
	if shrink {
		src = preShrink(src, maxWidth)
	}
	scaler.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst
}

// Encode writes img in format f (JPEG at JPEGQuality).
func Encode(img image.Image, f Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case JPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality})
	case PNG:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img)
	default:
		err = fmt.Errorf("cannot encode format %q", f)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Thumbnail is the whole image path: decode (with limits, JPEGs shrunk on
// load), resize to maxWidth, encode in the source's format. Rejections are
// *RejectError.
func Thumbnail(data []byte, maxWidth int, lim Limits) ([]byte, Format, error) {
	img, f, err := DecodeForWidth(data, lim, maxWidth)
	if err != nil {
		return nil, "", err
	}
	out, err := Encode(Resize(img, maxWidth, Scaler), f)
	if err != nil {
		return nil, "", fmt.Errorf("encoding %s thumbnail: %w", f, err)
	}
	return out, f, nil
}
