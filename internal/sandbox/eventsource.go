package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// kumo stores Lambda event source mappings but never polls their sources. The pollers here stand in for the Lambda
// service in the sandbox — test and demo code only, never part of a deployment:
//
//   - SQS: receive up to BatchSize messages, invoke the function with an SQS event, delete the messages it did not
//     report in batchItemFailures. Nothing is deleted when the invocation fails, so the messages come back after the
//     queue's visibility timeout and the queue's redrive policy (kumo implements maxReceiveCount) moves poison
//     messages to the dead-letter queue — as on AWS.
//   - DynamoDB Streams: read every shard from TRIM_HORIZON (the tables are new, and kumo keeps no StartingPosition),
//     invoke with up to BatchSize records; on a function error, or from the first reported batch item failure,
//     retry up to streamRetries times, then log the skipped records and go on (kumo keeps no
//     MaximumRetryAttempts or on-failure destination, which the modules configure for AWS).
//
// kumo also drops FunctionResponseTypes; the pollers honour a batchItemFailures response whenever a function returns
// one, which is what the modules' mappings ask for on AWS.

const (
	streamRetries = 2
	pollWait      = 200 * time.Millisecond
)

// EventSource is one mapping to drive: records from EventSourceARN (an SQS queue or a DynamoDB stream) go to
// FunctionName in batches of at most BatchSize (default: 10 for SQS, 100 for streams).
type EventSource struct {
	FunctionName   string
	EventSourceARN string
	BatchSize      int
}

// DriveEventSources starts a poller for every enabled event source mapping kumo has stored for the function and
// returns once they run; they stop with ctx or the sandbox. It fails when the function has no mapping or a mapping's
// source is neither an SQS queue nor a DynamoDB stream.
func (s *Sandbox) DriveEventSources(ctx context.Context, functionName string) error {
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	out, err := lambda.NewFromConfig(cfg).ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: &functionName})
	if err != nil {
		return fmt.Errorf("sandbox: event source mappings of %s: %w", functionName, err)
	}
	var sources []EventSource
	for _, m := range out.EventSourceMappings {
		if aws.ToString(m.State) == "Disabled" {
			continue
		}
		sources = append(sources, EventSource{FunctionName: functionName, EventSourceARN: aws.ToString(m.EventSourceArn), BatchSize: int(aws.ToInt32(m.BatchSize))})
	}
	if len(sources) == 0 {
		return fmt.Errorf("sandbox: %s has no enabled event source mapping to drive", functionName)
	}
	for _, src := range sources {
		if err := s.DriveEventSource(ctx, src); err != nil {
			return err
		}
	}
	return nil
}

// DriveEventSource starts one poller (see DriveEventSources) and returns once it runs.
func (s *Sandbox) DriveEventSource(ctx context.Context, src EventSource) error {
	if err := s.Err(); err != nil {
		return err
	}
	a, err := arn.Parse(src.EventSourceARN)
	if err != nil {
		return fmt.Errorf("sandbox: event source %q: %w", src.EventSourceARN, err)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(s.LogDir, "eventsource-"+src.FunctionName+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	p := &poller{src: src, lambda: lambda.NewFromConfig(cfg), log: log.New(logFile, "", log.LstdFlags|log.Lmicroseconds)}

	ctx, cancel := s.pollerContext(ctx)

	var run func(context.Context)
	switch {
	case a.Service == "sqs":
		c := sqs.NewFromConfig(cfg)
		q, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(a.Resource)})
		if err != nil {
			cancel()
			logFile.Close()
			return fmt.Errorf("sandbox: queue of %s: %w", src.EventSourceARN, err)
		}
		if p.src.BatchSize <= 0 {
			p.src.BatchSize = 10
		}
		run = func(ctx context.Context) { p.pollQueue(ctx, c, aws.ToString(q.QueueUrl), a.Region) }
	case a.Service == "dynamodb" && strings.Contains(a.Resource, "/stream/"):
		if p.src.BatchSize <= 0 {
			p.src.BatchSize = 100
		}
		c := dynamodbstreams.NewFromConfig(cfg)
		// The shards are listed before returning, so that WaitStreamDrained, called right after, knows them.
		desc, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &p.src.EventSourceARN})
		if err != nil {
			cancel()
			logFile.Close()
			return fmt.Errorf("sandbox: describe %s: %w", src.EventSourceARN, err)
		}
		var shards []string
		for _, sh := range desc.StreamDescription.Shards {
			shards = append(shards, aws.ToString(sh.ShardId))
		}
		p.progress = s.trackStream(ctx, src, shards)
		run = func(ctx context.Context) {
			var wg sync.WaitGroup
			for _, shard := range shards {
				wg.Go(func() { p.pollShard(ctx, c, shard, a.Region) })
			}
			wg.Wait() // the log file stays open while any shard is polled
		}
	default:
		cancel()
		logFile.Close()
		return fmt.Errorf("sandbox: cannot drive event source %s: only SQS queues and DynamoDB streams are supported", src.EventSourceARN)
	}
	s.goPoller(func() {
		defer logFile.Close()
		run(ctx)
	})
	return nil
}

