//go:build !aws

package test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/jackc/pgx/v5"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox"
)

// TestMicroservicesOrdersRoundTrip deploys examples/microservices to the sandbox — kumo with KUMO_RDS_BACKEND pointing
// RDS endpoints at a real PostgreSQL the test starts from the machine's packages — and proves service C's data path:
// the orders program runs with the environment the deployment gives it (the module's app_environment: database
// name, the secret's ARN, sslmode=require), its database endpoint from kumo's RDS (→ the real PostgreSQL, over TLS)
// and its credentials from kumo's Secrets Manager; orders posted to it land in PostgreSQL and read back, and their
// order.created events reach the analytics queue through the events topic (SNS → SQS fan-out); bad input is a 4xx
// JSON error. The same program with service A's environment round-trips orders through service A's DynamoDB
// table. A re-plan is empty and destroy is clean.
//
// What kumo cannot run (ECS tasks, the Auto Scaling group and launch template, the RDS instance resource itself, the
// RDS-managed secret) is switched off by the example's sandbox profile (internal/sandbox/profile_microservices.go);
// the harness stands in where noted, and the modules' tofu tests cover the real-AWS settings.
func TestMicroservicesOrdersRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if os.Getenv("TF_CLI_CONFIG_FILE") == "" {
		t.Skip("TF_CLI_CONFIG_FILE is not set: run these tests with `make test`, which points OpenTofu at the provider mirror")
	}

	pg, err := sandbox.StartPostgres(ctx, sandbox.PostgresOptions{TLS: true, LogDir: t.TempDir()})
	if errors.Is(err, sandbox.ErrNoPostgres) {
		t.Skipf("%v: service C's data path needs a real PostgreSQL", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)
	tg := newRDSTarget(t, pg)

	name := uniqueName("ms")
	vars := map[string]any{
		"name":                      name,
		"service_a_image":           "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:sandbox",
		"service_c_artifact_s3_uri": "s3://refarch-sandbox-artifacts/orders/orders-arm64",
		"final_snapshot":            false,
	}
	opts := stage(t, tg, "microservices", vars)
	msWriteEndpoints(t, tg, opts.TerraformDir)
	defer tg.destroy(t, opts)
	terraform.InitAndApplyContext(t, ctx, opts)
	cfg := tg.awsConfig(t)

	// Stand in for RDS (see the profile): create the instance through kumo's RDS API — its endpoint is the real
	// PostgreSQL — then do what RDS does with a managed master password: generate it, keep {"username","password"}
	// in the secret and create the user and the database.
	envC := msOutputMap(t, opts, "service_c_environment")
	identifier := terraform.OutputContext(t, ctx, opts, "service_c_db_instance_identifier")
	username := terraform.OutputContext(t, ctx, opts, "service_c_db_username")
	rdsc := rds.NewFromConfig(cfg)
	if _, err := rdsc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(identifier),
		DBInstanceClass:      aws.String("db.t4g.micro"),
		Engine:               aws.String("postgres"),
		EngineVersion:        aws.String("17.6"),
		DBName:               aws.String(envC["DB_NAME"]),
		MasterUsername:       aws.String(username),
		StorageEncrypted:     aws.Bool(true),
		PubliclyAccessible:   aws.Bool(false),
	}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if _, err := rdsc.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(identifier), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
			t.Error(err)
		}
	}()
	desc, err := rdsc.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(identifier)})
	if err != nil || len(desc.DBInstances) != 1 || desc.DBInstances[0].Endpoint == nil {
		t.Fatalf("DescribeDBInstances %s: %v", identifier, err)
	}
	endpoint := desc.DBInstances[0].Endpoint
	if got := net.JoinHostPort(aws.ToString(endpoint.Address), strconv.Itoa(int(aws.ToInt32(endpoint.Port)))); got != pg.Addr() {
		t.Fatalf("kumo's RDS endpoint is %s, want the test's PostgreSQL %s (KUMO_RDS_BACKEND)", got, pg.Addr())
	}
	password := msRandomPassword(t)
	secretArn := terraform.OutputContext(t, ctx, opts, "service_c_db_secret_arn")
	if envC["DB_SECRET_ARN"] != secretArn {
		t.Fatalf("app environment DB_SECRET_ARN %q, want the module's secret %q", envC["DB_SECRET_ARN"], secretArn)
	}
	secretJSON, _ := json.Marshal(map[string]string{"username": username, "password": password})
	if _, err := secretsmanager.NewFromConfig(cfg).PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(secretArn), SecretString: aws.String(string(secretJSON)),
	}); err != nil {
		t.Fatal(err)
	}
	if err := pg.CreateLoginRole(ctx, username, password, envC["DB_NAME"]); err != nil {
		t.Fatal(err)
	}

	// Service C's program, with the deployment's environment and the endpoint kumo's RDS reports.
	bin := msBuildOrders(t)
	envC["DB_HOST"] = aws.ToString(endpoint.Address)
	envC["DB_PORT"] = strconv.Itoa(int(aws.ToInt32(endpoint.Port)))
	if envC["DB_SSLMODE"] != "require" {
		t.Fatalf("DB_SSLMODE %q, want require (RDS enforces TLS)", envC["DB_SSLMODE"])
	}
	serviceC := msRunOrders(t, tg, bin, "service-c", envC)

	created := msPostOrder(t, serviceC, `{"customer":"ada","item":"keyboard","quantity":2}`, http.StatusCreated)
	var got map[string]any
	msGetJSON(t, serviceC+"/orders/"+msID(t, created), http.StatusOK, &got)
	if got["customer"] != "ada" || got["item"] != "keyboard" || got["quantity"] != float64(2) {
		t.Fatalf("GET order = %v, want the posted one", got)
	}
	// The row is in PostgreSQL, written by the app's own login over TLS.
	conn, err := pgx.Connect(ctx, pg.ConnString(envC["DB_NAME"]))
	if err != nil {
		t.Fatal(err)
	}
	var item string
	var qty int
	if err := conn.QueryRow(ctx, "SELECT item, quantity FROM orders WHERE id = $1", created["id"]).Scan(&item, &qty); err != nil || item != "keyboard" || qty != 2 {
		t.Fatalf("row in PostgreSQL: %q %d %v", item, qty, err)
	}
	var tlsClients int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE ssl AND usename = $1", username).Scan(&tlsClients); err != nil || tlsClients == 0 {
		t.Fatalf("the app has no TLS connection as %s (%d, %v)", username, tlsClients, err)
	}
	conn.Close(ctx)

	// The order was announced: SNS fans order.created out to the analytics queue (filter policy on `type`).
	msExpectEvent(t, tg, terraform.OutputMapContext(t, ctx, opts, "events_queue_urls")["analytics"], msID(t, created), "order.created")
	msExpectStatus(t, http.MethodPost, serviceC+"/orders", `{"customer":"ada","itme":"typo","quantity":1}`, http.StatusBadRequest)
	msExpectStatus(t, http.MethodPost, serviceC+"/orders", `{"customer":"ada","item":"x","quantity":0}`, http.StatusBadRequest)
	msExpectStatus(t, http.MethodGet, serviceC+"/orders/ffffffffffffffffffffffffffffffff", "", http.StatusNotFound)
	msExpectStatus(t, http.MethodGet, serviceC+"/orders/..%2F..%2Fetc", "", http.StatusBadRequest)
	tg.alive(t)

	// Service A's program on its DynamoDB table (the ECS task's environment).
	envA := msOutputMap(t, opts, "service_a_environment")
	serviceA := msRunOrders(t, tg, bin, "service-a", envA)
	createdA := msPostOrder(t, serviceA, `{"customer":"grace","item":"compiler","quantity":1}`, http.StatusCreated)
	out, err := dynamodb.NewFromConfig(cfg).GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(terraform.OutputContext(t, ctx, opts, "service_a_table_name")),
		Key:       map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: msID(t, createdA)}},
	})
	if item, ok := out.Item["item"].(*types.AttributeValueMemberS); err != nil || !ok || item.Value != "compiler" {
		t.Fatalf("item in service A's table: %v %v", out, err)
	}
	msGetJSON(t, serviceA+"/orders/"+msID(t, createdA), http.StatusOK, &got)
	msExpectStatus(t, http.MethodPost, serviceA+"/orders", `not json`, http.StatusBadRequest)
	tg.alive(t)

	// Failures page someone: the load balancers' alarms (5xx answers, unhealthy targets; modules/alb) and service
	// B's error alarm notify the deployment's alarm topic.
	assertAlarmNotifiesTopic(t, tg, terraform.OutputContext(t, ctx, opts, "alarm_topic_arn"),
		name+"-a-alb-target-5xx", name+"-a-alb-elb-5xx", name+"-a-alb-unhealthy-targets", name+"-c-alb-unhealthy-targets", name+"-b-errors")

	// Re-applying changes nothing.
	if code := terraform.PlanExitCodeContext(t, ctx, opts); code != 0 {
		t.Fatalf("plan after apply exit code %d, want 0 (empty plan)", code)
	}
}

