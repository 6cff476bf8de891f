package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var (
	arrival  = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	registry = StaticDevices{"dev-0001": {Site: "paris-1", Model: "th-200"}, "dev-0002": {Site: "lyon-2", Model: "th-100"}}
)

func newTransformer() *Transformer {
	return &Transformer{Devices: registry, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return arrival }}
}

func batch(records ...string) events.KinesisFirehoseEvent {
	ev := events.KinesisFirehoseEvent{InvocationID: "inv-1", DeliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/lake"}
	for i, r := range records {
		ev.Records = append(ev.Records, events.KinesisFirehoseEventRecord{
			RecordID:                    fmt.Sprintf("rec-%d", i),
			ApproximateArrivalTimestamp: events.MilliSecondsEpochTime{Time: arrival},
			Data:                        []byte(r),
		})
	}
	return ev
}

func TestTransformRecords(t *testing.T) {
	huge := `{"device_id":"dev-0001","ts":"2026-11-26T09:00:00Z","type":"` + strings.Repeat("a", DefaultMaxRecordBytes) + `"}`
	for _, tc := range []struct {
		name   string
		in     string
		want   string // the Ok line (without "\n"), or ""
		reason Reason
		detail string
	}{
		{"full record, enriched", `{"device_id":"dev-0001","ts":"2026-11-26T09:59:58.5+01:00","type":"telemetry","temperature":21.5,"humidity":40,"battery":0.93,"seq":42}`,
			`{"device_id":"dev-0001","ts":"2026-11-26T08:59:58.500Z","type":"telemetry","temperature":21.5,"humidity":40,"battery":0.93,"seq":42,"site":"paris-1","model":"th-200","ingested_at":"2026-11-26T10:00:00Z"}`, "", ""},
		{"normalised: id case, epoch seconds, °F, battery percent, default type", ` {"device_id":" DEV-0002 ","ts":1795683600,"temperature_f":212,"battery":55}`,
			`{"device_id":"dev-0002","ts":"2026-11-26T09:00:00.000Z","type":"telemetry","temperature":100,"battery":0.55,"site":"lyon-2","model":"th-100","ingested_at":"2026-11-26T10:00:00Z"}`, "", ""},
		{"epoch milliseconds", `{"device_id":"dev-0001","ts":1795683600123,"type":"Status"}`,
			`{"device_id":"dev-0001","ts":"2026-11-26T09:00:00.123Z","type":"status","site":"paris-1","model":"th-200","ingested_at":"2026-11-26T10:00:00Z"}`, "", ""},
		{"malformed JSON", `{"device_id":"dev-0001",`, "", ReasonMalformedJSON, "truncated"},
		{"not JSON", `temperature=20`, "", ReasonMalformedJSON, "not JSON"},
		{"array", `[1,2]`, "", ReasonMalformedJSON, "not a JSON object"},
		{"trailing data", `{"device_id":"dev-0001","ts":1795683600} {"x":1}`, "", ReasonMalformedJSON, "after the JSON object"},
		{"empty", ``, "", ReasonMalformedJSON, ""},
		{"wrong type: temperature string", `{"device_id":"dev-0001","ts":1795683600,"temperature":"hot"}`, "", ReasonWrongType, "temperature"},
		{"wrong type: device_id number", `{"device_id":7,"ts":1795683600}`, "", ReasonWrongType, "device_id"},
		{"wrong type: ts bool", `{"device_id":"dev-0001","ts":true}`, "", ReasonWrongType, "ts"},
		{"wrong type: seq fraction", `{"device_id":"dev-0001","ts":1795683600,"seq":1.5}`, "", ReasonWrongType, "seq"},
		{"missing device_id", `{"ts":1795683600}`, "", ReasonMissingField, "device_id"},
		{"missing ts", `{"device_id":"dev-0001"}`, "", ReasonMissingField, "ts"},
		{"null ts", `{"device_id":"dev-0001","ts":null}`, "", ReasonMissingField, "ts"},
		{"unknown field", `{"device_id":"dev-0001","ts":1795683600,"pressure":1013}`, "", ReasonUnknownField, "pressure"},
		{"bad ts string", `{"device_id":"dev-0001","ts":"yesterday"}`, "", ReasonBadValue, "RFC 3339"},
		{"ts in the future", `{"device_id":"dev-0001","ts":"2026-11-26T12:00:00Z"}`, "", ReasonOutOfRange, "after arrival"},
		{"ts before 2000", `{"device_id":"dev-0001","ts":0}`, "", ReasonOutOfRange, "before 2000"},
		{"humidity out of range", `{"device_id":"dev-0001","ts":1795683600,"humidity":140}`, "", ReasonOutOfRange, "humidity"},
		{"temperature out of range", `{"device_id":"dev-0001","ts":1795683600,"temperature":-300}`, "", ReasonOutOfRange, "temperature"},
		{"battery out of range", `{"device_id":"dev-0001","ts":1795683600,"battery":-1}`, "", ReasonOutOfRange, "battery"},
		{"negative seq", `{"device_id":"dev-0001","ts":1795683600,"seq":-1}`, "", ReasonOutOfRange, "seq"},
		{"bad device id", `{"device_id":"../etc","ts":1795683600}`, "", ReasonBadValue, "device_id"},
		{"bad type", `{"device_id":"dev-0001","ts":1795683600,"type":"DROP TABLE"}`, "", ReasonBadValue, "type"},
		{"unknown device", `{"device_id":"dev-9999","ts":1795683600}`, "", ReasonUnknownDevice, "dev-9999"},
		{"huge record", huge, "", ReasonTooLarge, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, st, err := newTransformer().Transform(context.Background(), batch(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Records) != 1 || resp.Records[0].RecordID != "rec-0" {
				t.Fatalf("response %+v", resp)
			}
			got := resp.Records[0]
			if tc.reason == "" {
				if got.Result != ResultOk || string(got.Data) != tc.want+"\n" || st.OK != 1 {
					t.Fatalf("got %s %s\nwant Ok %s", got.Result, got.Data, tc.want)
				}
				return
			}
			var rej Rejection
			if got.Result != ResultProcessingFailed || !bytes.HasSuffix(got.Data, []byte("\n")) {
				t.Fatalf("got %s %s, want ProcessingFailed", got.Result, got.Data)
			}
			if err := json.Unmarshal(got.Data, &rej); err != nil {
				t.Fatalf("envelope %s: %v", got.Data, err)
			}
			if rej.Reason != tc.reason || !strings.Contains(rej.Detail, tc.detail) || rej.RecordID != "rec-0" || rej.Size != len(tc.in) || len(rej.SHA256) != 64 {
				t.Fatalf("rejection %+v, want reason %s with %q", rej, tc.reason, tc.detail)
			}
			if st.Failed != 1 || st.ByReason[tc.reason] != 1 {
				t.Fatalf("stats %+v", st)
			}
			// The envelope keeps the record (bounded).
			if len(tc.in) <= MaxRawInEnvelope && rej.Raw != tc.in {
				t.Fatalf("raw %q, want the record", rej.Raw)
			}
			if len(tc.in) > MaxRawInEnvelope && (!rej.Truncated || len(rej.Raw)+len(rej.RawBase64) != MaxRawInEnvelope) {
				t.Fatalf("huge record: truncated=%v raw %d bytes", rej.Truncated, len(rej.Raw)+len(rej.RawBase64))
			}
		})
	}
}

func TestTransformBatchKeepsOrderAndCounts(t *testing.T) {
	in := []string{
		`{"device_id":"dev-0001","ts":1795683600}`,
		`nope`,
		`{"device_id":"dev-0002","ts":1795683601,"temperature":"x"}`,
		`{"device_id":"dev-0002","ts":1795683602}`,
		"\xff\xfe binary",
	}
	resp, st, err := newTransformer().Transform(context.Background(), batch(in...))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ResultOk, ResultProcessingFailed, ResultProcessingFailed, ResultOk, ResultProcessingFailed}
	for i, r := range resp.Records {
		if r.RecordID != fmt.Sprintf("rec-%d", i) || r.Result != want[i] {
			t.Fatalf("record %d: %s %s, want %s", i, r.RecordID, r.Result, want[i])
		}
	}
	if st.Records != 5 || st.OK != 2 || st.Failed != 3 || st.ByReason[ReasonMalformedJSON] != 2 || st.ByReason[ReasonWrongType] != 1 {
		t.Fatalf("stats %+v", st)
	}
	var rej Rejection
	if err := json.Unmarshal(resp.Records[4].Data, &rej); err != nil || string(rej.RawBase64) != in[4] || rej.Raw != "" {
		t.Fatalf("binary record's envelope %s (%v)", resp.Records[4].Data, err)
	}
}

