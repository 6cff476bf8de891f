//go:build aws

// Microservices (173) on real AWS (`go test -tags aws ./test/...`, billable): what the local sandbox cannot run.
// test/microservices_test.go and test/microservices_async_test.go (sandbox only) stand a redis-server in for
// ElastiCache, drive the event source mappings themselves and switch off ECS tasks, the Auto Scaling group, the
// RDS instance and its managed secret; here the same fixtures and the example run with every real-AWS default:
//   - TestMicroservicesServiceBReadThroughCacheAWS: test/fixtures/microservices-service-b with the ElastiCache
//     replication group (TLS, RBAC user) and the function in the VPC's private subnets (VPC endpoints, no NAT);
//   - TestMicroservicesAsyncFanOutAndPoisonMessagesAWS: test/fixtures/microservices-async with KMS-encrypted queues
//     and AWS Lambda polling the event source mapping (partial batch failures);
//   - TestMicroservicesCompositionAWS: examples/microservices (its own VPC from modules/vpc, ECS, Auto Scaling + RDS).
//
// Helpers here are prefixed msa: the ms* helpers of the sandbox files are not compiled with -tags aws.
package test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// Environment variables the composition test reads. The repository publishes neither artifact.
const (
	// msaServiceAImageEnv names an image of apps/orders (apps/orders/Dockerfile, linux/arm64) in a registry the
	// account's ECS can pull from, e.g. <account>.dkr.ecr.<region>.amazonaws.com/orders:<tag>.
	msaServiceAImageEnv = "REFARCH_MS_SERVICE_A_IMAGE"
	// msaServiceCArtifactEnv optionally names an s3:// URI of apps/orders built for linux/arm64; without it the test
	// builds the program and uploads it to a bucket of its own.
	msaServiceCArtifactEnv = "REFARCH_MS_SERVICE_C_ARTIFACT"
	// msaPlaceholderImage is deployed as service A's image when msaServiceAImageEnv is unset, so that the rest of the
	// composition can still be applied and checked. It cannot pass service A's health check: the task definition
	// runs the container as 65532:65532 on a read-only root file system and the target group checks GET /healthz
	// on port 8080, none of which nginx does.
	msaPlaceholderImage = "public.ecr.aws/docker/library/nginx:stable"
)

// msaItem is the catalog function's item (lambda-src/internal/catalog).
type msaItem struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	UpdatedAt  string `json:"updated_at"`
}

