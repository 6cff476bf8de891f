package sandbox_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// TestDriveEventSources wires a queue (with a redrive policy) and a table's stream to a test function and checks the
// pollers deliver like the Lambda service: good messages processed and deleted, a message the function reports as
// failed moved to the dead-letter queue by the queue's maxReceiveCount, stream INSERT and MODIFY records delivered.
func TestDriveEventSources(t *testing.T) {
	sb := sandboxtest.Start(t)
	ctx := t.Context()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := sqs.NewFromConfig(cfg)
	queue := func(name string, attrs map[string]string) (url, arn string) {
		t.Helper()
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		a, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.QueueUrl), a.Attributes["QueueArn"]
	}
	recordURL, _ := queue("record", nil)
	dlqURL, dlqARN := queue("in-dlq", nil)
	inURL, inARN := queue("in", map[string]string{
		"VisibilityTimeout": "1",
		"RedrivePolicy":     `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`,
	})

	db := dynamodb.NewFromConfig(cfg)
	table, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("users"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		t.Fatal(err)
	}

	// The function as kumo stores it (the zip is never run: the harness runs the host-built binary).
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	if _, err := zw.Create("bootstrap"); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	fn := lambda.NewFromConfig(cfg)
	if _, err := fn.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("recorder"),
		Runtime:      lambdatypes.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Role:         aws.String("arn:aws:iam::000000000000:role/recorder"),
		Code:         &lambdatypes.FunctionCode{ZipFile: zipped.Bytes()},
		Environment:  &lambdatypes.Environment{Variables: map[string]string{"RECORD_QUEUE_URL": recordURL}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{inARN, aws.ToString(table.TableDescription.LatestStreamArn)} {
		if _, err := fn.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{
			FunctionName: aws.String("recorder"), EventSourceArn: aws.String(src), BatchSize: aws.Int32(10),
		}); err != nil {
			t.Fatal(err)
		}
	}

	bin := filepath.Join(t.TempDir(), "bootstrap")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./testdata/recorder").CombinedOutput(); err != nil {
		t.Fatalf("build the test function: %v\n%s", err, out)
	}
	if err := sb.StartFunction(ctx, "recorder", bin); err != nil {
		t.Fatal(err)
	}
	if err := sb.DriveEventSources(ctx, "recorder"); err != nil {
		t.Fatal(err)
	}

	streamARN := aws.ToString(table.TableDescription.LatestStreamArn)
	if err := sb.WaitStreamDrained(ctx, "someone-else", streamARN); err == nil {
		t.Error("WaitStreamDrained for a function no poller drives the stream to: no error")
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("users"), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "u1"},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("users"), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "u1"}, "name": &ddbtypes.AttributeValueMemberS{Value: "Ann"},
	}}); err != nil {
		t.Fatal(err)
	}
	// Once the stream is drained, the function has returned from every invocation for both records: what they
	// caused is already there, read once without waiting.
	drainCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := sb.WaitStreamDrained(drainCtx, "recorder", streamARN); err != nil {
		t.Fatal(err)
	}
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &recordURL, MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	var streamed []string
	for _, m := range out.Messages {
		streamed = append(streamed, aws.ToString(m.Body))
		_, _ = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &recordURL, ReceiptHandle: m.ReceiptHandle})
	}
	if want := []string{`{"event":"INSERT","id":"u1"}`, `{"event":"MODIFY","id":"u1"}`}; !slices.Equal(streamed, want) {
		t.Errorf("right after WaitStreamDrained the function had recorded %q, want %q in order", streamed, want)
	}

	for _, body := range []string{"a", "poison", "b"} {
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &inURL, MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}

	want := []string{"a", "b"}
	got := drain(ctx, t, q, recordURL, len(want), 30*time.Second)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("function saw %q, want %q", got, want)
	}
	if dead := drain(ctx, t, q, dlqURL, 1, 30*time.Second); !slices.Equal(dead, []string{"poison"}) {
		t.Errorf("dead-letter queue holds %q, want just the poison message", dead)
	}
	if left := drain(ctx, t, q, inURL, 1, 3*time.Second); len(left) != 0 {
		t.Errorf("source queue still holds %q; processed messages must be deleted", left)
	}
}

// drain receives (and deletes) messages until it has n or the deadline passes.
func drain(ctx context.Context, t *testing.T, q *sqs.Client, url string, n int, within time.Duration) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(within)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10, VisibilityTimeout: 30})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, strings.TrimSpace(aws.ToString(m.Body)))
			_, _ = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle})
		}
		if len(out.Messages) == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	return got
}
