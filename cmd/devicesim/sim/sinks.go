package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// FirehoseAPI is the part of the Firehose client FirehoseSink uses; *firehose.Client implements it.
type FirehoseAPI interface {
	PutRecordBatch(ctx context.Context, in *firehose.PutRecordBatchInput, optFns ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error)
}

var _ FirehoseAPI = (*firehose.Client)(nil)

// FirehoseSink sends records to a Direct PUT delivery stream with PutRecordBatch (at most 500 records and 4 MiB a
// call), resending the records Firehose reports as failed.
type FirehoseSink struct {
	API    FirehoseAPI
	Stream string
}

// partialFailureBackoff spaces the retries of the records a PutRecordBatch refused (FailedPutCount).
var partialFailureBackoff = retry.NewExponentialJitterBackoff(2 * time.Second)

// MaxBatch is PutRecordBatch's record limit.
func (FirehoseSink) MaxBatch() int { return 500 }

// Send puts the records, splitting at 4 MiB.
func (s FirehoseSink) Send(ctx context.Context, records []Record) error {
	const maxBytes = 4 << 20
	var chunk []fhtypes.Record
	size := 0
	put := func() error {
		for attempt := 0; len(chunk) > 0; attempt++ {
			out, err := s.API.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(s.Stream), Records: chunk})
			if err != nil {
				return fmt.Errorf("firehose PutRecordBatch %s: %w", s.Stream, err)
			}
			if aws.ToInt32(out.FailedPutCount) == 0 {
				break
			}
			if attempt == 4 {
				return fmt.Errorf("firehose PutRecordBatch %s: %d records still failing after 5 attempts", s.Stream, aws.ToInt32(out.FailedPutCount))
			}
			var failed []fhtypes.Record
			for i, r := range out.RequestResponses {
				if r.ErrorCode != nil {
					failed = append(failed, chunk[i])
				}
			}
			chunk = failed
			// Records Firehose refused inside a successful call (throttled, an internal error) are not the SDK
			// retryer's to retry; they wait the SDK's exponential jitter backoff, or the context.
			delay, err := partialFailureBackoff.BackoffDelay(attempt, nil)
			if err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(delay):
			}
		}
		chunk, size = nil, 0
		return nil
	}
	for _, r := range records {
		if size+len(r.Data) > maxBytes {
			if err := put(); err != nil {
				return err
			}
		}
		chunk = append(chunk, fhtypes.Record{Data: r.Data})
		size += len(r.Data)
	}
	return put()
}

// IoTSink publishes each record to its device's MQTT topic on AWS IoT Core, through the IoT data plane's HTTPS
// Publish API (POST /topics/<topic>?qos=1, SigV4 service "iotdata"): the message enters the MQTT broker exactly as a
// device's MQTT PUBLISH would and the topic rule sees it the same way. Real devices connect with MQTT over mutual
// TLS with their certificate and the module's IoT policy; the simulator uses the caller's IAM credentials instead.
type IoTSink struct {
	// Endpoint is the account's data endpoint, `aws iot describe-endpoint --endpoint-type iot:Data-ATS` (the
	// module's output iot_data_endpoint), with or without https://.
	Endpoint string
	// TopicPrefix is the rule's topic root; a record goes to <TopicPrefix>/<device id>/telemetry.
	TopicPrefix string
	Region      string
	Credentials aws.CredentialsProvider
	HTTP        *http.Client
	Signer      *v4.Signer
}

// MaxBatch is 1: one publish per message.
func (IoTSink) MaxBatch() int { return 1 }

// Send publishes the records one by one.
func (s IoTSink) Send(ctx context.Context, records []Record) error {
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	signer := s.Signer
	if signer == nil {
		signer = v4.NewSigner()
	}
	host := strings.TrimPrefix(strings.TrimSuffix(s.Endpoint, "/"), "https://")
	for _, r := range records {
		topic := strings.TrimSuffix(s.TopicPrefix, "/") + "/" + r.DeviceID + "/telemetry"
		u := "https://" + host + "/topics/" + url.PathEscape(topic) + "?qos=1"
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(r.Data))
		if err != nil {
			return err
		}
		creds, err := s.Credentials.Retrieve(ctx)
		if err != nil {
			return fmt.Errorf("iot publish: credentials: %w", err)
		}
		sum := sha256.Sum256(r.Data)
		if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "iotdata", s.Region, time.Now()); err != nil {
			return fmt.Errorf("iot publish: sign: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("iot publish %s: %w", topic, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("iot publish %s: HTTP %d %s", topic, resp.StatusCode, body)
		}
	}
	return nil
}

// WriterSink writes records as lines (stdout, a file).
type WriterSink struct{ W io.Writer }

// MaxBatch is arbitrary for a writer.
func (WriterSink) MaxBatch() int { return 100 }

// Send writes one line per record.
func (s WriterSink) Send(_ context.Context, records []Record) error {
	for _, r := range records {
		if _, err := s.W.Write(append(append([]byte(nil), r.Data...), '\n')); err != nil {
			return err
		}
	}
	return nil
}