// TestMicroservicesServiceBReadThroughCacheAWS applies test/fixtures/microservices-service-b on AWS — a VPC with
// private subnets and VPC endpoints (DynamoDB gateway, Secrets Manager and CloudWatch Logs interface), the
// ElastiCache replication group (encryption in transit required, the module's RBAC user), the function in the
// private subnets — and proves through the public API: a miss then a hit (X-Cache), the hit still served from the
// cache after the table changed behind its back until the TTL ends, invalidation on PUT, 400 for bad ids and
// bodies; the cache user's password is in Secrets Manager but nowhere in the state; a re-plan is empty; destroy.
func TestMicroservicesServiceBReadThroughCacheAWS(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	ctx := t.Context()

	// Long enough for a few warm requests to land inside it, short enough to wait out.
	const ttl = 10 * time.Second
	opts := stageFixture(t, tg, "microservices-service-b", map[string]any{
		"name":              uniqueName("svcb"),
		"cache_ttl_seconds": int(ttl.Seconds()),
	})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, ctx, opts)

	endpoint := terraform.OutputContext(t, ctx, opts, "cache_endpoint")
	if !strings.Contains(endpoint, ".cache.amazonaws.com:") {
		t.Fatalf("cache_endpoint %q, want the replication group's primary endpoint (*.cache.amazonaws.com:port)", endpoint)
	}

	// The module generated the cache user's password with an ephemeral resource and wrote it write-only: it is in
	// the secret, and not in the state.
	cfg := tg.awsConfig(t)
	password := msaSecretField(t, cfg, terraform.OutputContext(t, ctx, opts, "cache_secret_arn"), "password")
	show, raw, _ := msaState(t, opts)
	msaNotIn(t, password, "the cache user's password", show, raw)

	api := tg.api(t, opts)
	id := "widget-" + strings.ToLower(uniqueName("w"))
	path := "/items/" + id

	// The first call also absorbs the function's cold start (VPC attachment, the secret, the TLS handshake): an
	// unknown item is a 404 and a miss — "bypass" would mean the function could not use the cache.
	msaExpectCache(t, api, path, http.StatusNotFound, "miss")
	var item msaItem
	decode(t, expect(t, api, http.MethodPut, path, map[string]any{"name": "Widget", "price_cents": 1299}, http.StatusOK), &item)
	if item.ID != id || item.Name != "Widget" || item.PriceCents != 1299 {
		t.Fatalf("PUT answered %+v", item)
	}

	// Miss (read from the table, stored in ElastiCache), then a hit. The key cannot expire before storedBy+ttl.
	storedBy := time.Now()
	if got := msaExpectCache(t, api, path, http.StatusOK, "miss"); got.Name != "Widget" {
		t.Fatalf("first GET %+v", got)
	}
	cachedAt := time.Now()
	msaExpectCache(t, api, path, http.StatusOK, "hit")

	// The table changes behind the cache's back: the hit still comes from the cache until the TTL ends.
	if _, err := dynamodb.NewFromConfig(cfg).PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(terraform.OutputContext(t, ctx, opts, "table_name")),
		Item: map[string]ddbtypes.AttributeValue{
			"id":          &ddbtypes.AttributeValueMemberS{Value: id},
			"name":        &ddbtypes.AttributeValueMemberS{Value: "Widget (changed in the table)"},
			"price_cents": &ddbtypes.AttributeValueMemberN{Value: "1399"},
			"updated_at":  &ddbtypes.AttributeValueMemberS{Value: "2026-11-26T00:00:00Z"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if got := msaExpectCache(t, api, path, http.StatusOK, "hit"); got.Name != "Widget" {
		t.Fatalf("hit served %q, want the cached %q", got.Name, "Widget")
	}
	if elapsed := time.Since(cachedAt); elapsed >= ttl {
		t.Fatalf("the requests took %v, longer than the %v TTL: the hit-after-change check proves nothing", elapsed, ttl)
	}
	// ElastiCache expires the key after the TTL (its own expiry; the test cannot reach the cache to look): until
	// then the old copy is served, after it the table's new price, and not before the TTL has passed.
	eventually(t, ttl+time.Minute, "the cached item expires", func() error {
		status, xc, got, body := msaGetCache(t, api, path)
		switch {
		case status == http.StatusOK && xc == "hit" && got.Name == "Widget":
			return errNotYet
		case status != http.StatusOK || xc != "miss":
			t.Fatalf("GET %s while waiting for the TTL: HTTP %d X-Cache %q %s; want a hit, then a miss", path, status, xc, body)
		case time.Since(storedBy) < ttl:
			t.Fatalf("the cached item expired %v after it was stored, before the %v TTL", time.Since(storedBy), ttl)
		case got.PriceCents != 1399:
			t.Fatalf("after the TTL: %+v, want the table's new price", got)
		}
		return nil
	})

	// A write through the API drops the cached copy at once: the next read is a miss with the new values.
	msaExpectCache(t, api, path, http.StatusOK, "hit")
	expect(t, api, http.MethodPut, path, map[string]any{"name": "Widget v2", "price_cents": 1499}, http.StatusOK)
	if got := msaExpectCache(t, api, path, http.StatusOK, "miss"); got.Name != "Widget v2" || got.PriceCents != 1499 {
		t.Fatalf("after PUT: %+v, want the new values from the table", got)
	}
	msaExpectCache(t, api, path, http.StatusOK, "hit")

	// Bad input: 400 with a JSON reason.
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/items/a.b", ""},
		{http.MethodGet, "/items/" + strings.Repeat("x", 65), ""},
		{http.MethodPut, path, `{"name":"x","price_cents":-1}`},
		{http.MethodPut, path, `{"name":"x","price_cents":1,"admin":true}`},
		{http.MethodPut, path, `not json`},
	} {
		msaExpectJSONError(t, expect(t, api, c.method, c.path, c.body, http.StatusBadRequest))
	}

	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// TestMicroservicesAsyncFanOutAndPoisonMessagesAWS applies test/fixtures/microservices-async on AWS (KMS-encrypted
// topic and queues, the events table with point-in-time recovery, the consumer's event source mapping reporting
// partial batch failures, polled by AWS Lambda) and proves: each queue gets what its subscription selects (raw
// order.created messages only on "audit"); the consumer stores the good events once; the poison message reaches the
// orders DLQ, in its SNS envelope, after maxReceiveCount receives while good events published later are still
// processed; nothing good reaches the DLQ; a re-plan is empty; destroy.
func TestMicroservicesAsyncFanOutAndPoisonMessagesAWS(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	ctx := t.Context()

	const maxReceives = 3
	// AWS Lambda refuses an SQS event source whose queue's visibility timeout is shorter than the function's
	// timeout (the fixture's consumer has 10 s); the sandbox test's 1 s only works in the sandbox.
	const visibility = 10 * time.Second
	opts := stageFixture(t, tg, "microservices-async", map[string]any{
		"name":                       uniqueName("msasync"),
		"max_receive_count":          maxReceives,
		"visibility_timeout_seconds": int(visibility.Seconds()),
	})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, ctx, opts)

	cfg := tg.awsConfig(t)
	topic := terraform.OutputContext(t, ctx, opts, "topic_arn")
	queues := terraform.OutputMapContext(t, ctx, opts, "queue_urls")
	dlqs := terraform.OutputMapContext(t, ctx, opts, "dlq_urls")
	table := terraform.OutputContext(t, ctx, opts, "events_table_name")
	snsc, sqsc, ddb := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)

	publish := func(body, typ string) {
		t.Helper()
		if _, err := snsc.Publish(ctx, &sns.PublishInput{
			TopicArn: aws.String(topic), Message: aws.String(body),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"type": {DataType: aws.String("String"), StringValue: aws.String(typ)}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	stored := func(id string) func() bool {
		return func() bool {
			out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{
				TableName: aws.String(table), ConsistentRead: aws.Bool(true),
				Key: map[string]ddbtypes.AttributeValue{"event_id": &ddbtypes.AttributeValueMemberS{Value: id}},
			})
			return err == nil && out.Item != nil
		}
	}

	poison := "this is not an order event " + uniqueName("p")
	created := `{"event_id":"evt-created-1","type":"order.created","order_id":"o-1","amount_cents":1299}`
	paid := `{"event_id":"evt-paid-1","type":"order.paid","order_id":"o-1","amount_cents":1299}`
	publish(poison, "order.created")
	publish(created, "order.created")
	publish(paid, "order.paid")

	// The audit queue (no consumer): raw delivery, and the filter policy keeps order.paid out.
	audit := msReceiveAll(t, sqsc, queues["audit"], 2, time.Minute)
	if extra := msReceiveAll(t, sqsc, queues["audit"], 0, 5*time.Second); len(extra) != 0 {
		audit = append(audit, extra...)
	}
	if len(audit) != 2 || !msContains(audit, created) || !msContains(audit, poison) || msContains(audit, paid) {
		t.Fatalf("audit queue got %q; want exactly the order.created event and the poison message, raw", audit)
	}

	// The consumer stores both good events from the orders queue (SNS envelopes)...
	for _, id := range []string{"evt-created-1", "evt-paid-1"} {
		t.Logf("waiting for event %s in the events table", id)
		waitFor(t, 3*time.Minute, stored(id))
	}
	// ...while the poison message ends in the orders DLQ after maxReceiveCount receives, each a visibility timeout
	// apart (plus AWS Lambda's polling).
	dead := msReceiveAll(t, sqsc, dlqs["orders"], 1, time.Duration(maxReceives+2)*visibility+3*time.Minute)
	var envelope struct{ Type, Message string }
	if len(dead) != 1 || json.Unmarshal([]byte(dead[0]), &envelope) != nil || envelope.Type != "Notification" || envelope.Message != poison {
		t.Fatalf("orders DLQ got %q; want the poison message in its SNS envelope", dead)
	}

	// The rest keep flowing: a good event published after the poison one died is processed too, and nothing good
	// went to the DLQ.
	publish(`{"event_id":"evt-created-2","type":"order.created","order_id":"o-2"}`, "order.created")
	t.Log("waiting for event evt-created-2 in the events table")
	waitFor(t, 3*time.Minute, stored("evt-created-2"))
	scan, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	if err != nil || scan.Count != 3 {
		t.Fatalf("events table holds %d items (%v), want the 3 good events once each", scan.Count, err)
	}
	if more := msReceiveAll(t, sqsc, dlqs["orders"], 0, 2*visibility); len(more) != 0 {
		t.Fatalf("orders DLQ also got %q", more)
	}

	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// TestMicroservicesCompositionAWS applies examples/microservices on AWS with every real-AWS default (its own VPC from
// modules/vpc with a NAT gateway and flow logs, ECS Fargate, the Auto Scaling group, RDS with an RDS-managed master
// password, ElastiCache, KMS-encrypted events) and asserts what is observable:
//   - service C: the instances install apps/orders from S3 (the test builds it for linux/arm64 and uploads it to a
//     bucket of its own unless REFARCH_MS_SERVICE_C_ARTIFACT names one), the ALB's GET /healthz answers 200 (the
//     program answers 200 only when its database does), an order round-trips through the ALB into PostgreSQL and
//     its order.created event reaches the analytics queue; every instance requires IMDSv2, and so does the launch
//     template (DescribeLaunchTemplateVersions);
//   - the database: encrypted, not publicly accessible, its master secret owned by RDS, its password nowhere in the
//     state (`tofu show -json`, `tofu state pull`);
//   - service B: miss then hit through the API in the shared VPC;
//   - service A: only with REFARCH_MS_SERVICE_A_IMAGE (the repository publishes no image): GET /healthz 200 and an
//     order round-trip; otherwise skipped;
//   - a re-plan is empty; destroy.
func TestMicroservicesCompositionAWS(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	ctx := t.Context()
	cfg := tg.awsConfig(t)

	image := os.Getenv(msaServiceAImageEnv)
	if image == "" {
		image = msaPlaceholderImage
		t.Logf("%s is unset: service A runs the placeholder %s, which cannot pass its health check; its checks are skipped", msaServiceAImageEnv, image)
	}
	opts := stage(t, tg, "microservices", map[string]any{
		"name":            uniqueName("ms"),
		"service_a_image": image,
		"final_snapshot":  false,
	})
	artifact := os.Getenv(msaServiceCArtifactEnv)
	if artifact == "" {
		var cleanup func()
		artifact, cleanup = msaUploadOrders(t, tg, cfg)
		// Deferred before destroy, so it runs after it.
		defer cleanup()
	}
	opts.Vars["service_c_artifact_s3_uri"] = artifact
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, ctx, opts)

	show, raw, resources := msaState(t, opts)
	serviceC := "module.microservices.module.service_c."

	t.Run("database", func(t *testing.T) {
		identifier := terraform.OutputContext(t, ctx, opts, "service_c_db_instance_identifier")
		out, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(identifier)})
		if err != nil || len(out.DBInstances) != 1 {
			t.Fatalf("DescribeDBInstances %s: %v", identifier, err)
		}
		db := out.DBInstances[0]
		if !aws.ToBool(db.StorageEncrypted) {
			t.Error("the database's storage is not encrypted")
		}
		if aws.ToBool(db.PubliclyAccessible) {
			t.Error("the database is publicly accessible")
		}
		secretArn := terraform.OutputContext(t, ctx, opts, "service_c_db_secret_arn")
		if db.MasterUserSecret == nil || aws.ToString(db.MasterUserSecret.SecretArn) != secretArn {
			t.Fatalf("MasterUserSecret %+v, want the RDS-managed secret %s (the example's output)", db.MasterUserSecret, secretArn)
		}
		secret, err := secretsmanager.NewFromConfig(cfg).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(secretArn)})
		if err != nil || aws.ToString(secret.OwningService) != "rds" {
			t.Fatalf("secret %s: owning service %q (%v), want rds (manage_master_user_password)", secretArn, aws.ToString(secret.OwningService), err)
		}
		// RDS made the password; it is in the secret and nowhere in the state.
		msaNotIn(t, msaSecretField(t, cfg, secretArn, "password"), "the database's master password", show, raw)
		instance := msaResourceAt(t, resources, serviceC+"aws_db_instance.this[0]")
		if v, _ := instance.Values["password"].(string); v != "" {
			t.Error("aws_db_instance.password is set in the state")
		}
		if v, _ := instance.Values["manage_master_user_password"].(bool); !v {
			t.Error("aws_db_instance.manage_master_user_password is not true in the state")
		}
	})

	t.Run("imdsv2", func(t *testing.T) {
		ec2c := ec2.NewFromConfig(cfg)
		lt := msaResourceAt(t, resources, serviceC+"aws_launch_template.this[0]")
		ltID, _ := lt.Values["id"].(string)
		versions, err := ec2c.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
			LaunchTemplateId: aws.String(ltID), Versions: []string{"$Latest", "$Default"},
		})
		if err != nil || len(versions.LaunchTemplateVersions) == 0 {
			t.Fatalf("DescribeLaunchTemplateVersions %s: %v", ltID, err)
		}
		for _, v := range versions.LaunchTemplateVersions {
			md := v.LaunchTemplateData.MetadataOptions
			if md == nil || md.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired || aws.ToInt32(md.HttpPutResponseHopLimit) != 1 {
				t.Errorf("launch template %s version %d: metadata options %+v, want HttpTokens required and hop limit 1", ltID, aws.ToInt64(v.VersionNumber), md)
			}
		}
		// The running instances, too.
		asg := msaResourceAt(t, resources, serviceC+"aws_autoscaling_group.this[0]")
		asgName, _ := asg.Values["name"].(string)
		instances, err := ec2c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("tag:aws:autoscaling:groupName"), Values: []string{asgName}},
			{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range instances.Reservations {
			for _, i := range r.Instances {
				n++
				if i.MetadataOptions == nil || i.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
					t.Errorf("instance %s: metadata options %+v, want HttpTokens required", aws.ToString(i.InstanceId), i.MetadataOptions)
				}
				if i.PublicIpAddress != nil {
					t.Errorf("instance %s has a public IP %s", aws.ToString(i.InstanceId), aws.ToString(i.PublicIpAddress))
				}
			}
		}
		if n == 0 {
			t.Errorf("no instances in the Auto Scaling group %s", asgName)
		}
	})

	t.Run("service C", func(t *testing.T) {
		base := terraform.OutputContext(t, ctx, opts, "service_c_url")
		// Instances boot after the database, download the program and pass the target group's health check.
		msaWaitHealthy(t, base+"/healthz", 20*time.Minute)
		c := restapi.ForURL(base)
		order := msaOrderRoundTrip(t, c, "ada", "keyboard")
		msaExpectOrderEvent(t, sqs.NewFromConfig(cfg), terraform.OutputMapContext(t, ctx, opts, "events_queue_urls")["analytics"], order, 2*time.Minute)
		msaExpectJSONError(t, expect(t, c, http.MethodPost, "/orders", `{"customer":"ada","item":"x","quantity":0}`, http.StatusBadRequest))
	})

	t.Run("service B", func(t *testing.T) {
		api := restapi.ForURL(terraform.OutputContext(t, ctx, opts, "service_b_api_url"))
		path := "/items/" + strings.ToLower(uniqueName("w"))
		msaExpectCache(t, api, path, http.StatusNotFound, "miss")
		expect(t, api, http.MethodPut, path, map[string]any{"name": "Widget", "price_cents": 100}, http.StatusOK)
		msaExpectCache(t, api, path, http.StatusOK, "miss")
		msaExpectCache(t, api, path, http.StatusOK, "hit")
	})

	t.Run("service A", func(t *testing.T) {
		if os.Getenv(msaServiceAImageEnv) == "" {
			t.Skipf("set %s to an image of apps/orders (apps/orders/Dockerfile, linux/arm64, pushed to ECR): the repository publishes none, and the placeholder %s cannot serve GET /healthz on 8080 as 65532:65532 on a read-only root file system", msaServiceAImageEnv, msaPlaceholderImage)
		}
		base := terraform.OutputContext(t, ctx, opts, "service_a_url")
		msaWaitHealthy(t, base+"/healthz", 15*time.Minute)
		order := msaOrderRoundTrip(t, restapi.ForURL(base), "grace", "compiler")
		out, err := dynamodb.NewFromConfig(cfg).GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(terraform.OutputContext(t, ctx, opts, "service_a_table_name")), ConsistentRead: aws.Bool(true),
			Key: map[string]ddbtypes.AttributeValue{"id": &ddbtypes.AttributeValueMemberS{Value: order}},
		})
		if item, ok := out.Item["item"].(*ddbtypes.AttributeValueMemberS); err != nil || !ok || item.Value != "compiler" {
			t.Fatalf("order %s in service A's table: %v %v", order, out, err)
		}
	})

	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// msaUploadOrders builds apps/orders for service C's Graviton instances (linux/arm64, static) and uploads it to a new
