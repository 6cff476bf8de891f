// Command thumbbench runs the thumbnail Lambda's image path
// (lambda-src/internal/thumbs: decode with limits → resize → encode) on one
// local file, for tools/bench-thumbs.sh to time next to vipsthumbnail and
// ImageMagick. It is not a Lambda and is not packaged.
//
//	thumbbench [-width 320] [-scaler catmullrom|catmullrom-fulldecode|catmullrom-direct|bilinear|bilinear-direct] IN OUT
//
// catmullrom is what the Lambda runs (thumbs.Thumbnail): JPEG shrink-on-load,
// box pre-shrink, CatmullRom. The others decode the whole picture first:
// catmullrom-fulldecode (then box pre-shrink + CatmullRom: the path before
// shrink-on-load), bilinear (pre-shrink + ApproxBiLinear), and the -direct
// ones, which run the scaler over the full-size picture.
package main

import (
	"flag"
	"fmt"
	"image"
	"os"

	"golang.org/x/image/draw"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs"
)

const usage = "usage: thumbbench [-width N] [-scaler catmullrom|catmullrom-fulldecode|catmullrom-direct|bilinear|bilinear-direct] IN OUT"

func main() {
	width := flag.Int("width", thumbs.DefaultWidth, "thumbnail width")
	scaler := flag.String("scaler", "catmullrom", "catmullrom (the Lambda's path: shrink-on-load + box pre-shrink + CatmullRom), catmullrom-fulldecode, catmullrom-direct, bilinear, bilinear-direct")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *width, *scaler); err != nil {
		fmt.Fprintln(os.Stderr, "thumbbench:", err)
		os.Exit(1)
	}
}

func run(in, out string, width int, scaler string) error {
	var s draw.Scaler
	resize := thumbs.Resize
	decode := func(data []byte, lim thumbs.Limits) (image.Image, thumbs.Format, error) {
		return thumbs.DecodeForWidth(data, lim, width)
	}
	switch scaler {
	case "catmullrom":
		s = draw.CatmullRom
	case "catmullrom-fulldecode":
		s, decode = draw.CatmullRom, thumbs.Decode
	case "catmullrom-direct":
		s, resize, decode = draw.CatmullRom, thumbs.ResizeDirect, thumbs.Decode
	case "bilinear":
		s, decode = draw.ApproxBiLinear, thumbs.Decode
	case "bilinear-direct":
		s, resize, decode = draw.ApproxBiLinear, thumbs.ResizeDirect, thumbs.Decode
	default:
		return fmt.Errorf("unknown scaler %q\n%s", scaler, usage)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if int64(len(data)) > thumbs.DefaultMaxSourceBytes {
		return fmt.Errorf("%s is larger than %d bytes", in, thumbs.DefaultMaxSourceBytes)
	}
	img, f, err := decode(data, thumbs.Limits{MaxPixels: thumbs.DefaultMaxSourcePixels})
	if err != nil {
		return err
	}
	enc, err := thumbs.Encode(resize(img, width, s), f)
	if err != nil {
		return err
	}
	return os.WriteFile(out, enc, 0o644)
}
