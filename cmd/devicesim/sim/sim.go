// Package sim is the ingestion architecture's device simulator: it makes device records — mostly good ones, and a
// configurable share of bad ones of every kind the transform must reject — and sends them to a sink: AWS IoT Core's
// MQTT broker (through the IoT data plane's HTTPS publish), a Firehose delivery stream (PutRecordBatch; offline, the
// sandbox's stand-in Firehose), or a writer. cmd/devicesim is its command line; the Terratest suite and `make demo`
// use it directly.
package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Bad record kinds, one per rejection reason the transform has for device input.
const (
	KindGood          = "good"
	KindMalformedJSON = "malformed_json"
	KindWrongType     = "wrong_type"
	KindTooLarge      = "too_large"
	KindUnknownDevice = "unknown_device"
)

// BadKinds are the bad record kinds in the order the generator cycles through them.
var BadKinds = []string{KindMalformedJSON, KindWrongType, KindTooLarge, KindUnknownDevice}

// TooLargeBytes is the size of a too_large record: above the transform's default limit (128 KiB) and below
// Firehose's record limit (1,000 KiB), so Firehose accepts it and the transform must reject it.
const TooLargeBytes = 200 << 10

// Record is one message a device sends.
type Record struct {
	DeviceID string
	Data     []byte
	Kind     string // KindGood or one of BadKinds
}

// Generator makes records. The zero value is not usable: set Devices.
type Generator struct {
	// Devices are the ids good records come from (round robin).
	Devices []string
	// BadRatio is the share of bad records, 0-1; bad records cycle through BadKinds.
	BadRatio float64
	// Seed makes the values reproducible.
	Seed uint64
	// Now is the clock of the records' ts (default time.Now).
	Now func() time.Time

	rnd    *rand.Rand
	n, bad int
}

// Next returns the next record.
func (g *Generator) Next() Record {
	if g.rnd == nil {
		g.rnd = rand.New(rand.NewPCG(g.Seed, 0x1176))
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	i := g.n
	g.n++
	dev := g.Devices[i%len(g.Devices)]
	// Bad records are spread evenly: record i is bad when the running share falls behind BadRatio.
	if g.BadRatio > 0 && float64(g.bad) < g.BadRatio*float64(i+1)-1e-9 {
		kind := BadKinds[g.bad%len(BadKinds)]
		g.bad++
		return g.badRecord(kind, dev, now())
	}
	r := map[string]any{
		"device_id":   dev,
		"ts":          now().UTC().Format(time.RFC3339Nano),
		"type":        "telemetry",
		"temperature": float64(g.rnd.IntN(4000)-500) / 100,
		"humidity":    float64(g.rnd.IntN(1000)) / 10,
		"battery":     float64(g.rnd.IntN(100)) / 100,
		"seq":         i,
	}
	b, _ := json.Marshal(r)
	return Record{DeviceID: dev, Data: b, Kind: KindGood}
}

func (g *Generator) badRecord(kind, dev string, now time.Time) Record {
	ts := now.UTC().Format(time.RFC3339)
	switch kind {
	case KindMalformedJSON:
		return Record{DeviceID: dev, Kind: kind, Data: fmt.Appendf(nil, `{"device_id":%q,"ts":%q,"temperature":21.`, dev, ts)}
	case KindWrongType:
		return Record{DeviceID: dev, Kind: kind, Data: fmt.Appendf(nil, `{"device_id":%q,"ts":%q,"temperature":"warm"}`, dev, ts)}
	case KindTooLarge:
		pad := strings.Repeat("x", TooLargeBytes)
		return Record{DeviceID: dev, Kind: kind, Data: fmt.Appendf(nil, `{"device_id":%q,"ts":%q,"type":"%s"}`, dev, ts, pad)}
	default: // KindUnknownDevice
		ghost := fmt.Sprintf("ghost-%04d", g.bad)
		return Record{DeviceID: ghost, Kind: kind, Data: fmt.Appendf(nil, `{"device_id":%q,"ts":%q,"temperature":20}`, ghost, ts)}
	}
}

// Sink delivers records.
type Sink interface {
	Send(ctx context.Context, records []Record) error
	// MaxBatch is the most records one Send may take.
	MaxBatch() int
}

// Stats counts what Run sent, by kind.
type Stats struct {
	Sent   int
	ByKind map[string]int
}

// Run sends count records from g to sink, at most rate per second (0: as fast as the sink takes them).
func Run(ctx context.Context, g *Generator, sink Sink, count int, rate float64) (Stats, error) {
	st := Stats{ByKind: map[string]int{}}
	if len(g.Devices) == 0 {
		return st, fmt.Errorf("sim: no devices")
	}
	start := time.Now()
	batch := make([]Record, 0, sink.MaxBatch())
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := sink.Send(ctx, batch); err != nil {
			return err
		}
		for _, r := range batch {
			st.ByKind[r.Kind]++
		}
		st.Sent += len(batch)
		batch = batch[:0]
		return nil
	}
	for i := 0; i < count; i++ {
		if rate > 0 {
			due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				if err := flush(); err != nil {
					return st, err
				}
				select {
				case <-ctx.Done():
					return st, ctx.Err()
				case <-time.After(d):
				}
			}
		}
		batch = append(batch, g.Next())
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	return st, flush()
}
