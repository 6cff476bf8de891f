package thumbs

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// fakeS3 is an in-memory S3API for one or more buckets.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key" -> body
	types   map[string]string // "bucket/key" -> content type of puts
	gets    []string
	puts    []string
	getErr  error
	putErr  error
	// hideLength leaves ContentLength unset on GetObject, as a chunked
	// response would.
	hideLength bool
}

func newFakeS3() *fakeS3 {
	return &fakeS3{objects: map[string][]byte{}, types: map[string]string{}}
}

var errNoSuchKey = errors.New("NoSuchKey")

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	f.gets = append(f.gets, k)
	if f.getErr != nil {
		return nil, f.getErr
	}
	b, ok := f.objects[k]
	if !ok {
		return nil, errNoSuchKey
	}
	out := &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}
	if !f.hideLength {
		out.ContentLength = aws.Int64(int64(len(b)))
	}
	return out, nil
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Key)
	f.puts = append(f.puts, k)
	if f.putErr != nil {
		return nil, f.putErr
	}
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.objects[k] = b
	f.types[k] = aws.ToString(in.ContentType)
	return &s3.PutObjectOutput{}, nil
}

// gradient is a w x h test picture with some structure.
func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), uint8((x ^ y) & 0xff), 255})
		}
	}
	return img
}

func makeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, gradient(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	img := gradient(w, h)
	img.SetNRGBA(0, 0, color.NRGBA{1, 2, 3, 0}) // some transparency
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeGIF(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, gradient(8, 8), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG signature plus a valid IHDR chunk claiming w x h RGBA
// pixels, and nothing else: DecodeConfig accepts it, a full decode would
// try to allocate w*h*4 bytes first.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// jpegBomb rewrites the SOF0 dimensions of a small valid JPEG.
func jpegBomb(t testing.TB, w, h uint16) []byte {
	t.Helper()
	b := makeJPEG(t, 16, 16)
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// flatPNG is a valid w x h PNG, all pixels zero, of the given bit depth and
// colour type (0 gray, 2 RGB, 4 gray+alpha or 6 RGBA), optionally Adam7
// interlaced and with a tRNS chunk (gray only). It is built without w*h
// pixels in memory, so a test can have a 7000x7000 16-bit PNG cheaply: see
// zeroZlib.
func flatPNG(w, h int, depth, colorType byte, interlaced, trns bool) []byte {
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[colorType]
	rowBytes := func(w int) int64 { return 1 + (int64(w)*int64(channels)*int64(depth)+7)/8 } // filter byte + pixels
	var raw int64
	if !interlaced {
		raw = int64(h) * rowBytes(w)
	} else {
		for _, p := range [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
			pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
			if pw > 0 && ph > 0 {
				raw += int64(ph) * rowBytes(pw)
			}
		}
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, colorType
	if interlaced {
		ihdr[12] = 1
	}
	chunk("IHDR", ihdr)
	if trns {
		chunk("tRNS", []byte{0, 0}) // gray level 0, the only one there is, is transparent
	}
	chunk("IDAT", zeroZlib(raw))
	chunk("IEND", nil)
	return b.Bytes()
}

// zeroZlib is a zlib stream of n zero bytes, made from one deflated 64 KiB
// run of zeros repeated: each run is flushed to a byte boundary and refers
// only to itself, so the copies concatenate into one valid stream.
func zeroZlib(n int64) []byte {
	const run = 64 << 10
	deflated := func(n int64) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		_, _ = fw.Write(make([]byte, n))
		_ = fw.Flush()
		return b.Bytes()
	}
	out := bytes.NewBuffer([]byte{0x78, 0xda})
	out.Write(bytes.Repeat(deflated(run), int(n/run)))
	if n%run > 0 {
		out.Write(deflated(n % run))
	}
	out.Write([]byte{0x03, 0x00})                                  // final empty fixed-Huffman block
	_ = binary.Write(out, binary.BigEndian, uint32(n%65521)<<16|1) // Adler-32 of n zeros
	return out.Bytes()
}
