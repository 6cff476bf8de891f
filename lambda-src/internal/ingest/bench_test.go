package ingest

import (
	"context"
	"encoding/base64"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// FirehoseInvocationLimit is Lambda's synchronous payload limit, the most Firehose can send in one invocation (the
// event carries the records base64-encoded).
const FirehoseInvocationLimit = 6 << 20

// benchBatch builds a batch of realistic records (about 170 bytes each, every 20th one bad) of n records, or — with
// n = 0 — as many as fit into Firehose's 6 MB invocation payload.
func benchBatch(n int) events.KinesisFirehoseEvent {
	ev := events.KinesisFirehoseEvent{InvocationID: "bench", DeliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/lake"}
	size := 200 // the event's own JSON
	for i := 0; n == 0 || i < n; i++ {
		var data []byte
		if i%20 == 19 {
			data = fmt.Appendf(nil, `{"device_id":"dev-%04d","ts":"2026-11-26T09:%02d:%02dZ","temperature":"warm","humidity":%d}`, i%2+1, i/60%60, i%60, i%100)
		} else {
			data = fmt.Appendf(nil, `{"device_id":"dev-%04d","ts":"2026-11-26T09:%02d:%02dZ","type":"telemetry","temperature":%d.5,"humidity":%d,"battery":0.%02d,"seq":%d}`, i%2+1, i/60%60, i%60, i%40, i%100, i%100, i)
		}
		// {"recordId":"…","approximateArrivalTimestamp":…,"data":"…"},
		rec := 80 + base64.StdEncoding.EncodedLen(len(data))
		if n == 0 && size+rec > FirehoseInvocationLimit {
			break
		}
		size += rec
		ev.Records = append(ev.Records, events.KinesisFirehoseEventRecord{
			RecordID:                    fmt.Sprintf("49546986683135544286507457936321625675700192471156785154%08d", i),
			ApproximateArrivalTimestamp: events.MilliSecondsEpochTime{Time: arrival},
			Data:                        data,
		})
	}
	return ev
}

func batchBytes(ev events.KinesisFirehoseEvent) int {
	n := 0
	for _, r := range ev.Records {
		n += len(r.Data)
	}
	return n
}

// BenchmarkTransform measures the transform on one core at Firehose's batch shapes: 500 records (Firehose's default
// Lambda buffer of 1 MB holds a few thousand small records; 500 is a typical Kinesis-sourced batch) and a full 6 MB
// invocation. It reports records/s and MB/s of record data.
func BenchmarkTransform(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"500records", 500}, {"6MB", 0}} {
		ev := benchBatch(bc.n)
		bytesIn := batchBytes(ev)
		tr := newTransformer()
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(bytesIn))
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, _, err := tr.Transform(context.Background(), ev); err != nil {
					b.Fatal(err)
				}
			}
			secs := time.Since(start).Seconds()
			b.ReportMetric(float64(len(ev.Records)*b.N)/secs, "records/s")
			b.ReportMetric(float64(bytesIn*b.N)/secs/1e6, "MB/s")
			b.ReportMetric(float64(len(ev.Records)), "records/batch")
		})
	}
}

// TestTransformMemoryIsFlat checks that memory per record does not grow with the batch: the bytes and allocations
// per record at 5,000 records and at a full 6 MB invocation stay within 25% of those at 50 records. (The response
// itself must hold every transformed record, so total memory is linear in the batch; nothing more.)
func TestTransformMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement")
	}
	perRecord := func(ev events.KinesisFirehoseEvent) (bytes, allocs float64) {
		tr := newTransformer()
		ctx := context.Background()
		_, _, _ = tr.Transform(ctx, ev) // warm up
		var before, after runtime.MemStats
		const runs = 5
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range runs {
			if _, _, err := tr.Transform(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		n := float64(runs * len(ev.Records))
		return float64(after.TotalAlloc-before.TotalAlloc) / n, float64(after.Mallocs-before.Mallocs) / n
	}
	baseBytes, baseAllocs := perRecord(benchBatch(50))
	for _, ev := range []events.KinesisFirehoseEvent{benchBatch(5000), benchBatch(0)} {
		b, a := perRecord(ev)
		t.Logf("%d records: %.0f B and %.1f allocations per record (50 records: %.0f B, %.1f)", len(ev.Records), b, a, baseBytes, baseAllocs)
		if b > baseBytes*1.25 || a > baseAllocs*1.25 {
			t.Errorf("%d records: %.0f B / %.1f allocations per record, more than 25%% above %.0f B / %.1f at 50 records", len(ev.Records), b, a, baseBytes, baseAllocs)
		}
	}
}
