package thumbs

import (
	"bytes"
	"context"
	"errors"
	"image"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func s3Event(name, bucket, key string, size int64) events.S3Event {
	return events.S3Event{Records: []events.S3EventRecord{{
		EventName: name,
		S3: events.S3Entity{
			Bucket: events.S3Bucket{Name: bucket},
			Object: events.S3Object{Key: key, Size: size},
		},
	}}}
}

func testConfig() Config {
	return Config{
		UploadsPrefix:    DefaultUploadsPrefix,
		ThumbnailsPrefix: DefaultThumbnailsPrefix,
		Width:            32,
		MaxSourceBytes:   1 << 20,
		MaxSourcePixels:  1 << 20,
	}
}

func TestHandle(t *testing.T) {
	jpg := makeJPEG(t, 200, 100)
	pngData := makePNG(t, 100, 300)
	big := append(makeJPEG(t, 20, 20), make([]byte, 2<<20)...)

	tests := []struct {
		name      string
		event     string // default ObjectCreated:Put
		rawKey    string // as in the notification
		srcKey    string // stored object key ("" = none)
		body      []byte
		size      int64
		getErr    error
		putErr    error
		hideLen   bool
		wantKey   string // thumbnail written ("" = none)
		wantType  string
		wantSize  image.Point
		wantErr   bool   // handler returns an error (retry)
		wantLog   string // substring of the log
		wantNoGet bool
	}{
		{name: "jpeg", rawKey: "uploads/cat.jpg", srcKey: "uploads/cat.jpg", body: jpg,
			wantKey: "b/thumbnails/cat.jpg", wantType: "image/jpeg", wantSize: image.Pt(32, 16)},
		{name: "png keeps format and aspect", rawKey: "uploads/a.png", srcKey: "uploads/a.png", body: pngData,
			wantKey: "b/thumbnails/a.png", wantType: "image/png", wantSize: image.Pt(32, 96)},
		{name: "format by content, not extension", rawKey: "uploads/really-a-png.jpg", srcKey: "uploads/really-a-png.jpg", body: pngData,
			wantKey: "b/thumbnails/really-a-png.jpg", wantType: "image/png", wantSize: image.Pt(32, 96)},
		{name: "nested key", rawKey: "uploads/2024/05/me/cat.jpg", srcKey: "uploads/2024/05/me/cat.jpg", body: jpg,
			wantKey: "b/thumbnails/2024/05/me/cat.jpg", wantType: "image/jpeg", wantSize: image.Pt(32, 16)},
		{name: "encoded key with spaces and plus", rawKey: "uploads/my+holiday+%282%29%2Bmore.jpg", srcKey: "uploads/my holiday (2)+more.jpg", body: jpg,
			wantKey: "b/thumbnails/my holiday (2)+more.jpg", wantType: "image/jpeg", wantSize: image.Pt(32, 16)},
		{name: "encoded unicode key", rawKey: "uploads/caf%C3%A9.png", srcKey: "uploads/café.png", body: pngData,
			wantKey: "b/thumbnails/café.png", wantType: "image/png", wantSize: image.Pt(32, 96)},
		{name: "small image not upscaled", rawKey: "uploads/s.jpg", srcKey: "uploads/s.jpg", body: makeJPEG(t, 20, 10),
			wantKey: "b/thumbnails/s.jpg", wantType: "image/jpeg", wantSize: image.Pt(20, 10)},
		{name: "multipart upload event", event: "ObjectCreated:CompleteMultipartUpload", rawKey: "uploads/m.jpg", srcKey: "uploads/m.jpg", body: jpg,
			wantKey: "b/thumbnails/m.jpg", wantType: "image/jpeg", wantSize: image.Pt(32, 16)},

		{name: "thumbnail key ignored (no recursion)", rawKey: "thumbnails/cat.jpg", srcKey: "thumbnails/cat.jpg", body: jpg,
			wantLog: "already under THUMBNAILS_PREFIX", wantNoGet: true},
		{name: "outside uploads ignored", rawKey: "other/cat.jpg", srcKey: "other/cat.jpg", body: jpg,
			wantLog: "outside UPLOADS_PREFIX", wantNoGet: true},
		{name: "removal ignored", event: "ObjectRemoved:Delete", rawKey: "uploads/cat.jpg", wantLog: "not ObjectCreated", wantNoGet: true},
		{name: "dotdot rejected", rawKey: "uploads/../thumbnails/x.jpg", wantLog: `has a \"..\" segment`, wantNoGet: true},
		{name: "encoded dotdot rejected", rawKey: "uploads/%2E%2E/x.jpg", wantLog: `has a \"..\" segment`, wantNoGet: true},
		{name: "absolute rejected", rawKey: "%2Fuploads/x.jpg", wantLog: "absolute key", wantNoGet: true},
		{name: "bad encoding rejected", rawKey: "uploads/%zz.jpg", wantLog: "not validly URL-encoded", wantNoGet: true},
		{name: "folder marker ignored", rawKey: "uploads/2024/", wantLog: "folder marker", wantNoGet: true},
		{name: "oversize by event size", rawKey: "uploads/big.jpg", srcKey: "uploads/big.jpg", body: big, size: int64(len(big)),
			wantLog: "more than MAX_SOURCE_BYTES", wantNoGet: true},
		{name: "oversize by content length", rawKey: "uploads/big.jpg", srcKey: "uploads/big.jpg", body: big,
			wantLog: "more than MAX_SOURCE_BYTES"},
		{name: "oversize without content length", rawKey: "uploads/big.jpg", srcKey: "uploads/big.jpg", body: big, hideLen: true,
			wantLog: "more than MAX_SOURCE_BYTES"},
		{name: "png bomb", rawKey: "uploads/bomb.png", srcKey: "uploads/bomb.png", body: pngBomb(100000, 100000),
			wantLog: "100000x100000 = 10000000000 pixels"},
		{name: "jpeg bomb", rawKey: "uploads/bomb.jpg", srcKey: "uploads/bomb.jpg", body: jpegBomb(t, 65000, 65000),
			wantLog: "65000x65000"},
		{name: "truncated jpeg", rawKey: "uploads/t.jpg", srcKey: "uploads/t.jpg", body: jpg[:len(jpg)/2],
			wantLog: "corrupt or truncated jpeg"},
		{name: "truncated png", rawKey: "uploads/t.png", srcKey: "uploads/t.png", body: pngData[:len(pngData)/2],
			wantLog: "corrupt or truncated png"},
		{name: "png header only", rawKey: "uploads/h.png", srcKey: "uploads/h.png", body: pngData[:20],
			wantLog: "unreadable png header"},
		{name: "gif rejected", rawKey: "uploads/a.gif", srcKey: "uploads/a.gif", body: makeGIF(t), wantLog: "GIF is not supported"},
		{name: "webp rejected", rawKey: "uploads/a.webp", srcKey: "uploads/a.webp", body: []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), wantLog: "WebP is not supported"},
		{name: "svg rejected", rawKey: "uploads/a.svg", srcKey: "uploads/a.svg", body: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), wantLog: "SVG is not supported"},
		{name: "text rejected", rawKey: "uploads/a.txt", srcKey: "uploads/a.txt", body: []byte("hello"), wantLog: "not a JPEG or PNG"},
		{name: "empty rejected", rawKey: "uploads/e.jpg", srcKey: "uploads/e.jpg", body: []byte{}, wantLog: "empty object"},

		{name: "get error retried", rawKey: "uploads/cat.jpg", getErr: errors.New("throttled"), wantErr: true, wantLog: "throttled"},
		{name: "put error retried", rawKey: "uploads/cat.jpg", srcKey: "uploads/cat.jpg", body: jpg, putErr: errors.New("access denied"), wantErr: true, wantLog: "access denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFakeS3()
			fs.getErr, fs.putErr, fs.hideLength = tc.getErr, tc.putErr, tc.hideLen
			if tc.srcKey != "" {
				fs.objects["b/"+tc.srcKey] = tc.body
			}
			var logs bytes.Buffer
			h := &Handler{S3: fs, Config: testConfig(), Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			ev := tc.event
			if ev == "" {
				ev = "ObjectCreated:Put"
			}
			size := tc.size
			if size == 0 {
				size = int64(len(tc.body))
			}
			err := h.Handle(context.Background(), s3Event(ev, "b", tc.rawKey, size))
			if (err != nil) != tc.wantErr {
				t.Fatalf("Handle error = %v, want error %v; logs:\n%s", err, tc.wantErr, logs.String())
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("logs lack %q:\n%s", tc.wantLog, logs.String())
			}
			if tc.wantNoGet && len(fs.gets) != 0 {
				t.Errorf("GetObject called for %v", fs.gets)
			}
			if tc.wantKey == "" {
				if len(fs.puts) != 0 && tc.putErr == nil {
					t.Fatalf("unexpected PutObject %v", fs.puts)
				}
				return
			}
			out, ok := fs.objects[tc.wantKey]
			if !ok {
				t.Fatalf("no thumbnail at %s; puts %v; logs:\n%s", tc.wantKey, fs.puts, logs.String())
			}
			if len(fs.puts) != 1 {
				t.Errorf("puts = %v, want one", fs.puts)
			}
			if got := fs.types[tc.wantKey]; got != tc.wantType {
				t.Errorf("content type %q, want %q", got, tc.wantType)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("thumbnail does not decode: %v", err)
			}
			if "image/"+format != tc.wantType || image.Pt(cfg.Width, cfg.Height) != tc.wantSize {
				t.Errorf("thumbnail is %s %dx%d, want %s %v", format, cfg.Width, cfg.Height, tc.wantType, tc.wantSize)
			}
		})
	}
}

