// Command thumbbench runs the thumbnail Lambda's image path
// (lambda-src/internal/thumbs: decode with limits → resize → encode) on one
// local file, for tools/bench-thumbs.sh to time next to vipsthumbnail and
// ImageMagick. It is not a Lambda and is not packaged.
//
//	thumbbench [-width 320] [-scaler catmullrom|catmullrom-direct|bilinear|bilinear-direct] IN OUT
package main

import (
	"flag"
	"fmt"
	"os"

	"golang.org/x/image/draw"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/thumbs"
)

func main() {
	width := flag.Int("width", thumbs.DefaultWidth, "thumbnail width")
	scaler := flag.String("scaler", "catmullrom", "catmullrom (default path: box pre-shrink + CatmullRom), catmullrom-direct, bilinear (pre-shrink + ApproxBiLinear), bilinear-direct")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: thumbbench [-width N] [-scaler catmullrom|catmullrom-direct|bilinear|bilinear-direct] IN OUT")
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
	switch scaler {
	case "catmullrom":
		s = draw.CatmullRom
	case "catmullrom-direct":
		s, resize = draw.CatmullRom, thumbs.ResizeDirect
	case "bilinear":
		s = draw.ApproxBiLinear
	case "bilinear-direct":
		s, resize = draw.ApproxBiLinear, thumbs.ResizeDirect
	default:
		return fmt.Errorf("unknown scaler %q", scaler)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if int64(len(data)) > thumbs.DefaultMaxSourceBytes {
		return fmt.Errorf("%s is larger than %d bytes", in, thumbs.DefaultMaxSourceBytes)
	}
	img, f, err := thumbs.Decode(data, thumbs.Limits{MaxPixels: thumbs.DefaultMaxSourcePixels})
	if err != nil {
		return err
	}
	enc, err := thumbs.Encode(resize(img, width, s), f)
	if err != nil {
		return err
	}
	return os.WriteFile(out, enc, 0o644)
}