type poller struct {
	src      EventSource
	lambda   *lambda.Client
	log      *log.Logger
	progress *streamProgress // stream pollers only
}

// invoke calls the function synchronously and returns the item identifiers it reported as failed; an error means
// the whole batch failed.
func (p *poller) invoke(ctx context.Context, event any) ([]string, error) {
	payload, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	out, err := p.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: &p.src.FunctionName, Payload: payload})
	if err != nil {
		return nil, err
	}
	if out.FunctionError != nil {
		return nil, fmt.Errorf("function error %s: %s", aws.ToString(out.FunctionError), out.Payload)
	}
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if len(out.Payload) > 0 && json.Unmarshal(out.Payload, &resp) == nil {
		ids := make([]string, 0, len(resp.BatchItemFailures))
		for _, f := range resp.BatchItemFailures {
			ids = append(ids, f.ItemIdentifier)
		}
		return ids, nil
	}
	return nil, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (p *poller) pollQueue(ctx context.Context, c *sqs.Client, queueURL, region string) {
	for ctx.Err() == nil {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:            &queueURL,
			MaxNumberOfMessages: int32(min(p.src.BatchSize, 10)),
			// Short polls: kumo does not end a long poll when a message becomes visible again, so a queue's own
			// ReceiveMessageWaitTimeSeconds (up to 20 s) would delay every redelivery by that much.
			WaitTimeSeconds:             1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			if ctx.Err() == nil {
				p.log.Printf("receive from %s: %v", queueURL, err)
			}
			sleep(ctx, time.Second)
			continue
		}
		if len(out.Messages) == 0 {
			sleep(ctx, pollWait)
			continue
		}
		failed, err := p.invoke(ctx, sqsEvent(out.Messages, p.src.EventSourceARN, region))
		if err != nil {
			p.log.Printf("invoke %s with %d messages: %v (they return after the visibility timeout)", p.src.FunctionName, len(out.Messages), err)
			continue
		}
		keep := map[string]bool{}
		for _, id := range failed {
			keep[id] = true
		}
		for _, m := range out.Messages {
			if keep[aws.ToString(m.MessageId)] {
				p.log.Printf("message %s reported failed; it returns after the visibility timeout", aws.ToString(m.MessageId))
				continue
			}
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &queueURL, ReceiptHandle: m.ReceiptHandle}); err != nil && ctx.Err() == nil {
				p.log.Printf("delete %s: %v", aws.ToString(m.MessageId), err)
			}
		}
	}
}

func sqsEvent(msgs []sqstypes.Message, sourceARN, region string) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId:         aws.ToString(m.MessageId),
			ReceiptHandle:     aws.ToString(m.ReceiptHandle),
			Body:              aws.ToString(m.Body),
			Md5OfBody:         aws.ToString(m.MD5OfBody),
			Attributes:        map[string]string{},
			MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSource:       "aws:sqs",
			EventSourceARN:    sourceARN,
			AWSRegion:         region,
		}
		for k, v := range m.Attributes {
			rec.Attributes[k] = v
		}
		for k, v := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{
				StringValue: v.StringValue, BinaryValue: v.BinaryValue, DataType: aws.ToString(v.DataType),
			}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

func (p *poller) pollShard(ctx context.Context, c *dynamodbstreams.Client, shard, region string) {
	it, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
		StreamArn: &p.src.EventSourceARN, ShardId: &shard, ShardIteratorType: st.ShardIteratorTypeTrimHorizon,
	})
	if err != nil {
		p.log.Printf("iterator for shard %s: %v", shard, err)
		return
	}
	iter := it.ShardIterator
	var pending []st.Record
	for ctx.Err() == nil && iter != nil {
		out, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(int32(p.src.BatchSize))})
		if err != nil {
			if ctx.Err() == nil {
				p.log.Printf("records of shard %s: %v", shard, err)
			}
			sleep(ctx, time.Second)
			continue
		}
		iter = out.NextShardIterator
		pending = append(pending, out.Records...)
		for len(pending) > 0 && ctx.Err() == nil {
			n := min(len(pending), p.src.BatchSize)
			p.deliverStreamBatch(ctx, pending[:n], region)
			if ctx.Err() == nil {
				p.progress.handled(shard, pending[n-1])
			}
			pending = pending[n:]
		}
		if len(out.Records) == 0 {
			sleep(ctx, pollWait)
		}
	}
}