// newRDSTarget is a sandbox target whose kumo answers RDS endpoints with pg.
func newRDSTarget(t *testing.T, pg *sandbox.Postgres) target {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{LogDir: t.TempDir()}.WithRDSBackend("postgres", pg.Addr()))
	if err != nil {
		if os.Getenv("TF_ACC") == "" && os.Getenv("REFARCH_KUMO") == "" {
			t.Skipf("local AWS sandbox unavailable (%v); `make test` builds it and runs this test", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Err(); err != nil {
			t.Error(err)
		}
		sb.Stop()
	})
	return target{sb: sb}
}

// msEndpoints are the aws provider's endpoint keys this architecture uses beyond the harness's shared list
// (internal/sandbox/override.go); kumo serves them all on its one port.
var msEndpoints = []string{"ec2", "elbv2", "ecs", "rds", "ssm", "cloudwatch", "elasticache", "autoscaling", "applicationautoscaling"}

// msWriteEndpoints adds a second override file whose aws provider block is the harness's plus msEndpoints (an
// override's nested endpoints block replaces the earlier one as a whole, and files merge in name order).
func msWriteEndpoints(t *testing.T, tg target, dir string) {
	t.Helper()
	block := tg.sb.ProviderBlock("aws")
	var extra strings.Builder
	for _, k := range msEndpoints {
		if !strings.Contains(block, "    "+k+" ") {
			fmt.Fprintf(&extra, "    %-22s = %q\n", k, tg.sb.Endpoint)
		}
	}
	block = strings.Replace(block, "  endpoints {\n", "  endpoints {\n"+extra.String(), 1)
	if err := os.WriteFile(filepath.Join(dir, "refarch_sandbox_zz_microservices_override.tf"), []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
}

// msExpectEvent waits up to 30 s for an SNS-delivered event about the order on the queue and deletes it.
func msExpectEvent(t *testing.T, tg target, queueURL, orderID, eventType string) {
	t.Helper()
	ctx := context.Background()
	c := sqs.NewFromConfig(tg.awsConfig(t))
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var envelope struct{ Message string }
			var event struct {
				Type  string `json:"type"`
				Order struct {
					ID string `json:"id"`
				} `json:"order"`
			}
			if json.Unmarshal([]byte(aws.ToString(m.Body)), &envelope) == nil && json.Unmarshal([]byte(envelope.Message), &event) == nil &&
				event.Type == eventType && event.Order.ID == orderID {
				_, _ = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle})
				return
			}
		}
	}
	t.Fatalf("no %s event for order %s on %s within 30s", eventType, orderID, queueURL)
}

