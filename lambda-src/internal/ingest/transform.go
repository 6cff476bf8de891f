// Package ingest is the logic of the big-data ingestion architecture (176): the Firehose transform that validates,
// normalises and enriches device records (Transformer), and the SQS consumer that registers the date partitions of
// new objects in the Glue catalog (Partitions).
//
// A device record is one JSON object:
//
//	{"device_id": "dev-0001", "ts": "2026-11-26T10:00:00Z", "type": "telemetry",
//	 "temperature": 21.5, "humidity": 40, "battery": 0.93, "seq": 42}
//
// ts is RFC 3339 or a Unix epoch in seconds or milliseconds; temperature_f (°F) may stand in for temperature (°C);
// battery is a fraction (0-1) or a percentage (1-100]. Any other field, a wrong type, a value out of range, an unknown
// device, malformed JSON or a record above the size limit is a bad record: it is returned as ProcessingFailed with a
// JSON envelope naming the reason (see Rejection), so Firehose writes it under the error prefix — nothing is dropped.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// Firehose's transformation results.
const (
	ResultOk               = events.KinesisFirehoseTransformedStateOk
	ResultProcessingFailed = events.KinesisFirehoseTransformedStateProcessingFailed
)

// Reason is why a record was rejected; it is the `reason` of the error envelope and a metric name suffix.
type Reason string

// The reasons a record is rejected.
const (
	ReasonMalformedJSON Reason = "malformed_json" // not one JSON object (syntax error, trailing data, not an object)
	ReasonWrongType     Reason = "wrong_type"     // a known field with a JSON type other than the schema's
	ReasonMissingField  Reason = "missing_field"  // device_id or ts absent
	ReasonUnknownField  Reason = "unknown_field"  // a field the schema (and the Glue table) does not have
	ReasonOutOfRange    Reason = "out_of_range"   // a value outside its physical range, a timestamp in the future
	ReasonBadValue      Reason = "bad_value"      // a string that does not parse (timestamp, device id, type)
	ReasonTooLarge      Reason = "too_large"      // above MaxRecordBytes
	ReasonUnknownDevice Reason = "unknown_device" // a device id the registry does not know
)

// Reasons lists every Reason, for metrics and documentation.
var Reasons = []Reason{ReasonMalformedJSON, ReasonWrongType, ReasonMissingField, ReasonUnknownField, ReasonOutOfRange, ReasonBadValue, ReasonTooLarge, ReasonUnknownDevice}

// Defaults of the Transformer.
const (
	// DefaultMaxRecordBytes is the size limit of one record: AWS IoT's MQTT message limit (128 KB).
	DefaultMaxRecordBytes = 128 << 10
	// MaxRawInEnvelope bounds the copy of a bad record kept in its error envelope; larger records keep their first
	// bytes, their size and SHA-256 (the whole record stays in Firehose's source backup prefix).
	MaxRawInEnvelope = 16 << 10
	// MaxFutureSkew is how far a record's ts may lie after its arrival (device clocks drift).
	MaxFutureSkew = time.Hour
)

// Device is what the registry knows of a device; it enriches the device's records.
type Device struct {
	Site  string `json:"site,omitempty"`
	Model string `json:"model,omitempty"`
}

// Devices is the device registry: device id (lower case) → metadata. A nil Devices knows every device (no registry
// configured; records are not enriched).
type Devices map[string]Device

// DeviceSource yields the current registry. It is called once per invocation, so implementations cache.
type DeviceSource interface {
	Devices(ctx context.Context) (Devices, error)
}

// Reading is a normalised, enriched device record: one line of the data lake (JSON Lines, the Glue table's columns).
type Reading struct {
	DeviceID    string   `json:"device_id"`
	TS          string   `json:"ts"` // RFC 3339, UTC, milliseconds
	Type        string   `json:"type"`
	Temperature *float64 `json:"temperature,omitempty"` // °C
	Humidity    *float64 `json:"humidity,omitempty"`    // % relative humidity
	Battery     *float64 `json:"battery,omitempty"`     // fraction 0-1
	Seq         *int64   `json:"seq,omitempty"`
	Site        string   `json:"site,omitempty"`
	Model       string   `json:"model,omitempty"`
	IngestedAt  string   `json:"ingested_at"` // Firehose arrival time, RFC 3339 UTC
}

