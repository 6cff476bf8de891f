package sandbox_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

func TestEvalFirehosePrefix(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 5, 7, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct{ prefix, errType, want, wantErr string }{
		{"data/dt=!{timestamp:yyyy-MM-dd}/", "", "data/dt=2026-11-26/", ""},
		{"errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/", "processing-failed", "errors/processing-failed/dt=2026-11-26/h=08/", ""},
		{"", "", "2026/11/26/08/", ""},
		{"", "processing-failed", "processing-failed/2026/11/26/08/", ""},
		{"x/!{partitionKeyFromQuery:id}/", "", "", "not supported"},
		{"x/!{firehose:error-output-type}/", "", "", "only in ErrorOutputPrefix"},
	} {
		got, err := sandbox.EvalFirehosePrefix(tc.prefix, at, tc.errType)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("EvalFirehosePrefix(%q) error %v, want %q", tc.prefix, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("EvalFirehosePrefix(%q) = %q, %v; want %q", tc.prefix, got, err, tc.want)
		}
	}
}

// TestFirehoseStandIn puts records through the stand-in into a delivery stream whose processor is the ingestion
// transform (lambda-src/transform, run natively against kumo) and reads back what landed in S3.
func TestFirehoseStandIn(t *testing.T) {
	sb := sandboxtest.Start(t)
	ctx := t.Context()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lake")}); err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	if _, err := zw.Create("bootstrap"); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	fn, err := lambda.NewFromConfig(cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("transform"), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String("arn:aws:iam::000000000000:role/transform"), Code: &lambdatypes.FunctionCode{ZipFile: zipped.Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}
	fh := firehose.NewFromConfig(cfg)
	if _, err := fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("lake"),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::lake"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"),
			Prefix:            aws.String("data/dt=!{timestamp:yyyy-MM-dd}/"),
			ErrorOutputPrefix: aws.String("errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"),
			CompressionFormat: fhtypes.CompressionFormatGzip,
			ProcessingConfiguration: &fhtypes.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fhtypes.Processor{{
				Type:       fhtypes.ProcessorTypeLambda,
				Parameters: []fhtypes.ProcessorParameter{{ParameterName: fhtypes.ProcessorParameterNameLambdaArn, ParameterValue: fn.FunctionArn}},
			}}},
		},
	}); err != nil {
		t.Fatal(err)
	}
	bin, err := sandbox.BuildBootstrap(ctx, "transform", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.StartFunction(ctx, "transform", bin); err != nil {
		t.Fatal(err)
	}
	standIn, err := sb.StartFirehose(ctx)
	if err != nil {
		t.Fatal(err)
	}
	producer := firehose.NewFromConfig(cfg, func(o *firehose.Options) { o.BaseEndpoint = aws.String(standIn.URL) })
	today := time.Now().UTC()
	good := `{"device_id":"dev-0001","ts":"` + today.Add(-time.Minute).Format(time.RFC3339) + `","temperature":20}`
	if _, err := producer.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("lake"), Records: []fhtypes.Record{
		{Data: []byte(good)}, {Data: []byte(`{"device_id":"dev-0001","ts":"` + today.Format(time.RFC3339) + `","temperature":"hot"}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := producer.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("nope"), Records: []fhtypes.Record{{Data: []byte("x")}}}); err == nil {
		t.Fatal("a put to an unknown stream must fail")
	}
	deliveries, err := standIn.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(deliveries) != 1 || deliveries[0].OK != 1 || deliveries[0].Failed != 1 || deliveries[0].Invocations != 1 || len(deliveries[0].Objects) != 2 {
		t.Fatalf("deliveries %+v", deliveries)
	}
	dt := "dt=" + today.Format("2006-01-02") + "/"
	read := func(uri string) string {
		key := strings.TrimPrefix(uri, "s3://lake/")
		out, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("lake"), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Body.Close()
		zr, err := gzip.NewReader(out.Body)
		if err != nil {
			t.Fatalf("%s is not gzip: %v", uri, err)
		}
		b, _ := io.ReadAll(zr)
		return string(b)
	}
	for _, uri := range deliveries[0].Objects {
		body := read(uri)
		switch {
		case strings.HasPrefix(uri, "s3://lake/data/"+dt+"lake-1-") && strings.HasSuffix(uri, ".gz"):
			if !strings.HasPrefix(body, `{"device_id":"dev-0001",`) || !strings.HasSuffix(body, "}\n") {
				t.Errorf("data object %s: %q", uri, body)
			}
		case strings.HasPrefix(uri, "s3://lake/errors/processing-failed/"+dt):
			var doc struct {
				ErrorCode, LambdaArn string
				RawData              string
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("error document %q: %v", body, err)
			}
			raw, _ := base64.StdEncoding.DecodeString(doc.RawData)
			if doc.ErrorCode != "Lambda.ProcessingFailedStatus" || !strings.Contains(string(raw), `"reason":"wrong_type"`) || doc.LambdaArn != aws.ToString(fn.FunctionArn) {
				t.Errorf("error document %+v, raw %s", doc, raw)
			}
		default:
			t.Errorf("unexpected object %s", uri)
		}
	}
	if standIn.Pending() != 0 {
		t.Fatalf("%d records still pending", standIn.Pending())
	}
}
