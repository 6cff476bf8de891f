package test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// assertAlarmNotifiesTopic proves that an alarm reaches the deployment's alarm topic: it subscribes a throw-away
// queue to the topic, forces the alarm into ALARM (SetAlarmState) and waits for CloudWatch's notification naming
// the alarm. On AWS this also proves that CloudWatch may publish to the topic and use its KMS key; kumo publishes
// to the alarm's actions the same way (it evaluates no metrics, so the state is forced on both targets).
func assertAlarmNotifiesTopic(t *testing.T, tg target, topicARN string, alarmNames ...string) {
	t.Helper()
	ctx := t.Context()
	cfg := tg.awsConfig(t)
	snsc, sqsc, cw := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg), cloudwatch.NewFromConfig(cfg)

	name := uniqueName("alarm-probe")
	// Tagged with the run's tag, like everything the tests create on AWS (make sweep-aws finds it if a run dies).
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Tags: runTags()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = sqsc.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl})
	})
	attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	policy, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Principal": map[string]string{"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
			"Resource": queueARN, "Condition": map[string]any{"ArnEquals": map[string]string{"aws:SourceArn": topicARN}},
		}},
	})
	if _, err := sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": string(policy)}}); err != nil {
		t.Fatal(err)
	}
	sub, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = snsc.Unsubscribe(context.Background(), &sns.UnsubscribeInput{SubscriptionArn: sub.SubscriptionArn})
	})

	for _, alarm := range alarmNames {
		out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{alarm}})
		if err != nil || len(out.MetricAlarms) != 1 {
			t.Fatalf("DescribeAlarms(%s) = %v, %v: want the alarm", alarm, out, err)
		}
		a := out.MetricAlarms[0]
		if len(a.AlarmActions) != 1 || a.AlarmActions[0] != topicARN || len(a.OKActions) != 1 || a.OKActions[0] != topicARN {
			t.Fatalf("alarm %s: actions %q, OK actions %q; want the alarm topic %s for both", alarm, a.AlarmActions, a.OKActions, topicARN)
		}
		if _, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{
			AlarmName: aws.String(alarm), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("refarch test: does the alarm reach its topic?"),
		}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 2*time.Minute, "alarm "+alarm+" notification on the alarm topic", func() error {
			msgs, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
			if err != nil {
				return err
			}
			for _, m := range msgs.Messages {
				_, _ = sqsc.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle})
				if strings.Contains(aws.ToString(m.Body), alarm) {
					return nil
				}
			}
			return errNotYet
		})
	}
}