// Rejection is the error envelope of a bad record (the data of a ProcessingFailed record).
type Rejection struct {
	Reason   Reason `json:"reason"`
	Detail   string `json:"detail"`
	RecordID string `json:"record_id"`
	DeviceID string `json:"device_id,omitempty"`
	Size     int    `json:"size"`
	SHA256   string `json:"sha256"`
	// Raw is the record as text when it is valid UTF-8, else RawBase64 holds it; either is cut at MaxRawInEnvelope
	// bytes (Truncated).
	Raw       string `json:"raw,omitempty"`
	RawBase64 []byte `json:"raw_base64,omitempty"`
	Truncated bool   `json:"truncated,omitempty"`
}

// FirehoseResponse is the transform's answer to Firehose. (aws-lambda-go's KinesisFirehoseResponse always carries
// dynamic-partitioning and Iceberg metadata; this one only what a transform for S3 returns.)
type FirehoseResponse struct {
	Records []FirehoseResult `json:"records"`
}

// FirehoseResult is one transformed record.
type FirehoseResult struct {
	RecordID string `json:"recordId"`
	Result   string `json:"result"`
	Data     []byte `json:"data"`
}

// Stats counts one invocation's outcome.
type Stats struct {
	Records, OK, Failed int
	BytesIn, BytesOut   int
	ByReason            map[Reason]int
}