// deliverStreamBatch invokes the function with a batch, retrying from the first failed record.
func (p *poller) deliverStreamBatch(ctx context.Context, batch []st.Record, region string) {
	for attempt := 0; len(batch) > 0 && ctx.Err() == nil; attempt++ {
		failed, err := p.invoke(ctx, streamEvent(batch, p.src.EventSourceARN, region))
		from := -1
		switch {
		case err != nil:
			from = 0
		case len(failed) > 0:
			from = firstFailed(batch, failed)
		}
		if from < 0 {
			return
		}
		batch = batch[from:]
		if attempt >= streamRetries {
			p.log.Printf("giving up on %d stream records from sequence %s after %d attempts: %v", len(batch),
				aws.ToString(batch[0].Dynamodb.SequenceNumber), attempt+1, errors.Join(err, fmt.Errorf("failed items %v", failed)))
			return
		}
		sleep(ctx, time.Duration(attempt+1)*pollWait)
	}
}

func firstFailed(batch []st.Record, failed []string) int {
	ids := map[string]bool{}
	for _, id := range failed {
		ids[id] = true
	}
	for i, r := range batch {
		if r.Dynamodb != nil && ids[aws.ToString(r.Dynamodb.SequenceNumber)] {
			return i
		}
	}
	return 0 // an identifier the batch does not contain: retry it all, as Lambda does
}

// streamRecord is the Lambda event shape of one DynamoDB stream record (aws-lambda-go's events.DynamoDBEventRecord
// carries attribute values in a type that cannot be built from the SDK's, so the JSON is written directly).
type streamRecord struct {
	EventID        string         `json:"eventID"`
	EventName      string         `json:"eventName"`
	EventVersion   string         `json:"eventVersion"`
	EventSource    string         `json:"eventSource"`
	AWSRegion      string         `json:"awsRegion"`
	EventSourceArn string         `json:"eventSourceARN"`
	Dynamodb       map[string]any `json:"dynamodb"`
}

func streamEvent(batch []st.Record, sourceARN, region string) map[string][]streamRecord {
	recs := make([]streamRecord, 0, len(batch))
	for _, r := range batch {
		d := map[string]any{}
		if sr := r.Dynamodb; sr != nil {
			d["SequenceNumber"] = aws.ToString(sr.SequenceNumber)
			d["SizeBytes"] = aws.ToInt64(sr.SizeBytes)
			d["StreamViewType"] = string(sr.StreamViewType)
			if sr.ApproximateCreationDateTime != nil {
				d["ApproximateCreationDateTime"] = sr.ApproximateCreationDateTime.Unix()
			}
			for name, m := range map[string]map[string]st.AttributeValue{"Keys": sr.Keys, "NewImage": sr.NewImage, "OldImage": sr.OldImage} {
				if m != nil {
					d[name] = attrMap(m)
				}
			}
		}
		recs = append(recs, streamRecord{
			EventID: aws.ToString(r.EventID), EventName: string(r.EventName), EventVersion: aws.ToString(r.EventVersion),
			EventSource: "aws:dynamodb", AWSRegion: region, EventSourceArn: sourceARN, Dynamodb: d,
		})
	}
	return map[string][]streamRecord{"Records": recs}
}

func attrMap(m map[string]st.AttributeValue) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = attrJSON(v)
	}
	return out
}

// attrJSON writes a stream attribute value in DynamoDB's JSON form ({"S": "x"}, {"M": {...}}, …).
func attrJSON(v st.AttributeValue) map[string]any {
	b64 := base64.StdEncoding.EncodeToString
	switch v := v.(type) {
	case *st.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *st.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *st.AttributeValueMemberB:
		return map[string]any{"B": b64(v.Value)}
	case *st.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *st.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *st.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *st.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *st.AttributeValueMemberBS:
		bs := make([]string, len(v.Value))
		for i, b := range v.Value {
			bs[i] = b64(b)
		}
		return map[string]any{"BS": bs}
	case *st.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = attrJSON(e)
		}
		return map[string]any{"L": l}
	case *st.AttributeValueMemberM:
		return map[string]any{"M": attrMap(v.Value)}
	default:
		return map[string]any{"NULL": true}
	}
}