func TestTransformWithoutRegistryAcceptsAnyDevice(t *testing.T) {
	tr := &Transformer{Logger: slog.New(slog.DiscardHandler), MaxRecordBytes: 100}
	resp, _, err := tr.Transform(context.Background(), batch(`{"device_id":"anything-1","ts":1795683600}`, `{"device_id":"dev-0001","ts":1795683600,"type":"`+strings.Repeat("x", 100)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Records[0].Result != ResultOk || strings.Contains(string(resp.Records[0].Data), "site") || resp.Records[1].Result != ResultProcessingFailed {
		t.Fatalf("response %+v", resp)
	}
}

func TestRegistryFailureFailsTheInvocation(t *testing.T) {
	tr := &Transformer{Devices: &S3Registry{API: fakeS3{err: errors.New("AccessDenied")}, Bucket: "b", Key: "k"}, Logger: slog.New(slog.DiscardHandler)}
	if _, err := tr.Handle(context.Background(), batch(`{"device_id":"dev-0001","ts":1795683600}`)); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("Handle error %v, want the registry's", err)
	}
}

type fakeS3 struct {
	body  string
	err   error
	calls *int
}

func (f fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if f.calls != nil {
		*f.calls++
	}
	if f.err != nil {
		return nil, f.err
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(f.body))}, nil
}