// Transformer is the Firehose transformation Lambda's handler.
type Transformer struct {
	// Devices is the registry; nil accepts every well-formed device id.
	Devices DeviceSource
	// MaxRecordBytes is the size limit of a record (default DefaultMaxRecordBytes).
	MaxRecordBytes int
	// Logger receives one line per rejected record and a metrics line (CloudWatch embedded metric format) per
	// invocation; default slog.Default().
	Logger *slog.Logger
	// MetricsNamespace is the CloudWatch namespace of the metrics line; empty: no metrics line.
	MetricsNamespace string
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Handle transforms one Firehose batch. It fails the invocation (so Firehose retries it, then writes the batch to
// the error prefix) only when the registry cannot be read; bad records never fail the batch.
func (t *Transformer) Handle(ctx context.Context, ev events.KinesisFirehoseEvent) (FirehoseResponse, error) {
	resp, st, err := t.Transform(ctx, ev)
	if err != nil {
		return FirehoseResponse{}, err
	}
	t.logMetrics(st, ev.DeliveryStreamArn)
	return resp, nil
}

// Transform is Handle without the metrics line, returning the counts.
func (t *Transformer) Transform(ctx context.Context, ev events.KinesisFirehoseEvent) (FirehoseResponse, Stats, error) {
	var devices Devices
	if t.Devices != nil {
		var err error
		if devices, err = t.Devices.Devices(ctx); err != nil {
			return FirehoseResponse{}, Stats{}, fmt.Errorf("device registry: %w", err)
		}
		if devices == nil {
			devices = Devices{}
		}
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	clock := now()
	st := Stats{Records: len(ev.Records)}
	out := FirehoseResponse{Records: make([]FirehoseResult, len(ev.Records))}
	for i := range ev.Records {
		rec := &ev.Records[i]
		arrival := rec.ApproximateArrivalTimestamp.Time
		if arrival.IsZero() || arrival.Unix() <= 0 {
			arrival = clock
		}
		st.BytesIn += len(rec.Data)
		reading, rej := t.normalise(rec.Data, arrival, devices)
		res := FirehoseResult{RecordID: rec.RecordID}
		if rej == nil {
			res.Result = ResultOk
			res.Data = reading
			st.OK++
		} else {
			rej.RecordID = rec.RecordID
			res.Result = ResultProcessingFailed
			res.Data = envelope(rej, rec.Data)
			st.Failed++
			if st.ByReason == nil {
				st.ByReason = map[Reason]int{}
			}
			st.ByReason[rej.Reason]++
			t.logger().Warn("record rejected", "reason", string(rej.Reason), "detail", rej.Detail, "record_id", rec.RecordID, "device_id", rej.DeviceID, "size", len(rec.Data))
		}
		st.BytesOut += len(res.Data)
		out.Records[i] = res
	}
	return out, st, nil
}

func (t *Transformer) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}

// rejectErr is a rejection on its way out of normalise.
func reject(r Reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: r, Detail: fmt.Sprintf(format, args...)}
}

// wire is a record as devices send it. Pointers tell absent from zero; json.RawMessage for ts, which has two forms.
type wire struct {
	DeviceID     *string         `json:"device_id"`
	TS           json.RawMessage `json:"ts"`
	Type         *string         `json:"type"`
	Temperature  *float64        `json:"temperature"`
	TemperatureF *float64        `json:"temperature_f"`
	Humidity     *float64        `json:"humidity"`
	Battery      *float64        `json:"battery"`
	Seq          *int64          `json:"seq"`
}

var (
	deviceIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.:-]{0,127}$`)
	typePattern     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	// Earliest accepted timestamp: anything before is a device without a clock.
	minTS = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// normalise turns one raw record into a data lake line (JSON + "\n") or a rejection.
func (t *Transformer) normalise(data []byte, arrival time.Time, devices Devices) ([]byte, *Rejection) {
	limit := t.MaxRecordBytes
	if limit <= 0 {
		limit = DefaultMaxRecordBytes
	}
	if len(data) > limit {
		return nil, reject(ReasonTooLarge, "record is %d bytes, the limit is %d", len(data), limit)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if json.Valid(trimmed) {
			return nil, reject(ReasonMalformedJSON, "record is not a JSON object")
		}
		return nil, reject(ReasonMalformedJSON, "record is not JSON")
	}
	var w wire
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, decodeRejection(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, reject(ReasonMalformedJSON, "data after the JSON object")
	}

	if w.DeviceID == nil {
		return nil, reject(ReasonMissingField, "device_id is missing")
	}
	id := strings.ToLower(strings.TrimSpace(*w.DeviceID))
	if !deviceIDPattern.MatchString(id) {
		return nil, reject(ReasonBadValue, "device_id %q is not 1-128 letters, digits, '_', '.', ':' or '-'", logtext.Clip(*w.DeviceID, 64))
	}
	r := Reading{DeviceID: id, Type: "telemetry", IngestedAt: arrival.UTC().Format(time.RFC3339Nano)}
	withID := func(rej *Rejection) *Rejection { rej.DeviceID = id; return rej }

	if len(w.TS) == 0 || string(w.TS) == "null" {
		return nil, withID(reject(ReasonMissingField, "ts is missing"))
	}
	ts, rej := parseTS(w.TS)
	if rej != nil {
		return nil, withID(rej)
	}
	if ts.Before(minTS) || ts.After(arrival.Add(MaxFutureSkew)) {
		return nil, withID(reject(ReasonOutOfRange, "ts %s is before 2000 or more than %s after arrival (%s)", ts.Format(time.RFC3339), MaxFutureSkew, arrival.UTC().Format(time.RFC3339)))
	}
	r.TS = ts.UTC().Format("2006-01-02T15:04:05.000Z07:00")

	if w.Type != nil {
		typ := strings.ToLower(strings.TrimSpace(*w.Type))
		if !typePattern.MatchString(typ) {
			return nil, withID(reject(ReasonBadValue, "type %q is not 1-32 lower-case letters, digits or '_'", logtext.Clip(*w.Type, 64)))
		}
		r.Type = typ
	}
	switch {
	case w.Temperature != nil:
		r.Temperature = w.Temperature
	case w.TemperatureF != nil:
		c := math.Round((*w.TemperatureF-32)*5/9*100) / 100
		r.Temperature = &c
	}
	if r.Temperature != nil && (*r.Temperature < -90 || *r.Temperature > 150) {
		return nil, withID(reject(ReasonOutOfRange, "temperature %g °C is outside -90..150", *r.Temperature))
	}
	if w.Humidity != nil {
		if *w.Humidity < 0 || *w.Humidity > 100 {
			return nil, withID(reject(ReasonOutOfRange, "humidity %g is outside 0..100", *w.Humidity))
		}
		r.Humidity = w.Humidity
	}
	if w.Battery != nil {
		b := *w.Battery
		switch {
		case b >= 0 && b <= 1:
		case b > 1 && b <= 100:
			b /= 100
		default:
			return nil, withID(reject(ReasonOutOfRange, "battery %g is neither a fraction (0..1) nor a percentage (..100)", *w.Battery))
		}
		r.Battery = &b
	}
	if w.Seq != nil {
		if *w.Seq < 0 {
			return nil, withID(reject(ReasonOutOfRange, "seq %d is negative", *w.Seq))
		}
		r.Seq = w.Seq
	}
	if devices != nil {
		d, ok := devices[id]
		if !ok {
			return nil, withID(reject(ReasonUnknownDevice, "device %q is not in the registry", id))
		}
		r.Site, r.Model = d.Site, d.Model
	}
	line, err := json.Marshal(&r)
	if err != nil { // only NaN/Inf could do this, and JSON input cannot carry them
		return nil, withID(reject(ReasonBadValue, "cannot encode the record: %v", err))
	}
	return append(line, '\n'), nil
}

// decodeRejection maps encoding/json's errors to reasons.
func decodeRejection(err error) *Rejection {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return reject(ReasonMalformedJSON, "record is not a JSON object")
		}
		return reject(ReasonWrongType, "%s: want %s, got JSON %s", field, typeErr.Type, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return reject(ReasonMalformedJSON, "invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return reject(ReasonUnknownField, "%s (the schema has device_id, ts, type, temperature, temperature_f, humidity, battery, seq)", strings.TrimPrefix(err.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return reject(ReasonMalformedJSON, "truncated JSON")
	default:
		return reject(ReasonMalformedJSON, "%v", err)
	}
}

// parseTS reads ts: an RFC 3339 string, or a number of seconds (below 1e11) or milliseconds since the Unix epoch.
func parseTS(raw json.RawMessage) (time.Time, *Rejection) {
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, reject(ReasonBadValue, "ts: %v", err)
		}
		ts, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
		if err != nil {
			return time.Time{}, reject(ReasonBadValue, "ts %q is not an RFC 3339 time", logtext.Clip(s, 64))
		}
		return ts, nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n float64
		if err := json.Unmarshal(raw, &n); err != nil {
			return time.Time{}, reject(ReasonBadValue, "ts: %v", err)
		}
		if n < 1e11 {
			sec, frac := math.Modf(n)
			return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
		}
		if n > 1e14 {
			return time.Time{}, reject(ReasonOutOfRange, "ts %g is not seconds or milliseconds since 1970", n)
		}
		return time.UnixMilli(int64(n)).UTC(), nil
	default:
		return time.Time{}, reject(ReasonWrongType, "ts: want an RFC 3339 string or epoch number, got %s", jsonKind(raw[0]))
	}
}

func jsonKind(c byte) string {
	switch c {
	case 't', 'f':
		return "bool"
	case '{':
		return "object"
	case '[':
		return "array"
	default:
		return "value"
	}
}

// envelope encodes a rejection with (a bounded copy of) the raw record.
func envelope(rej *Rejection, data []byte) []byte {
	sum := sha256.Sum256(data)
	rej.Size = len(data)
	rej.SHA256 = hex.EncodeToString(sum[:])
	raw := data
	if len(raw) > MaxRawInEnvelope {
		raw, rej.Truncated = raw[:MaxRawInEnvelope], true
	}
	if utf8.Valid(raw) {
		rej.Raw = string(raw)
	} else {
		rej.RawBase64 = raw
	}
	b, err := json.Marshal(rej)
	if err != nil { // cannot happen: strings and bytes always encode
		b = []byte(`{"reason":"` + string(rej.Reason) + `"}`)
	}
	return append(b, '\n')
}
