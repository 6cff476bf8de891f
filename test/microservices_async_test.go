//go:build !aws

// Microservices (173): service B (modules/lambda-cache-service) and the asynchronous patterns
// (modules/async-messaging), applied from test/fixtures/microservices-* to the local sandbox. Sandbox-only: the data
// paths lean on the harness (a redis-server behind the cache endpoint, the event source pollers); the real-AWS
// behaviour the sandbox cannot show is asserted by the modules' mocked `tofu test` suites.
package test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/redis/go-redis/v9"

	"github.com/refarch/terraform-provider-refarch/internal/restapi"
)

// msCacheACL is the access string modules/lambda-cache-service gives the function's cache user (its local
// cache_access_string; lambda-src/internal/msCacheACL, which its integration test runs against redis).
const msCacheACL = "on ~catalog:* -@all +get +set +del +ping +hello"

// msItem is the catalog function's item (lambda-src/internal/msItem).
type msItem struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PriceCents int64  `json:"price_cents"`
	UpdatedAt  string `json:"updated_at"`
}

// msWidgetKey is where the catalog function caches the test's item, /items/widget-1 (lambda-src/internal/catalog
// CacheKey).
const msWidgetKey = "catalog:item:widget-1"

// TestMicroservicesServiceBReadThroughCache deploys service B with its cache endpoint pointing at a real
// redis-server (Debian's package) and proves the read-through cache: a write through the API, a miss then a hit
// served from redis (even after the table changes behind its back) under a key that expires after the configured
// TTL, a read-through once redis has expired it, invalidation on write, 400s for bad input, 413 for a body over
// 4 KiB, and degraded service from the table when redis is gone; then an empty re-plan.
func TestMicroservicesServiceBReadThroughCache(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	ctx := context.Background()

	srv, err := tg.sb.StartRedis(ctx)
	if err != nil {
		t.Fatalf("%v (a fresh machine needs Debian's redis-server package: apt-get install -y redis-server)", err)
	}
	// Expiry is redis's own (SET … PX ttl): the test checks the TTL on the key and then lets redis expire it early
	// (PEXPIRE), so the TTL can be the module's realistic default instead of a few seconds to sleep out.
	const ttl = 300 * time.Second
	opts := msStageFixture(t, tg, "microservices-service-b", map[string]any{
		"name":              uniqueName("svcb"),
		"local_redis_port":  srv.Port,
		"cache_ttl_seconds": int(ttl.Seconds()),
	})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	if got, want := terraform.OutputContext(t, t.Context(), opts, "cache_endpoint"), srv.Addr; got != want {
		t.Fatalf("cache_endpoint %q, want the local redis %q", got, want)
	}

	// The cache user: the module's access string on the local server, and its credentials in the module's secret
	// (with cache_endpoint_override, whoever runs the cache puts them there).
	user := terraform.OutputContext(t, t.Context(), opts, "cache_user_name")
	password := "pw-" + uniqueName("x")
	cfg := tg.awsConfig(t)
	secret, _ := json.Marshal(map[string]string{"username": user, "password": password})
	if _, err := secretsmanager.NewFromConfig(cfg).PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(terraform.OutputContext(t, t.Context(), opts, "cache_secret_arn")), SecretString: aws.String(string(secret)),
	}); err != nil {
		t.Fatal(err)
	}
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	defer admin.Close()
	acl := []any{"ACL", "SETUSER", user, "reset", ">" + password}
	for _, f := range strings.Fields(msCacheACL) {
		acl = append(acl, f)
	}
	if err := admin.Do(ctx, acl...).Err(); err != nil {
		t.Fatal(err)
	}

	tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "function_name"), "catalog")
	api := tg.api(t, opts)

	// Unknown item, then a write through the API (the table is the source of truth).
	msExpectCache(t, api, http.StatusNotFound, "miss")
	put := expect(t, api, http.MethodPut, "/items/widget-1", map[string]any{"name": "Widget", "price_cents": 1299}, http.StatusOK)
	var item msItem
	decode(t, put, &item)
	if item.ID != "widget-1" || item.Name != "Widget" || item.PriceCents != 1299 {
		t.Fatalf("PUT answered %+v", item)
	}

	// Miss (read from the table, stored in redis), then a hit.
	if got := msExpectCache(t, api, http.StatusOK, "miss"); got.Name != "Widget" {
		t.Fatalf("first GET %+v", got)
	}
	// The key expires after the configured TTL: at most ttl left, and no more gone than the requests since took.
	if pttl, err := admin.PTTL(ctx, msWidgetKey).Result(); err != nil || pttl <= ttl-time.Minute || pttl > ttl {
		t.Fatalf("redis PTTL of the cached item: %v, %v; want the %v TTL", pttl, err, ttl)
	}
	msExpectCache(t, api, http.StatusOK, "hit")

	// The table changes behind the cache's back: the hit still comes from redis until the TTL ends.
	if _, err := dynamodb.NewFromConfig(cfg).PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(terraform.OutputContext(t, t.Context(), opts, "table_name")),
		Item: map[string]ddbtypes.AttributeValue{
			"id":          &ddbtypes.AttributeValueMemberS{Value: "widget-1"},
			"name":        &ddbtypes.AttributeValueMemberS{Value: "Widget (changed in the table)"},
			"price_cents": &ddbtypes.AttributeValueMemberN{Value: "1399"},
			"updated_at":  &ddbtypes.AttributeValueMemberS{Value: "2026-11-26T00:00:00Z"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if got := msExpectCache(t, api, http.StatusOK, "hit"); got.Name != "Widget" {
		t.Fatalf("hit served %q, want the cached %q", got.Name, "Widget")
	}
	// redis expires the key (now, rather than after the TTL): the next read goes to the table.
	if ok, err := admin.PExpire(ctx, msWidgetKey, time.Millisecond).Result(); err != nil || !ok {
		t.Fatalf("PEXPIRE of the cached item: %v, %v", ok, err)
	}
	eventually(t, 10*time.Second, "redis expires the cached item", func() error {
		if n, err := admin.Exists(ctx, msWidgetKey).Result(); err != nil || n != 0 {
			return fmt.Errorf("exists=%d, %v", n, err)
		}
		return nil
	})
	if got := msExpectCache(t, api, http.StatusOK, "miss"); got.PriceCents != 1399 {
		t.Fatalf("after the TTL: %+v, want the table's new price", got)
	}

	// A write through the API drops the cached copy at once.
	msExpectCache(t, api, http.StatusOK, "hit")
	expect(t, api, http.MethodPut, "/items/widget-1", map[string]any{"name": "Widget v2", "price_cents": 1499}, http.StatusOK)
	if n, err := admin.Exists(ctx, msWidgetKey).Result(); err != nil || n != 0 {
		t.Fatalf("cached item after PUT: exists=%d, %v; want invalidated", n, err)
	}
	if got := msExpectCache(t, api, http.StatusOK, "miss"); got.Name != "Widget v2" {
		t.Fatalf("after PUT: %+v", got)
	}

	// Bad input: 400 with a JSON reason.
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/items/a.b", ""},
		{http.MethodGet, "/items/" + strings.Repeat("x", 65), ""},
		{http.MethodPut, "/items/widget-1", `{"name":"x","price_cents":-1}`},
		{http.MethodPut, "/items/widget-1", `{"name":"x","price_cents":1,"admin":true}`},
		{http.MethodPut, "/items/widget-1", `not json`},
	} {
		resp := expect(t, api, c.method, c.path, c.body, http.StatusBadRequest)
		var e struct{ Error string }
		if err := json.Unmarshal(resp.Body, &e); err != nil || e.Error == "" {
			t.Fatalf("%s %s: 400 body %q is not {\"error\": ...}", c.method, c.path, resp.Body)
		}
	}
	// A body over 4 KiB: 413 before it is parsed.
	if resp := expect(t, api, http.MethodPut, "/items/widget-1", `{"name":"`+strings.Repeat("x", 5000)+`","price_cents":1}`,
		http.StatusRequestEntityTooLarge); !strings.Contains(string(resp.Body), "larger than 4096 bytes") {
		t.Fatalf("413 body %q", resp.Body)
	}
	tg.alive(t)

	// redis goes away: the service keeps answering from the table, marked as bypassing the cache.
	srv.Stop()
	if got := msExpectCache(t, api, http.StatusOK, "bypass"); got.Name != "Widget v2" {
		t.Fatalf("with redis down: %+v", got)
	}
	expect(t, api, http.MethodPut, "/items/widget-1", map[string]any{"name": "Widget v3", "price_cents": 1}, http.StatusOK)

	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// TestMicroservicesAsyncFanOutAndPoisonMessages deploys the topic, two queues with DLQs and the consumer, publishes
// order events and one poison message, and proves: each queue gets what its subscription selects (the SNS envelope
// on "orders", the raw message and only order.created on "audit"); the consumer stores the good events once; the
// poison message goes to the orders DLQ after maxReceiveCount receives while the good ones flow on; re-plan is empty.
func TestMicroservicesAsyncFanOutAndPoisonMessages(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	const maxReceives = 3
	opts := msStageFixture(t, tg, "microservices-async", map[string]any{
		"name":                       uniqueName("msasync"),
		"max_receive_count":          maxReceives,
		"visibility_timeout_seconds": 1,
	})
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	fn := terraform.OutputContext(t, t.Context(), opts, "consumer_function_name")
	tg.startFunction(t, fn, "consumer")
	// kumo stores event source mappings but never polls them; the harness stands in for the Lambda service.
	if err := tg.sb.DriveEventSources(ctx, fn); err != nil {
		t.Fatal(err)
	}

	cfg := tg.awsConfig(t)
	topic := terraform.OutputContext(t, t.Context(), opts, "topic_arn")
	queues := terraform.OutputMapContext(t, t.Context(), opts, "queue_urls")
	dlqs := terraform.OutputMapContext(t, t.Context(), opts, "dlq_urls")
	table := terraform.OutputContext(t, t.Context(), opts, "events_table_name")
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
	poison := "this is not an order event " + uniqueName("p")
	created := `{"event_id":"evt-created-1","type":"order.created","order_id":"o-1","amount_cents":1299}`
	paid := `{"event_id":"evt-paid-1","type":"order.paid","order_id":"o-1","amount_cents":1299}`
	publish(poison, "order.created")
	publish(created, "order.created")
	publish(paid, "order.paid")

	// The audit queue (no consumer): raw delivery, and the filter policy keeps order.paid out.
	audit := msReceiveAll(t, sqsc, queues["audit"], 2, 20*time.Second)
	if len(audit) != 2 || !msContains(audit, created) || !msContains(audit, poison) || msContains(audit, paid) {
		t.Fatalf("audit queue got %q; want exactly the order.created event and the poison message, raw", audit)
	}

	// The consumer stores both good events from the orders queue (SNS envelopes)...
	for _, id := range []string{"evt-created-1", "evt-paid-1"} {
		eventually(t, 30*time.Second, "event "+id+" in the events table", msStored(ctx, ddb, table, id))
	}
	// ...while the poison message ends in the orders DLQ after maxReceiveCount tries. Each retry can take ~20 s here:
	// the harness's poller long-polls with the queue's ReceiveMessageWaitTimeSeconds (20), and kumo does not end a
	// long poll when an in-flight message's visibility timeout runs out.
	dead := msReceiveAll(t, sqsc, dlqs["orders"], 1, time.Duration(maxReceives+2)*30*time.Second)
	if len(dead) != 1 || !strings.Contains(dead[0], poison) || !strings.Contains(dead[0], `"Type":"Notification"`) {
		t.Fatalf("orders DLQ got %q; want the poison message in its SNS envelope", dead)
	}

	// The rest keep flowing: a good event published after the poison one died is processed too, and nothing good
	// went to the DLQ.
	publish(`{"event_id":"evt-created-2","type":"order.created","order_id":"o-2"}`, "order.created")
	eventually(t, 30*time.Second, "event evt-created-2 in the events table", msStored(ctx, ddb, table, "evt-created-2"))
	scan, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil || scan.Count != 3 {
		t.Fatalf("events table holds %d items (%v), want the 3 good events once each", scan.Count, err)
	}
	// Once the orders queue holds nothing, visible or in flight (the poller deletes what the consumer processed),
	// nothing more can move to its DLQ: the DLQ is then final, and empty.
	eventually(t, 30*time.Second, "orders queue empty", msQueueEmpty(ctx, sqsc, queues["orders"]))
	if err := msQueueEmpty(ctx, sqsc, dlqs["orders"])(); err != nil {
		t.Fatalf("orders DLQ after the poison message was taken out: %v; want nothing", err)
	}
	tg.alive(t)

	cancel() // stop the pollers before planning
	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// msStageFixture copies test/fixtures/<name> with the modules into a temporary directory (keeping the relative
// layout, so ../../../modules sources resolve) and prepares it for the sandbox. Services the harness's override does
// not list (EC2, ElastiCache, CloudWatch) reach kumo through AWS_ENDPOINT_URL.
func msStageFixture(t *testing.T, tg target, name string, vars map[string]any) *terraform.Options {
	t.Helper()
	opts := stageFixture(t, tg, name, vars)
	opts.EnvVars = map[string]string{"AWS_ENDPOINT_URL": tg.sb.Endpoint}
	return opts
}

// msExpectCache GETs the test's item (/items/widget-1), checks the status and the X-Cache header and decodes a 200's item. restapi.Response
// carries no headers, so this sends the request itself, the way restapi.Client does.
func msExpectCache(t *testing.T, c *restapi.Client, status int, xcache string) msItem {
	t.Helper()
	const path = "/items/widget-1"
	req, err := http.NewRequest(http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "" {
		req.Host = c.Host
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != status || resp.Header.Get("X-Cache") != xcache {
		t.Fatalf("GET %s: HTTP %d X-Cache %q %s; want %d and X-Cache %q", path, resp.StatusCode, resp.Header.Get("X-Cache"), body, status, xcache)
	}
	var item msItem
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &item); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return item
}

// msStored is a condition for eventually: the events table holds the event.
func msStored(ctx context.Context, ddb *dynamodb.Client, table, id string) func() error {
	return func() error {
		out, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]ddbtypes.AttributeValue{"event_id": &ddbtypes.AttributeValueMemberS{Value: id}}})
		if err == nil && out.Item == nil {
			err = errNotYet
		}
		return err
	}
}

// msQueueEmpty is a condition for eventually: the queue holds no message, visible, in flight or delayed.
func msQueueEmpty(ctx context.Context, c *sqs.Client, url string) func() error {
	return func() error {
		out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		}})
		if err != nil {
			return err
		}
		for name, n := range out.Attributes {
			if n != "0" {
				return fmt.Errorf("%s %s=%s", url, name, n)
			}
		}
		return nil
	}
}