func TestS3RegistryCachesAndSurvivesRefreshFailures(t *testing.T) {
	calls := 0
	now := arrival
	r := &S3Registry{API: fakeS3{body: `{"DEV-1":{"site":"s"}}`, calls: &calls}, Bucket: "b", Key: "k", Now: func() time.Time { return now }}
	d, err := r.Devices(context.Background())
	if err != nil || d["dev-1"].Site != "s" {
		t.Fatalf("Devices = %v, %v", d, err)
	}
	_, _ = r.Devices(context.Background())
	if calls != 1 {
		t.Fatalf("%d reads within the TTL, want 1", calls)
	}
	now = now.Add(6 * time.Minute)
	r.API = fakeS3{err: errors.New("throttled"), calls: &calls}
	if d, err := r.Devices(context.Background()); err != nil || d["dev-1"].Site != "s" || calls != 2 {
		t.Fatalf("after a failed refresh: %v, %v (%d calls), want the previous copy", d, err, calls)
	}
	bad := &S3Registry{API: fakeS3{body: `[1]`}, Bucket: "b", Key: "k"}
	if _, err := bad.Devices(context.Background()); err == nil {
		t.Fatal("a registry that is not an object must fail")
	}
}

func TestParseS3URI(t *testing.T) {
	if b, k, err := ParseS3URI("s3://lake/registry/devices.json"); err != nil || b != "lake" || k != "registry/devices.json" {
		t.Fatalf("got %q %q %v", b, k, err)
	}
	for _, bad := range []string{"lake/x", "s3://lake", "s3:///x", "https://lake/x"} {
		if _, _, err := ParseS3URI(bad); err == nil {
			t.Errorf("ParseS3URI(%q) accepted", bad)
		}
	}
}

// FuzzTransform: whatever a device sends, the transform answers one record with the same id, Ok with one JSON line
// of the table's shape, or ProcessingFailed with an envelope that names a known reason — and never panics.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{
		`{"device_id":"dev-0001","ts":"2026-11-26T09:00:00Z","temperature":21.5,"humidity":40,"battery":0.9,"seq":1}`,
		`{"device_id":"dev-0002","ts":1795683600123,"temperature_f":70}`,
		`{"device_id":"dev-0001","ts":"2026-11-26T09:00:00Z","x":1}`,
		`{"device_id":1}`, `[]`, `null`, `{`, "\x00", `{"device_id":"dev-0001","ts":1e300}`, `{"device_id":"dev-0001","ts":-1e300}`,
		`{"device_id":"dev-0001","ts":"2026-11-26T09:00:00Z","battery":1e309}`,
	} {
		f.Add([]byte(s))
	}
	known := map[Reason]bool{}
	for _, r := range Reasons {
		known[r] = true
	}
	tr := newTransformer()
	f.Fuzz(func(t *testing.T, data []byte) {
		ev := batch("")
		ev.Records[0].Data = data
		resp, err := tr.Handle(context.Background(), ev)
		if err != nil || len(resp.Records) != 1 || resp.Records[0].RecordID != "rec-0" {
			t.Fatalf("Handle(%q) = %+v, %v", data, resp, err)
		}
		r := resp.Records[0]
		switch r.Result {
		case ResultOk:
			var line Reading
			dec := json.NewDecoder(bytes.NewReader(r.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&line); err != nil || line.DeviceID == "" || line.TS == "" || !bytes.HasSuffix(r.Data, []byte("}\n")) {
				t.Fatalf("Ok data %q for %q: %v", r.Data, data, err)
			}
			if _, err := time.Parse(time.RFC3339, line.TS); err != nil {
				t.Fatalf("ts %q: %v", line.TS, err)
			}
		case ResultProcessingFailed:
			var rej Rejection
			if err := json.Unmarshal(r.Data, &rej); err != nil || !known[rej.Reason] || rej.Size != len(data) {
				t.Fatalf("envelope %q for %q: %v", r.Data, data, err)
			}
		default:
			t.Fatalf("result %q", r.Result)
		}
	})
}