// private bucket; cleanup empties and deletes the bucket.
func msaUploadOrders(t *testing.T, tg target, cfg aws.Config) (uri string, cleanup func()) {
	t.Helper()
	ctx := t.Context()
	root, err := sandbox.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "orders")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./apps/orders")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./apps/orders (linux/arm64): %v\n%s", err, out)
	}

	s3c := s3.NewFromConfig(cfg)
	bucket := uniqueName("refarch-ms-artifacts")
	// Tagged at creation with the run's tag, like everything the examples create (make sweep-aws).
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{}}
	for k, v := range runTags() {
		in.CreateBucketConfiguration.Tags = append(in.CreateBucketConfiguration.Tags, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if tg.region != "us-east-1" {
		in.CreateBucketConfiguration.LocationConstraint = s3types.BucketLocationConstraint(tg.region)
	}
	if _, err := s3c.CreateBucket(ctx, in); err != nil {
		t.Fatal(err)
	}
	const key = "orders/orders-arm64"
	cleanup = func() {
		if _, err := s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			t.Errorf("delete s3://%s/%s: %v", bucket, key, err)
		}
		if _, err := s3c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Errorf("delete bucket %s: %v", bucket, err)
		}
	}
	f, err := os.Open(bin)
	if err != nil {
		cleanup()
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f}); err != nil {
		cleanup()
		t.Fatal(err)
	}
	return "s3://" + bucket + "/" + key, cleanup
}

