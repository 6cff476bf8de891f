package sandbox

// kumo keeps the records put into a Firehose delivery stream in memory and never delivers them: no Lambda
// transformation, no S3 objects. FirehoseStandIn stands in for Firehose's delivery in the sandbox — test and demo code
// only, never part of a deployment. It serves the Firehose API's PutRecord and PutRecordBatch itself (so a producer,
// such as cmd/devicesim, uses the ordinary SDK client pointed at URL) and forwards every other action to kumo; on
// Flush it does for each delivery stream what Firehose would with the stream's configuration as kumo stores it
// (DescribeDeliveryStream, extended S3 destination):
//
//   - cuts the buffered records into batches of the processor's BufferSizeInMBs (default 1 MB; at most Lambda's
//     6 MB payload) and invokes the transformation Lambda through kumo's Invoke API with Firehose's transformation
//     event (invocationId, deliveryStreamArn, region, records with recordId, approximateArrivalTimestamp, base64
//     data), retrying a failed invocation NumberOfRetries times (default 3);
//   - writes the data of the records returned Ok, concatenated, as one object under the evaluated Prefix, named
//     <stream>-1-<yyyy-MM-dd-HH-mm-ss>-<uuid>, gzip'd with a ".gz" extension when CompressionFormat is GZIP;
//   - writes the records returned ProcessingFailed — and every record of a batch whose invocation kept failing, or
//     whose answer lacked the record — as Firehose's error documents (attemptsMade, arrivalTimestamp, errorCode,
//     errorMessage, attemptEndingTimestamp, rawData, lambdaArn; one JSON document per line) under the evaluated
//     ErrorOutputPrefix with error-output-type "processing-failed";
//   - drops records returned Dropped, as Firehose does; without a processor it delivers the records unchanged.
//
// Prefixes understand Firehose's !{timestamp:…} (yyyy, MM, dd, HH, mm, ss; the batch's oldest arrival, UTC),
// !{firehose:error-output-type} and !{firehose:random-string}. Not stood in for: buffering by size/interval
// (delivery happens on Flush), source record backup (kumo does not keep the backup configuration), dynamic
// partitioning, format conversion, encryption, and the delivery role's permissions (kumo does not evaluate IAM).

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Firehose's limits the stand-in enforces on PutRecordBatch.
const (
	firehoseMaxRecordBytes = 1000 << 10
	firehoseMaxBatch       = 500
	firehoseMaxBatchBytes  = 4 << 20
	lambdaMaxPayload       = 6 << 20
)

// FirehoseStandIn is a running stand-in; see the file comment.
type FirehoseStandIn struct {
	// URL is the endpoint for Firehose clients (BaseEndpoint / AWS_ENDPOINT_URL_FIREHOSE).
	URL string

	region string
	srv    *http.Server
	fh     *firehose.Client
	lambda *lambda.Client
	s3     *s3.Client

	mu      sync.Mutex
	pending map[string][]standInRecord // by delivery stream name
	seq     int
}

type standInRecord struct {
	id      string
	arrival time.Time
	data    []byte
}

// FirehoseDelivery is what one Flush delivered for one stream.
type FirehoseDelivery struct {
	Stream              string
	Records, OK, Failed int
	Dropped             int
	Invocations         int
	Objects             []string // s3://bucket/key of every object written
}

// StartFirehose starts the stand-in on a free loopback port, in front of the sandbox; it stops with the sandbox or
// Close.
func (s *Sandbox) StartFirehose(ctx context.Context) (*FirehoseStandIn, error) {
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	f, err := StartFirehoseStandIn(ctx, cfg)
	if err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-s.exited:
		case <-s.stopping:
		}
		f.Close()
	}()
	return f, nil
}

// StartFirehoseStandIn starts the stand-in for the sandbox that cfg points at (its BaseEndpoint is kumo's URL, as
// Sandbox.AWSConfig sets it). Close stops it.
func StartFirehoseStandIn(ctx context.Context, cfg aws.Config) (*FirehoseStandIn, error) {
	if cfg.BaseEndpoint == nil || *cfg.BaseEndpoint == "" {
		return nil, errors.New("sandbox: the firehose stand-in needs a sandbox configuration (BaseEndpoint = kumo's URL)")
	}
	kumo, err := url.Parse(*cfg.BaseEndpoint)
	if err != nil {
		return nil, fmt.Errorf("sandbox: firehose stand-in: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sandbox: firehose stand-in: %w", err)
	}
	f := &FirehoseStandIn{
		URL:     "http://" + ln.Addr().String(),
		region:  cfg.Region,
		fh:      firehose.NewFromConfig(cfg),
		lambda:  lambda.NewFromConfig(cfg),
		s3:      s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		pending: map[string][]standInRecord{},
	}
	proxy := httputil.NewSingleHostReverseProxy(kumo)
	f.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "Firehose_20150804.") {
		case "PutRecordBatch":
			f.put(w, r, true)
		case "PutRecord":
			f.put(w, r, false)
		default:
			proxy.ServeHTTP(w, r)
		}
	})}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// Close stops serving; buffered records are discarded.
