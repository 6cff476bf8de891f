package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// DriveBucketNotifications delivers a bucket's S3 → Lambda notifications for new objects, in the sandbox only: kumo
// sends them to its Lambda API at a fixed http://localhost:4566 (its Lambda base URL ignores KUMO_PORT), so on the
// free port the harness picks they never arrive. The poller lists the bucket, and for every object created after it
// started (or rewritten, by ETag) invokes — asynchronously, as S3 does — each function whose notification
// configuration matches s3:ObjectCreated:Put and the object's key (prefix/suffix filter rules). It returns once it
// runs and stops with ctx or the sandbox. Deletions are not delivered.
func (s *Sandbox) DriveBucketNotifications(ctx context.Context, bucket string) error {
	if err := s.Err(); err != nil {
		return err
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	conf, err := s3c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &bucket})
	if err != nil {
		return fmt.Errorf("sandbox: notification configuration of %s: %w", bucket, err)
	}
	if len(conf.LambdaFunctionConfigurations) == 0 {
		return fmt.Errorf("sandbox: bucket %s has no Lambda notification to deliver", bucket)
	}
	seen, err := listETags(ctx, s3c, bucket)
	if err != nil {
		return fmt.Errorf("sandbox: list %s: %w", bucket, err)
	}
	logFile, err := os.OpenFile(filepath.Join(s.LogDir, "s3events-"+bucket+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	logger := log.New(logFile, "", log.LstdFlags|log.Lmicroseconds)
	fn := lambda.NewFromConfig(cfg)

	ctx, cancel := s.pollerContext(ctx)
	s.goPoller(func() {
		defer cancel()
		defer logFile.Close()
		for sleep(ctx, pollWait) {
			now, err := listETags(ctx, s3c, bucket)
			if err != nil {
				if ctx.Err() == nil {
					logger.Printf("list %s: %v", bucket, err)
				}
				continue
			}
			for key, obj := range now {
				if old, ok := seen[key]; ok && old.etag == obj.etag {
					continue
				}
				for _, c := range conf.LambdaFunctionConfigurations {
					if !createdMatches(c, key) {
						continue
					}
					payload, _ := json.Marshal(s3Event(s.Region, bucket, key, obj, aws.ToString(c.Id)))
					if _, err := fn.Invoke(ctx, &lambda.InvokeInput{
						FunctionName:   c.LambdaFunctionArn,
						InvocationType: lambdatypes.InvocationTypeEvent,
						Payload:        payload,
					}); err != nil && ctx.Err() == nil {
						logger.Printf("invoke %s for s3://%s/%s: %v", aws.ToString(c.LambdaFunctionArn), bucket, key, err)
					} else {
						logger.Printf("s3://%s/%s → %s", bucket, key, functionName(aws.ToString(c.LambdaFunctionArn)))
					}
				}
			}
			seen = now
		}
	})
	return nil
}

type objectInfo struct {
	etag string
	size int64
}

func listETags(ctx context.Context, c *s3.Client, bucket string) (map[string]objectInfo, error) {
	out := map[string]objectInfo{}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			out[aws.ToString(o.Key)] = objectInfo{etag: aws.ToString(o.ETag), size: aws.ToInt64(o.Size)}
		}
	}
	return out, nil
}

// createdMatches: the configuration subscribes to object creation by PUT and its filter rules accept the key.
func createdMatches(c s3types.LambdaFunctionConfiguration, key string) bool {
	subscribed := false
	for _, e := range c.Events {
		if e == "s3:ObjectCreated:*" || e == "s3:ObjectCreated:Put" {
			subscribed = true
		}
	}
	if !subscribed {
		return false
	}
	if c.Filter != nil && c.Filter.Key != nil {
		for _, r := range c.Filter.Key.FilterRules {
			v := aws.ToString(r.Value)
			switch strings.ToLower(string(r.Name)) {
			case "prefix":
				if !strings.HasPrefix(key, v) {
					return false
				}
			case "suffix":
				if !strings.HasSuffix(key, v) {
					return false
				}
			}
		}
	}
	return true
}

func s3Event(region, bucket, key string, obj objectInfo, configID string) events.S3Event {
	return events.S3Event{Records: []events.S3EventRecord{{
		EventVersion: "2.1",
		EventSource:  "aws:s3",
		AWSRegion:    region,
		EventTime:    time.Now().UTC(),
		EventName:    "ObjectCreated:Put",
		S3: events.S3Entity{
			SchemaVersion:   "1.0",
			ConfigurationID: configID,
			Bucket:          events.S3Bucket{Name: bucket, Arn: "arn:aws:s3:::" + bucket},
			// Keys arrive URL-encoded (spaces as '+'), as S3 sends them.
			Object: events.S3Object{Key: strings.ReplaceAll(url.QueryEscape(key), "%2F", "/"), Size: obj.size, ETag: strings.Trim(obj.etag, `"`)},
		},
	}}}
}

func functionName(a string) string {
	if p, err := arn.Parse(a); err == nil {
		return strings.TrimPrefix(p.Resource, "function:")
	}
	return a
}