func TestHandleManyRecordsContinuesAfterFailure(t *testing.T) {
	fs := newFakeS3()
	fs.objects["b/uploads/ok.jpg"] = makeJPEG(t, 64, 64)
	ev := s3Event("ObjectCreated:Put", "b", "uploads/missing.jpg", 10)
	ev.Records = append(ev.Records, s3Event("ObjectCreated:Put", "b", "uploads/ok.jpg", 10).Records...)
	h := &Handler{S3: fs, Config: testConfig(), Logger: slog.New(slog.DiscardHandler)}
	err := h.Handle(context.Background(), ev)
	if err == nil || !strings.Contains(err.Error(), "missing.jpg") {
		t.Fatalf("error %v should name the failed object", err)
	}
	if _, ok := fs.objects["b/thumbnails/ok.jpg"]; !ok {
		t.Error("the second record was not processed")
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "defaults", env: nil, want: Config{"uploads/", "thumbnails/", 320, 20 << 20, 50_000_000, 1024}},
		{name: "custom", env: map[string]string{"UPLOADS_PREFIX": "in/", "THUMBNAILS_PREFIX": "out/small/", "THUMBNAIL_WIDTH": "640", "MAX_SOURCE_BYTES": "1000", "MAX_SOURCE_PIXELS": "2000", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"},
			want: Config{"in/", "out/small/", 640, 1000, 2000, 128}},
		{name: "thumbs inside uploads", env: map[string]string{"THUMBNAILS_PREFIX": "uploads/thumbs/"}, wantErr: "inside UPLOADS_PREFIX"},
		{name: "same prefix", env: map[string]string{"UPLOADS_PREFIX": "media/", "THUMBNAILS_PREFIX": "media/"}, wantErr: "inside UPLOADS_PREFIX"},
		{name: "uploads inside thumbs", env: map[string]string{"UPLOADS_PREFIX": "thumbnails/in/"}, wantErr: "inside THUMBNAILS_PREFIX"},
		{name: "no slash", env: map[string]string{"UPLOADS_PREFIX": "uploads"}, wantErr: `end in "/"`},
		{name: "leading slash", env: map[string]string{"UPLOADS_PREFIX": "/uploads/"}, wantErr: `must not start with "/"`},
		{name: "bad width", env: map[string]string{"THUMBNAIL_WIDTH": "wide"}, wantErr: "THUMBNAIL_WIDTH"},
		{name: "zero width", env: map[string]string{"THUMBNAIL_WIDTH": "0"}, wantErr: "THUMBNAIL_WIDTH=0"},
		{name: "huge width", env: map[string]string{"THUMBNAIL_WIDTH": "100000"}, wantErr: "THUMBNAIL_WIDTH=100000"},
		{name: "bad bytes", env: map[string]string{"MAX_SOURCE_BYTES": "20MB"}, wantErr: "MAX_SOURCE_BYTES"},
		{name: "negative pixels", env: map[string]string{"MAX_SOURCE_PIXELS": "-1"}, wantErr: "MAX_SOURCE_PIXELS=-1"},
		{name: "memory not a number", env: map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1GB"}, wantErr: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"},
		{name: "memory too small", env: map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "64"}, wantErr: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=64"},
		{name: "memory too large", env: map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "20480"}, wantErr: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=20480"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestTargetSize(t *testing.T) {
	for _, tc := range []struct{ w, h, max, ww, wh int }{
		{4000, 3000, 320, 320, 240},
		{3000, 4000, 320, 320, 427},
		{320, 10, 320, 320, 10},
		{100, 50, 320, 100, 50},
		{100000, 1, 320, 320, 1},
		{641, 1, 320, 320, 1},
	} {
		if w, h := TargetSize(tc.w, tc.h, tc.max); w != tc.ww || h != tc.wh {
			t.Errorf("TargetSize(%d,%d,%d) = %d,%d want %d,%d", tc.w, tc.h, tc.max, w, h, tc.ww, tc.wh)
		}
	}
}

func FuzzThumbnail(f *testing.F) {
	f.Add(makeJPEG(f, 40, 30))
	f.Add(makePNG(f, 30, 40))
	f.Add(pngBomb(100000, 100000))
	f.Add(jpegBomb(f, 60000, 60000))
	f.Add(makeGIF(f))
	f.Add([]byte("\xff\xd8\xff"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add(flatPNG(40, 30, 16, 0, true, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, format, err := Thumbnail(data, 16, Limits{MaxPixels: 1 << 16, MaxBytes: 4 << 20})
		if err != nil {
			if !IsReject(err) {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || cfg.Width > 16 || cfg.Width < 1 || cfg.Height < 1 {
			t.Fatalf("bad %s thumbnail %+v: %v", format, cfg, err)
		}
	})
}
