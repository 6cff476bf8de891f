package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

func TestGeneratorMix(t *testing.T) {
	g := &Generator{Devices: []string{"dev-0001", "dev-0002"}, BadRatio: 0.2, Seed: 1, Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }}
	kinds := map[string]int{}
	for range 100 {
		r := g.Next()
		kinds[r.Kind]++
		switch r.Kind {
		case KindGood:
			var m map[string]any
			if err := json.Unmarshal(r.Data, &m); err != nil || m["device_id"] != r.DeviceID {
				t.Fatalf("good record %s: %v", r.Data, err)
			}
		case KindTooLarge:
			if len(r.Data) <= TooLargeBytes {
				t.Fatalf("too_large record of %d bytes", len(r.Data))
			}
		case KindMalformedJSON:
			if json.Valid(r.Data) {
				t.Fatalf("malformed record is valid JSON: %s", r.Data)
			}
		}
	}
	if kinds[KindGood] != 80 || kinds[KindMalformedJSON] != 5 || kinds[KindWrongType] != 5 || kinds[KindTooLarge] != 5 || kinds[KindUnknownDevice] != 5 {
		t.Fatalf("kinds %v, want 80 good and 5 of each bad kind", kinds)
	}
}

type fakeFirehose struct {
	calls   [][]fhtypes.Record
	failOne bool
}

func (f *fakeFirehose) PutRecordBatch(_ context.Context, in *firehose.PutRecordBatchInput, _ ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error) {
	f.calls = append(f.calls, in.Records)
	out := &firehose.PutRecordBatchOutput{FailedPutCount: aws.Int32(0)}
	for i := range in.Records {
		e := fhtypes.PutRecordBatchResponseEntry{RecordId: aws.String("r")}
		if f.failOne && i == 0 {
			e.ErrorCode = aws.String("ServiceUnavailableException")
			out.FailedPutCount = aws.Int32(1)
			f.failOne = false
		}
		out.RequestResponses = append(out.RequestResponses, e)
	}
	return out, nil
}

func TestRunFirehoseBatchesAndRetries(t *testing.T) {
	f := &fakeFirehose{failOne: true}
	g := &Generator{Devices: []string{"dev-0001"}, BadRatio: 0.1}
	st, err := Run(context.Background(), g, FirehoseSink{API: f, Stream: "s"}, 1200, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sent != 1200 || st.ByKind[KindGood] != 1080 {
		t.Fatalf("stats %+v", st)
	}
	total := 0
	for _, c := range f.calls {
		size := 0
		for _, r := range c {
			size += len(r.Data)
		}
		if len(c) > 500 || size > 4<<20 {
			t.Fatalf("a call of %d records, %d bytes", len(c), size)
		}
		total += len(c)
	}
	if total != 1201 { // one record was resent
		t.Fatalf("%d records put, want 1201", total)
	}
}

func TestIoTSinkSignsAndPublishes(t *testing.T) {
	var got []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "/iotdata/aws4_request") || r.URL.Query().Get("qos") != "1" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		got = append(got, r.URL.EscapedPath()+" "+b.String())
	}))
	defer srv.Close()
	s := IoTSink{Endpoint: srv.URL, TopicPrefix: "refarch/lake", Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), HTTP: srv.Client()}
	if err := s.Send(context.Background(), []Record{{DeviceID: "dev-0001", Data: []byte(`{"a":1}`)}}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != `/topics/refarch%2Flake%2Fdev-0001%2Ftelemetry {"a":1}` {
		t.Fatalf("published %q", got)
	}
}
