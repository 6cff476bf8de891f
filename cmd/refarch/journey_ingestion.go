package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refarch/terraform-provider-refarch/cmd/devicesim/sim"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// walkIngestion is a fleet's first minute: the device simulator sends 100 readings (10% bad) to the delivery stream;
// Firehose (in the sandbox, the harness's stand-in, as kumo delivers nothing) runs the transform and writes the lake;
// the new objects reach the partitions function through S3 → SQS, which registers the day's partition in Athena.
func walkIngestion(ctx context.Context, d deployment, _ stepper) error {
	standIn, err := sandbox.StartFirehoseStandIn(ctx, d.aws)
	if err != nil {
		return err
	}
	defer standIn.Close()
	sink := sim.FirehoseSink{Stream: d.output("delivery_stream_name"), API: firehose.NewFromConfig(d.aws, func(o *firehose.Options) {
		o.BaseEndpoint = aws.String(standIn.URL)
	})}
	gen := &sim.Generator{Devices: []string{"dev-0001", "dev-0002"}, BadRatio: 0.1, Seed: uint64(time.Now().UnixNano())}
	sent, err := sim.Run(ctx, gen, sink, 100, 0)
	if err != nil {
		return err
	}
	fmt.Printf("  ✓ %-40s %d records, by kind %v\n", "device simulator → "+d.output("delivery_stream_name"), sent.Sent, sent.ByKind)
	deliveries, err := standIn.Flush(ctx)
	if err != nil {
		return err
	}
	for _, dl := range deliveries {
		fmt.Printf("  ✓ %-40s %d records: %d transformed, %d failed (%d transform invocations)\n", "Firehose delivery (stand-in)", dl.Records, dl.OK, dl.Failed, dl.Invocations)
	}

	s3c := s3.NewFromConfig(d.aws, func(o *s3.Options) { o.UsePathStyle = true })
	lake := d.output("ingestion_bucket_name")
	for _, prefix := range []string{"data/", "errors/"} {
		out, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(lake), Prefix: aws.String(prefix)})
		if err != nil {
			return err
		}
		for _, o := range out.Contents {
			fmt.Printf("  ✓ %-40s %d bytes\n", "s3://"+lake+"/"+aws.ToString(o.Key), aws.ToInt64(o.Size))
		}
	}

	// The partitions function registers the day through Athena (S3 → SQS → Lambda).
	ath := athena.NewFromConfig(d.aws)
	deadline := time.Now().Add(90 * time.Second)
	for {
		list, err := ath.ListQueryExecutions(ctx, &athena.ListQueryExecutionsInput{})
		if err != nil {
			return err
		}
		for _, id := range list.QueryExecutionIds {
			qe, err := ath.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
			if err == nil && strings.Contains(aws.ToString(qe.QueryExecution.Query), "ADD IF NOT EXISTS PARTITION") {
				fmt.Printf("  ✓ %-40s %s\n", "partition registered (Athena)", oneLine([]byte(aws.ToString(qe.QueryExecution.Query))))
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no partition was registered within 90 s; see the partitions function's log")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
