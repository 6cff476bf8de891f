package test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Helpers of the Microservices suites, in the sandbox (microservices_async_test.go) and on AWS
// (microservices_aws_test.go).

// msReceiveAll receives and deletes messages from a queue until it has want of them (0: whatever arrives) or the
// time is up, and returns their bodies.
func msReceiveAll(t *testing.T, c *sqs.Client, url string, want int, within time.Duration) []string {
	t.Helper()
	var bodies []string
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) && (want == 0 || len(bodies) < want) {
		out, err := c.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatalf("receive from %s: %v", url, err)
		}
		var del []sqstypes.DeleteMessageBatchRequestEntry
		for i, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
		}
		if len(del) > 0 {
			if _, err := c.DeleteMessageBatch(t.Context(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: del}); err != nil {
				t.Fatalf("delete from %s: %v", url, err)
			}
		}
	}
	return bodies
}

func msContains(bodies []string, want string) bool {
	for _, b := range bodies {
		if b == want {
			return true
		}
	}
	return false
}