// msID is the id of an order as the API answered it.
func msID(t *testing.T, order map[string]any) string {
	t.Helper()
	id, ok := order["id"].(string)
	if !ok || id == "" {
		t.Fatalf("order without an id: %v", order)
	}
	return id
}

func msOutputMap(t *testing.T, opts *terraform.Options, name string) map[string]string {
	t.Helper()
	m := map[string]string{}
	terraform.OutputStructContext(t, context.Background(), opts, name, &m)
	return m
}

func msRandomPassword(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// buildOrders builds apps/orders for this machine.
func msBuildOrders(t *testing.T) string {
	t.Helper()
	root, err := sandbox.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "orders")
	cmd := exec.Command("go", "build", "-o", bin, "./apps/orders")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./apps/orders: %v\n%s", err, out)
	}
	return bin
}

// runOrders runs the orders program with the deployment's environment (plus the sandbox's AWS settings and a free
// port) until the test ends, and returns its base URL once /healthz answers 200.
func msRunOrders(t *testing.T, tg target, bin, name string, env map[string]string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, portText, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	port, err := strconv.Atoi(portText)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), tg.sb.Env()...)
	for k, v := range env {
		if k == "PORT" || k == "AWS_REGION" {
			continue // the sandbox's region and a free loopback port
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PORT="+strconv.Itoa(port))
	logPath := filepath.Join(tg.sb.LogDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	err = poll(ctx, func() error {
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited before it was healthy:\n%s", name, log)
		default:
		}
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /healthz: HTTP %d", resp.StatusCode)
		}
		return nil
	})
	if err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("%s not healthy within 60s (%v):\n%s", name, err, log)
	}
	return base
}

func msPostOrder(t *testing.T, base, body string, want int) map[string]any {
	t.Helper()
	status, data := msDo(t, http.MethodPost, base+"/orders", body)
	if status != want {
		t.Fatalf("POST /orders %s: HTTP %d %s, want %d", body, status, data, want)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil || v["id"] == nil {
		t.Fatalf("POST /orders answered %s (%v)", data, err)
	}
	return v
}

func msGetJSON(t *testing.T, url string, want int, v any) {
	t.Helper()
	status, data := msDo(t, http.MethodGet, url, "")
	if status != want {
		t.Fatalf("GET %s: HTTP %d %s, want %d", url, status, data, want)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, data)
	}
}

// expectStatus checks the status and that the answer is a JSON error.
func msExpectStatus(t *testing.T, method, url, body string, want int) {
	t.Helper()
	status, data := msDo(t, method, url, body)
	var e struct {
		Error string `json:"error"`
	}
	if status != want || json.Unmarshal(data, &e) != nil || (want >= 400 && e.Error == "") {
		t.Fatalf("%s %s %s: HTTP %d %s, want %d with a JSON error", method, url, body, status, data, want)
	}
}

func msDo(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(fmt.Errorf("%s %s: %w", method, url, err))
	}
	return resp.StatusCode, data
}
