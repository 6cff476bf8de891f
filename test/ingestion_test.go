package test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/refarch/terraform-provider-refarch/cmd/devicesim/sim"
	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// TestIngestionPipeline deploys examples/ingestion and sends device records through it with cmd/devicesim: the
// transformed records arrive gzip'd under data/dt=YYYY-MM-DD/ of the ingestion bucket, normalised and enriched from
// the device registry; every bad record (malformed JSON, a wrong type, a record above 128 KiB, an unknown device)
// arrives under errors/processing-failed/dt=YYYY-MM-DD/ with its reason; the new objects' notifications reach the
// partitions function through SQS and it registers the day's partition, while a poison notification ends in the
// queue's dead-letter queue; the scheduled report's run writes under
// reports/daily-devices/ of the reporting bucket; a re-plan is empty and destroy is clean.
//
// In the sandbox the producer puts to Firehose (IoT Core is not offered) and delivery goes through the harness's
// stand-in Firehose (internal/sandbox/firehose.go), which invokes the deployed transform through kumo's Lambda
// Invoke API; partitions are registered with Athena DDL and Athena SQL is not executed (the test checks the statements
// submitted and their output locations). With -tags aws the records go through IoT Core, Kinesis and Firehose, the
// partition lands in Glue, and Athena runs the report and a count over the new partition.
func TestIngestionPipeline(t *testing.T) {
	t.Parallel()
	tg := newTarget(t)
	name := uniqueName("ingest")
	opts := stage(t, tg, "ingestion", map[string]any{
		"name":                 name,
		"bucket_force_destroy": true, // the test writes data
		"report_run_on_create": true, // one run now, to see where the report writes
		// A poison notification reaches the dead-letter queue after 2 receives 5 s apart.
		"partitions_timeout":               5,
		"queue_visibility_timeout_seconds": 5,
		"queue_max_receive_count":          2,
	})
	delete(opts.Vars, "allow_user_password_auth") // the real-AWS target sets it for the Cognito examples
	ctx := context.Background()
	cfg := tg.awsConfig(t)
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, t.Context(), opts)

	lake := terraform.OutputContext(t, t.Context(), opts, "ingestion_bucket_name")
	reportsBucket := terraform.OutputContext(t, t.Context(), opts, "reporting_bucket_name")
	database := terraform.OutputContext(t, t.Context(), opts, "glue_database_name")
	partitionsFn := terraform.OutputContext(t, t.Context(), opts, "partitions_function_name")
	tg.startFunction(t, terraform.OutputContext(t, t.Context(), opts, "transform_function_name"), "transform")
	tg.startFunction(t, partitionsFn, "partitions")
	tg.driveEventSources(t, partitionsFn)

	// 200 records from the registry's two devices, 10% bad: 5 of each bad kind.
	const count = 200
	gen := &sim.Generator{Devices: []string{"dev-0001", "dev-0002"}, BadRatio: 0.1, Seed: 176}
	var sink sim.Sink
	var standIn *sandbox.FirehoseStandIn
	if tg.sandbox() {
		var err error
		if standIn, err = sandbox.StartFirehoseStandIn(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		defer standIn.Close()
		sink = sim.FirehoseSink{Stream: terraform.OutputContext(t, t.Context(), opts, "delivery_stream_name"), API: firehose.NewFromConfig(cfg, func(o *firehose.Options) {
			o.BaseEndpoint = aws.String(standIn.URL)
		})}
	} else {
		sink = sim.IoTSink{Endpoint: terraform.OutputContext(t, t.Context(), opts, "iot_data_endpoint"), TopicPrefix: terraform.OutputContext(t, t.Context(), opts, "iot_topic_prefix"), Region: cfg.Region, Credentials: cfg.Credentials}
	}
	sent, err := sim.Run(ctx, gen, sink, count, 0)
	if err != nil {
		t.Fatal(err)
	}
	good := sent.ByKind[sim.KindGood]
	if good != 180 || sent.Sent != count {
		t.Fatalf("simulator sent %+v", sent)
	}
	if standIn != nil {
		deliveries, err := standIn.Flush(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("stand-in Firehose delivered %+v", deliveries)
	}

	// The lake: transformed records under data/dt=…/, bad ones under errors/processing-failed/dt=…/.
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = tg.sandbox() })
	deadline := 2 * time.Minute
	if !tg.sandbox() {
		deadline = 5 * time.Minute // Firehose buffers up to 60 s after the stream, after the transform's 60 s batches
	}
	var lines []map[string]any
	var rejections []map[string]any
	dataKey := regexp.MustCompile(`^data/dt=(\d{4}-\d{2}-\d{2})/[^/]+\.gz$`)
	errKey := regexp.MustCompile(`^errors/processing-failed/dt=\d{4}-\d{2}-\d{2}/[^/]+\.gz$`)
	days := map[string]bool{}
	waitFor(t, deadline, func() bool {
		lines, rejections, days = nil, nil, map[string]bool{}
		for _, key := range listKeys(ctx, t, s3c, lake, "data/") {
			m := dataKey.FindStringSubmatch(key)
			if m == nil {
				t.Fatalf("object %s is not under data/dt=YYYY-MM-DD/ with .gz", key)
			}
			days[m[1]] = true
			for _, l := range gunzipLines(ctx, t, s3c, lake, key) {
				var rec map[string]any
				if err := json.Unmarshal(l, &rec); err != nil {
					t.Fatalf("%s: line %q is not JSON: %v", key, l, err)
				}
				lines = append(lines, rec)
			}
		}
		for _, key := range listKeys(ctx, t, s3c, lake, "errors/") {
			if !errKey.MatchString(key) {
				t.Fatalf("object %s is not under errors/processing-failed/dt=YYYY-MM-DD/", key)
			}
			for _, l := range gunzipLines(ctx, t, s3c, lake, key) {
				var doc struct{ RawData string }
				if err := json.Unmarshal(l, &doc); err != nil {
					t.Fatalf("%s: error document %q: %v", key, l, err)
				}
				raw, err := base64.StdEncoding.DecodeString(doc.RawData)
				var env map[string]any
				if err != nil || json.Unmarshal(raw, &env) != nil {
					t.Fatalf("%s: rawData %q is not the transform's envelope", key, doc.RawData)
				}
				rejections = append(rejections, env)
			}
		}
		return len(lines) >= good && len(rejections) >= count-good
	})
	if len(lines) != good || len(rejections) != count-good {
		t.Fatalf("lake holds %d records and %d rejections, want %d and %d", len(lines), len(rejections), good, count-good)
	}
	sites := map[string]string{"dev-0001": "paris-1", "dev-0002": "lyon-2"}
	for _, rec := range lines {
		id, _ := rec["device_id"].(string)
		ts, _ := rec["ts"].(string)
		if _, err := time.Parse(time.RFC3339, ts); err != nil || rec["site"] != sites[id] || rec["type"] != "telemetry" || rec["ingested_at"] == nil {
			t.Fatalf("transformed record %v: not normalised or not enriched", rec)
		}
	}
	reasons := map[string]int{}
	for _, env := range rejections {
		reason, _ := env["reason"].(string)
		if env["detail"] == "" || env["sha256"] == nil {
			t.Fatalf("rejection without detail: %v", env)
		}
		reasons[reason]++
	}
	if want := map[string]int{"malformed_json": 5, "wrong_type": 5, "too_large": 5, "unknown_device": 5}; fmt.Sprint(reasons) != fmt.Sprint(want) {
		t.Fatalf("rejections by reason %v, want %v", reasons, want)
	}
	tg.alive(t)

	// Object creation → SQS → partitions function: the day's partition is registered.
	athenaC := athena.NewFromConfig(cfg)
	for day := range days {
		if tg.sandbox() {
			want := fmt.Sprintf("PARTITION (dt = '%s') LOCATION 's3://%s/data/dt=%s/'", day, lake, day)
			qe := waitForQuery(ctx, t, athenaC, "primary", func(q string) bool {
				return strings.HasPrefix(q, "ALTER TABLE `"+database+"`.`readings` ADD IF NOT EXISTS") && strings.Contains(q, want)
			})
			if loc := aws.ToString(qe.ResultConfiguration.OutputLocation); loc != "s3://"+reportsBucket+"/athena-results/" {
				t.Fatalf("partition DDL output location %q", loc)
			}
		} else {
			g := glue.NewFromConfig(cfg)
			waitFor(t, 5*time.Minute, func() bool {
				_, err := g.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: aws.String(database), TableName: aws.String("readings"), PartitionValues: []string{day}})
				return err == nil
			})
		}
	}

	// A poison message on the notification queue goes to its dead-letter queue after max_receive_count tries,
	// while the consumer keeps serving.
	sqsC := sqs.NewFromConfig(cfg)
	poison := "not an S3 event " + name
	if _, err := sqsC.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(terraform.OutputContext(t, t.Context(), opts, "notification_queue_url")), MessageBody: aws.String(poison)}); err != nil {
		t.Fatal(err)
	}
	dlq := terraform.OutputContext(t, t.Context(), opts, "notification_dlq_url")
	waitFor(t, 2*time.Minute, func() bool {
		out, err := sqsC.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			if aws.ToString(m.Body) == poison {
				return true
			}
		}
		return false
	})

	// The report: its first run (run_on_create) was submitted with the reporting bucket's report prefix as output.
	var reports map[string]struct {
		Workgroup               string `json:"workgroup"`
		OutputLocation          string `json:"output_location"`
		NamedQueryID            string `json:"named_query_id"`
		InitialQueryExecutionID string `json:"initial_query_execution_id"`
	}
	terraform.OutputStructContext(t, t.Context(), opts, "reports", &reports)
	report := reports["daily-devices"]
	wantLocation := "s3://" + reportsBucket + "/reports/daily-devices/"
	if report.OutputLocation != wantLocation || report.InitialQueryExecutionID == "" {
		t.Fatalf("report %+v, want output %s and a first run", report, wantLocation)
	}
	qe, err := athenaC.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(report.InitialQueryExecutionID)})
	if err != nil {
		t.Fatal(err)
	}
	q := qe.QueryExecution
	if !strings.Contains(aws.ToString(q.Query), `FROM "`+database+`"."readings"`) || aws.ToString(q.QueryExecutionContext.Database) != database || aws.ToString(q.WorkGroup) != report.Workgroup ||
		!strings.HasPrefix(aws.ToString(q.ResultConfiguration.OutputLocation), wantLocation) {
		t.Fatalf("report run %s: query %q in %s/%s, output %s", report.InitialQueryExecutionID, aws.ToString(q.Query), aws.ToString(q.WorkGroup),
			aws.ToString(q.QueryExecutionContext.Database), aws.ToString(q.ResultConfiguration.OutputLocation))
	}
	// The named query the schedule runs (in the sandbox, kept by the harness's Athena endpoint: kumo has none).
	nq, err := athena.NewFromConfig(cfg, func(o *athena.Options) { o.BaseEndpoint = tg.athenaEndpoint() }).GetNamedQuery(ctx,
		&athena.GetNamedQueryInput{NamedQueryId: aws.String(report.NamedQueryID)})
	if err != nil || aws.ToString(nq.NamedQuery.QueryString) != aws.ToString(q.Query) {
		t.Fatalf("named query %s was not created with the report's query: %v", report.NamedQueryID, err)
	}
	if !tg.sandbox() {
		// On AWS the SQL runs: the report writes its CSV under the report prefix, and a count over the new
		// partition in the analytics workgroup sees every good record.
		done := waitForExecution(ctx, t, athenaC, report.InitialQueryExecutionID)
		out := aws.ToString(done.ResultConfiguration.OutputLocation)
		key := strings.TrimPrefix(out, "s3://"+reportsBucket+"/")
		if _, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(reportsBucket), Key: aws.String(key)}); err != nil {
			t.Fatalf("report result %s: %v", out, err)
		}
		total := 0
		for day := range days {
			start, err := athenaC.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{
				QueryString:           aws.String(fmt.Sprintf(`SELECT count(*) FROM "%s"."readings" WHERE dt = '%s'`, database, day)),
				WorkGroup:             aws.String(terraform.OutputContext(t, t.Context(), opts, "athena_workgroup")),
				QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(database)},
			})
			if err != nil {
				t.Fatal(err)
			}
			waitForExecution(ctx, t, athenaC, aws.ToString(start.QueryExecutionId))
			res, err := athenaC.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: start.QueryExecutionId})
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if _, err := fmt.Sscan(aws.ToString(res.ResultSet.Rows[1].Data[0].VarCharValue), &n); err != nil {
				t.Fatalf("count from Athena: %v", err)
			}
			total += n
		}
		if total != good {
			t.Fatalf("Athena counts %d records in the new partitions, want %d", total, good)
		}
	}
	tg.alive(t)

	// Both dead-letter queues' alarms notify the deployment's alarm topic.
	assertAlarmNotifiesTopic(t, tg, terraform.OutputContext(t, t.Context(), opts, "alarm_topic_arn"),
		name+"-partitions-dlq-not-empty", name+"-reports-dlq-not-empty")

	// Re-applying changes nothing.
	if code := terraform.PlanExitCodeContext(t, t.Context(), opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

func listKeys(ctx context.Context, t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// gunzipLines reads a gzip'd object's lines.
func gunzipLines(ctx context.Context, t *testing.T, c *s3.Client, bucket, key string) [][]byte {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	zr, err := gzip.NewReader(out.Body)
	if err != nil {
		t.Fatalf("%s is not gzip: %v", key, err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, append([]byte(nil), l...))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return lines
}

// waitForQuery waits for a query execution in the workgroup whose text matches.
func waitForQuery(ctx context.Context, t *testing.T, c *athena.Client, workgroup string, match func(string) bool) *athenatypes.QueryExecution {
	t.Helper()
	var found *athenatypes.QueryExecution
	waitFor(t, time.Minute, func() bool {
		list, err := c.ListQueryExecutions(ctx, &athena.ListQueryExecutionsInput{WorkGroup: aws.String(workgroup)})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range list.QueryExecutionIds {
			qe, err := c.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			if match(aws.ToString(qe.QueryExecution.Query)) {
				found = qe.QueryExecution
				return true
			}
		}
		return false
	})
	return found
}

// waitForExecution waits until a query execution has SUCCEEDED (and fails the test if it failed).
func waitForExecution(ctx context.Context, t *testing.T, c *athena.Client, id string) *athenatypes.QueryExecution {
	t.Helper()
	var qe *athenatypes.QueryExecution
	waitFor(t, 5*time.Minute, func() bool {
		out, err := c.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		qe = out.QueryExecution
		switch qe.Status.State {
		case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
			t.Fatalf("query %s %s: %s", id, qe.Status.State, aws.ToString(qe.Status.StateChangeReason))
		}
		return qe.Status.State == athenatypes.QueryExecutionStateSucceeded
	})
	return qe
}