func (f *FirehoseStandIn) Close() { _ = f.srv.Close() }

// Pending is the number of records waiting for Flush.
func (f *FirehoseStandIn) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, recs := range f.pending {
		n += len(recs)
	}
	return n
}

// firehoseError answers a client error (Firehose's are all 400s) in the JSON protocol's shape.
func firehoseError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// put accepts PutRecord / PutRecordBatch for a stream kumo knows, within Firehose's limits.
func (f *FirehoseStandIn) put(w http.ResponseWriter, r *http.Request, batch bool) {
	var req struct {
		DeliveryStreamName string
		Record             struct{ Data []byte }
		Records            []struct{ Data []byte }
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 2*firehoseMaxBatchBytes)).Decode(&req); err != nil {
		firehoseError(w, "SerializationException", err.Error())
		return
	}
	if _, err := f.fh.DescribeDeliveryStream(r.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(req.DeliveryStreamName)}); err != nil {
		firehoseError(w, "ResourceNotFoundException", fmt.Sprintf("Firehose %s not found: %v", req.DeliveryStreamName, err))
		return
	}
	datas := [][]byte{req.Record.Data}
	if batch {
		datas = datas[:0]
		for _, rec := range req.Records {
			datas = append(datas, rec.Data)
		}
	}
	total := 0
	for _, d := range datas {
		if len(d) > firehoseMaxRecordBytes {
			firehoseError(w, "ValidationException", fmt.Sprintf("a record is %d bytes; Firehose's limit is %d", len(d), firehoseMaxRecordBytes))
			return
		}
		total += len(d)
	}
	if len(datas) == 0 || len(datas) > firehoseMaxBatch || total > firehoseMaxBatchBytes {
		firehoseError(w, "ValidationException", "1-500 records of at most 4 MiB in total")
		return
	}
	now := time.Now().UTC()
	f.mu.Lock()
	ids := make([]string, len(datas))
	for i, d := range datas {
		f.seq++
		ids[i] = fmt.Sprintf("%056d", f.seq)
		f.pending[req.DeliveryStreamName] = append(f.pending[req.DeliveryStreamName], standInRecord{id: ids[i], arrival: now, data: d})
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if !batch {
		_ = json.NewEncoder(w).Encode(map[string]any{"RecordId": ids[0], "Encrypted": false})
		return
	}
	resps := make([]map[string]string, len(ids))
	for i, id := range ids {
		resps[i] = map[string]string{"RecordId": id}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedPutCount": 0, "Encrypted": false, "RequestResponses": resps})
}

// streamConfig is the part of a delivery stream's description the stand-in acts on.
type streamConfig struct {
	name, arn, bucket    string
	prefix, errorPrefix  string
	gzip                 bool
	lambdaARN            string
	bufferBytes, retries int
	hasProcessor         bool
}

func (f *FirehoseStandIn) describe(ctx context.Context, name string) (streamConfig, error) {
	out, err := f.fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
	if err != nil {
		return streamConfig{}, fmt.Errorf("sandbox: firehose %s: %w", name, err)
	}
	d := out.DeliveryStreamDescription
	c := streamConfig{name: name, arn: aws.ToString(d.DeliveryStreamARN), bufferBytes: 1 << 20, retries: 3}
	var ext *fhtypes.ExtendedS3DestinationDescription
	for _, dest := range d.Destinations {
		if dest.ExtendedS3DestinationDescription != nil {
			ext = dest.ExtendedS3DestinationDescription
		}
	}
	if ext == nil {
		return c, fmt.Errorf("sandbox: firehose %s has no extended S3 destination; the stand-in delivers only to S3", name)
	}
	bucketARN := aws.ToString(ext.BucketARN)
	c.bucket = bucketARN[strings.LastIndex(bucketARN, ":")+1:]
	c.prefix, c.errorPrefix = aws.ToString(ext.Prefix), aws.ToString(ext.ErrorOutputPrefix)
	c.gzip = ext.CompressionFormat == fhtypes.CompressionFormatGzip
	if p := ext.ProcessingConfiguration; p != nil && aws.ToBool(p.Enabled) {
		for _, proc := range p.Processors {
			if proc.Type != fhtypes.ProcessorTypeLambda {
				continue
			}
			c.hasProcessor = true
			for _, param := range proc.Parameters {
				v := aws.ToString(param.ParameterValue)
				switch param.ParameterName {
				case fhtypes.ProcessorParameterNameLambdaArn:
					c.lambdaARN = v
				case fhtypes.ProcessorParameterNameBufferSizeInMb:
					if mb, err := strconv.ParseFloat(v, 64); err == nil && mb > 0 {
						c.bufferBytes = int(mb * (1 << 20))
					}
				case fhtypes.ProcessorParameterNameLambdaNumberOfRetries:
					if n, err := strconv.Atoi(v); err == nil && n >= 0 {
						c.retries = n
					}
				}
			}
		}
	}
	if c.hasProcessor && c.lambdaARN == "" {
		return c, fmt.Errorf("sandbox: firehose %s has a Lambda processor without LambdaArn", name)
	}
	return c, nil
}

// Flush delivers every buffered record, stream by stream, and reports what it wrote. Records of a stream whose
// delivery fails (no such stream, S3 refuses a write) stay buffered and the error is returned.
func (f *FirehoseStandIn) Flush(ctx context.Context) ([]FirehoseDelivery, error) {
	f.mu.Lock()
	pending := f.pending
	f.pending = map[string][]standInRecord{}
	f.mu.Unlock()
	var out []FirehoseDelivery
	var errs []error
	for name, recs := range pending {
		d, err := f.deliver(ctx, name, recs)
		if err != nil {
			errs = append(errs, err)
			f.mu.Lock()
			f.pending[name] = append(recs, f.pending[name]...)
			f.mu.Unlock()
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

func (f *FirehoseStandIn) deliver(ctx context.Context, name string, recs []standInRecord) (FirehoseDelivery, error) {
	c, err := f.describe(ctx, name)
	d := FirehoseDelivery{Stream: name, Records: len(recs)}
	if err != nil {
		return d, err
	}
	for start := 0; start < len(recs); {
		// One Lambda batch: up to the processor's buffer size, and within Lambda's payload limit once base64'd.
		end, size, payload := start, 0, 200
		for end < len(recs) {
			n := len(recs[end].data)
			p := base64.StdEncoding.EncodedLen(n) + 150
			if end > start && (size+n > c.bufferBytes || payload+p > lambdaMaxPayload) {
				break
			}
			size, payload = size+n, payload+p
			end++
		}
		batch := recs[start:end]
		start = end
		var ok [][]byte
		var failed []map[string]any
		if !c.hasProcessor {
			for _, r := range batch {
				ok = append(ok, r.data)
			}
		} else {
			d.Invocations++
			ok, failed = f.transform(ctx, c, batch, &d)
		}
		oldest := batch[0].arrival
		if len(ok) > 0 {
			key, err := f.write(ctx, c, c.prefix, "", oldest, bytes.Join(ok, nil))
			if err != nil {
				return d, err
			}
			d.Objects = append(d.Objects, key)
		}
		if len(failed) > 0 {
			var buf bytes.Buffer
			for _, doc := range failed {
				b, _ := json.Marshal(doc)
				buf.Write(append(b, '\n'))
			}
			key, err := f.write(ctx, c, c.errorPrefix, "processing-failed", oldest, buf.Bytes())
			if err != nil {
				return d, err
			}
			d.Objects = append(d.Objects, key)
		}
		d.OK += len(ok)
		d.Failed += len(failed)
	}
	return d, nil
}

// transform invokes the processor with one batch and sorts the answer into Ok data and error documents.
func (f *FirehoseStandIn) transform(ctx context.Context, c streamConfig, batch []standInRecord, d *FirehoseDelivery) (ok [][]byte, failed []map[string]any) {
	type inRecord struct {
		RecordID                    string `json:"recordId"`
		ApproximateArrivalTimestamp int64  `json:"approximateArrivalTimestamp"`
		Data                        []byte `json:"data"`
	}
	ev := struct {
		InvocationID      string     `json:"invocationId"`
		DeliveryStreamArn string     `json:"deliveryStreamArn"`
		Region            string     `json:"region"`
		Records           []inRecord `json:"records"`
	}{InvocationID: randomHex(16), DeliveryStreamArn: c.arn, Region: f.region}
	for _, r := range batch {
		ev.Records = append(ev.Records, inRecord{RecordID: r.id, ApproximateArrivalTimestamp: r.arrival.UnixMilli(), Data: r.data})
	}
	payload, _ := json.Marshal(ev)
	errDoc := func(r standInRecord, attempts int, code, msg string, data []byte) map[string]any {
		return map[string]any{
			"attemptsMade": attempts, "arrivalTimestamp": r.arrival.UnixMilli(), "errorCode": code, "errorMessage": msg,
			"attemptEndingTimestamp": time.Now().UnixMilli(), "rawData": base64.StdEncoding.EncodeToString(data), "lambdaArn": c.lambdaARN,
		}
	}
	fn := c.lambdaARN
	if i := strings.Index(fn, ":function:"); i >= 0 {
		fn, _, _ = strings.Cut(fn[i+len(":function:"):], ":")
	}
	var resp struct {
		Records []struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     []byte `json:"data"`
		} `json:"records"`
	}
	var lastErr string
	attempts := 0
	for attempts <= c.retries {
		attempts++
		out, err := f.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload})
		switch {
		case err != nil:
			lastErr = err.Error()
		case out.FunctionError != nil:
			lastErr = aws.ToString(out.FunctionError) + ": " + string(out.Payload)
		default:
			if jerr := json.Unmarshal(out.Payload, &resp); jerr != nil {
				lastErr = "the response is not a transformation result: " + jerr.Error()
				break
			}
			lastErr = ""
		}
		if lastErr == "" {
			break
		}
	}
	if lastErr != "" {
		for _, r := range batch {
			failed = append(failed, errDoc(r, attempts, "Lambda.FunctionError", lastErr, r.data))
		}
		return nil, failed
	}
	byID := map[string]int{}
	for i, r := range resp.Records {
		byID[r.RecordID] = i
	}
	for _, r := range batch {
		i, found := byID[r.id]
		if !found {
			failed = append(failed, errDoc(r, attempts, "Lambda.MissingRecordId", "the Lambda response lacks the record", r.data))
			continue
		}
		switch res := resp.Records[i]; res.Result {
		case "Ok":
			ok = append(ok, res.Data)
		case "Dropped":
			d.Dropped++
		case "ProcessingFailed":
			failed = append(failed, errDoc(r, attempts, "Lambda.ProcessingFailedStatus", "ProcessingFailed status returned from Lambda", res.Data))
		default:
			failed = append(failed, errDoc(r, attempts, "Lambda.InvalidResult", fmt.Sprintf("result %q is not Ok, Dropped or ProcessingFailed", res.Result), r.data))
		}
	}
	return ok, failed
}

// write puts one object under the evaluated prefix, gzip'd as configured, and returns its s3:// URI.
func (f *FirehoseStandIn) write(ctx context.Context, c streamConfig, prefix, errorType string, at time.Time, body []byte) (string, error) {
	p, err := EvalFirehosePrefix(prefix, at, errorType)
	if err != nil {
		return "", fmt.Errorf("sandbox: firehose %s: %w", c.name, err)
	}
	key := p + c.name + "-1-" + at.UTC().Format("2006-01-02-15-04-05") + "-" + randomHex(16)
	if c.gzip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body, key = buf.Bytes(), key+".gz"
	}
	if _, err := f.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		return "", fmt.Errorf("sandbox: firehose %s: writing s3://%s/%s: %w", c.name, c.bucket, key, err)
	}
	return "s3://" + c.bucket + "/" + key, nil
}