// msaResource is one resource of `tofu show -json`.
type msaResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

type msaModule struct {
	Resources    []msaResource `json:"resources"`
	ChildModules []msaModule   `json:"child_modules"`
}

// msaState returns the state twice — as `tofu show -json` renders it (sensitive values in clear) and as `tofu state
// pull` stores it — and its resources of every module. Neither output is logged.
func msaState(t *testing.T, opts *terraform.Options) (show, raw string, resources []msaResource) {
	t.Helper()
	quiet := *opts
	quiet.Logger = logger.Discard
	show, err := terraform.ShowContextE(t, t.Context(), &quiet)
	if err != nil {
		t.Fatalf("tofu show -json: %v", err)
	}
	raw, err = terraform.RunTerraformCommandAndGetStdoutContextE(t, t.Context(), &quiet, "state", "pull")
	if err != nil {
		t.Fatalf("tofu state pull: %v", err)
	}
	var state struct {
		Values struct {
			RootModule msaModule `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(show), &state); err != nil {
		t.Fatalf("tofu show -json: %v", err)
	}
	var walk func(m msaModule)
	walk = func(m msaModule) {
		resources = append(resources, m.Resources...)
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(state.Values.RootModule)
	return show, raw, resources
}

func msaResourceAt(t *testing.T, resources []msaResource, address string) msaResource {
	t.Helper()
	for _, r := range resources {
		if r.Address == address {
			return r
		}
	}
	t.Fatalf("no %s in the state", address)
	return msaResource{}
}

// msaSecretField reads one field of a JSON secret.
func msaSecretField(t *testing.T, cfg aws.Config, arn, field string) string {
	t.Helper()
	out, err := secretsmanager.NewFromConfig(cfg).GetSecretValue(t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		t.Fatalf("GetSecretValue %s: %v", arn, err)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &v); err != nil {
		t.Fatalf("secret %s is not JSON: %v", arn, err)
	}
	s, _ := v[field].(string)
	if s == "" {
		t.Fatalf("secret %s has no %q", arn, field)
	}
	return s
}

// msaNotIn fails the test when the secret value occurs in any of the texts (without printing it).
func msaNotIn(t *testing.T, secret, what string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if strings.Contains(text, secret) {
			t.Fatalf("%s is in the OpenTofu state", what)
		}
	}
}

// msaExpectCache GETs path, checks the status and the X-Cache header and decodes a 200's item. restapi.Response
// carries no headers, so this sends the request itself, the way restapi.Client does.
func msaExpectCache(t *testing.T, c *restapi.Client, path string, status int, xcache string) msaItem {
	t.Helper()
	got, xc, item, body := msaGetCache(t, c, path)
	if got != status || xc != xcache {
		t.Fatalf("GET %s: HTTP %d X-Cache %q %s; want %d and X-Cache %q", path, got, xc, body, status, xcache)
	}
	return item
}

// msaGetCache GETs path and returns the status, the X-Cache header, a 200's item and the body.
func msaGetCache(t *testing.T, c *restapi.Client, path string) (status int, xcache string, item msaItem, body []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &item); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode, resp.Header.Get("X-Cache"), item, body
}

// msaExpectJSONError checks that an error answer is {"error": "..."}.
func msaExpectJSONError(t *testing.T, resp restapi.Response) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(resp.Body, &e); err != nil || e.Error == "" {
		t.Fatalf("HTTP %d body %q is not {\"error\": ...}", resp.Status, resp.Body)
	}
}

// msaWaitHealthy polls url until it answers 200 (an ALB answers 502/503 until a target is healthy).
func msaWaitHealthy(t *testing.T, url string, within time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	last := "no answer yet"
	t.Logf("waiting up to %v for GET %s to answer 200", within, url)
	waitFor(t, within, func() bool {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		last = fmt.Sprintf("HTTP %d %s", resp.StatusCode, body)
		return resp.StatusCode == http.StatusOK
	})
	t.Logf("GET %s: %s", url, last)
}

var msaOrderID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// msaOrderRoundTrip posts an order, reads it back and returns its id.
func msaOrderRoundTrip(t *testing.T, c *restapi.Client, customer, item string) string {
	t.Helper()
	var created, got struct {
		ID       string `json:"id"`
		Customer string `json:"customer"`
		Item     string `json:"item"`
		Quantity int    `json:"quantity"`
	}
	decode(t, expect(t, c, http.MethodPost, "/orders", map[string]any{"customer": customer, "item": item, "quantity": 2}, http.StatusCreated), &created)
	if !msaOrderID.MatchString(created.ID) {
		t.Fatalf("POST /orders answered id %q", created.ID)
	}
	decode(t, expect(t, c, http.MethodGet, "/orders/"+created.ID, nil, http.StatusOK), &got)
	if got != created || got.Customer != customer || got.Item != item || got.Quantity != 2 {
		t.Fatalf("GET /orders/%s = %+v, want %+v", created.ID, got, created)
	}
	return created.ID
}

// msaExpectOrderEvent waits for the SNS-delivered order.created event of the order on the queue.
func msaExpectOrderEvent(t *testing.T, c *sqs.Client, queueURL, orderID string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for _, body := range msReceiveAll(t, c, queueURL, 0, 5*time.Second) {
			var envelope struct{ Message string }
			var event struct {
				Type  string `json:"type"`
				Order struct {
					ID string `json:"id"`
				} `json:"order"`
			}
			if json.Unmarshal([]byte(body), &envelope) == nil && json.Unmarshal([]byte(envelope.Message), &event) == nil &&
				event.Type == "order.created" && event.Order.ID == orderID {
				return
			}
		}
	}
	t.Fatalf("no order.created event for order %s on %s within %v", orderID, queueURL, within)
}