var prefixExpr = regexp.MustCompile(`!\{([A-Za-z-]+):([^}]*)\}`)

// javaTime maps the Java DateTimeFormatter letters Firehose uses to Go's layout.
var javaTime = strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02", "HH", "15", "mm", "04", "ss", "05")

// EvalFirehosePrefix evaluates Firehose's custom prefix expressions: !{timestamp:<yyyy MM dd HH mm ss>} at `at`
// (UTC), !{firehose:error-output-type} and !{firehose:random-string}. Others are an error (the stand-in does not
// support dynamic partitioning). An empty prefix is Firehose's default, yyyy/MM/dd/HH/ (with the error output type
// first for errors).
func EvalFirehosePrefix(prefix string, at time.Time, errorType string) (string, error) {
	if prefix == "" {
		p := at.UTC().Format("2006/01/02/15/")
		if errorType != "" {
			p = errorType + "/" + p
		}
		return p, nil
	}
	var bad error
	out := prefixExpr.ReplaceAllStringFunc(prefix, func(m string) string {
		g := prefixExpr.FindStringSubmatch(m)
		switch {
		case g[1] == "timestamp":
			return at.UTC().Format(javaTime.Replace(g[2]))
		case g[1] == "firehose" && g[2] == "error-output-type":
			if errorType == "" {
				bad = fmt.Errorf("prefix %q: error-output-type only in ErrorOutputPrefix", prefix)
			}
			return errorType
		case g[1] == "firehose" && g[2] == "random-string":
			return randomHex(6)
		default:
			bad = fmt.Errorf("prefix %q: %s is not supported by the sandbox's stand-in", prefix, m)
			return m
		}
	})
	return out, bad
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
