package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// Partition is one date partition of the table: dt=YYYY-MM-DD under the data prefix.
type Partition struct {
	Date     string // YYYY-MM-DD
	Location string // s3://bucket/<data prefix>dt=YYYY-MM-DD/
}

// Registrar adds partitions to the table. It returns the partitions it could not add (with why); adding one that
// exists already is success.
type Registrar interface {
	Register(ctx context.Context, parts []Partition) (failed map[Partition]error, err error)
}

// Partitions is the SQS consumer's handler: each message is an S3 event notification (sent by the ingestion bucket
// for objects created under the data prefix); the handler registers the dt=YYYY-MM-DD partitions of the new objects
// and reports the messages it could not handle as batch item failures, so SQS retries them and, after the queue's
// maxReceiveCount, moves them to the dead-letter queue.
type Partitions struct {
	Registrar Registrar
	// Bucket is the ingestion bucket; events of other buckets are poison.
	Bucket string
	// DataPrefix is where the table's data lives (e.g. "data/"); objects elsewhere (errors/, raw/) are ignored.
	DataPrefix string
	Logger     *slog.Logger

	known sync.Map // Partition → struct{}: registered by this instance already
}

var dtSegment = regexp.MustCompile(`^dt=(\d{4}-\d{2}-\d{2})$`)

// errPoison marks a message that no retry can fix.
var errPoison = errors.New("poison message")

// Handle processes one SQS batch.
func (p *Partitions) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	var resp events.SQSEventResponse
	fail := func(id string) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
	}
	byPartition := map[Partition][]string{}
	for _, msg := range ev.Records {
		parts, err := p.partitionsOf(msg.Body)
		if err != nil {
			log.Error("message not handled", "message_id", msg.MessageId, "error", err.Error())
			fail(msg.MessageId)
			continue
		}
		for _, part := range parts {
			byPartition[part] = append(byPartition[part], msg.MessageId)
		}
	}
	var todo []Partition
	for part := range byPartition {
		if _, ok := p.known.Load(part); !ok {
			todo = append(todo, part)
		}
	}
	if len(todo) == 0 {
		return resp, nil
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].Date < todo[j].Date })
	failed, err := p.Registrar.Register(ctx, todo)
	failedMsgs := map[string]bool{}
	for _, part := range todo {
		perr := failed[part]
		if err != nil {
			perr = err
		}
		if perr != nil {
			log.Error("partition not registered", "dt", part.Date, "location", part.Location, "error", perr.Error())
			for _, id := range byPartition[part] {
				failedMsgs[id] = true
			}
			continue
		}
		p.known.Store(part, struct{}{})
		log.Info("partition registered", "dt", part.Date, "location", part.Location)
	}
	ids := make([]string, 0, len(failedMsgs))
	for id := range failedMsgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fail(id)
	}
	return resp, nil
}

// partitionsOf reads one message body: an S3 event notification (or S3's s3:TestEvent, which needs nothing).
func (p *Partitions) partitionsOf(body string) ([]Partition, error) {
	var probe struct {
		Event   string            `json:"Event"`
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal([]byte(body), &probe); err != nil {
		return nil, fmt.Errorf("%w: body is not JSON: %v", errPoison, err)
	}
	if probe.Event == "s3:TestEvent" {
		return nil, nil
	}
	var ev events.S3Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil || len(probe.Records) == 0 {
		return nil, fmt.Errorf("%w: body is not an S3 event notification", errPoison)
	}
	var out []Partition
	for _, r := range ev.Records {
		// AWS names the event "ObjectCreated:Put"; kumo (the local sandbox) sends "s3:ObjectCreated:Put".
		if !strings.HasPrefix(strings.TrimPrefix(r.EventName, "s3:"), "ObjectCreated:") {
			continue
		}
		if r.S3.Bucket.Name != p.Bucket {
			return nil, fmt.Errorf("%w: event of bucket %q, want %q", errPoison, r.S3.Bucket.Name, p.Bucket)
		}
		key, err := url.QueryUnescape(r.S3.Object.Key) // S3 notifications URL-encode keys ('+' is a space)
		if err != nil {
			return nil, fmt.Errorf("%w: object key %q: %v", errPoison, r.S3.Object.Key, err)
		}
		rest, ok := strings.CutPrefix(key, p.DataPrefix)
		if !ok {
			continue
		}
		seg, _, _ := strings.Cut(rest, "/")
		m := dtSegment.FindStringSubmatch(seg)
		if m == nil {
			return nil, fmt.Errorf("%w: object %q is not under %sdt=YYYY-MM-DD/", errPoison, key, p.DataPrefix)
		}
		if _, err := time.Parse("2006-01-02", m[1]); err != nil {
			return nil, fmt.Errorf("%w: object %q: %s is not a date", errPoison, key, m[1])
		}
		out = append(out, Partition{Date: m[1], Location: "s3://" + p.Bucket + "/" + p.DataPrefix + seg + "/"})
	}
	return out, nil
}

// GlueAPI is the part of the Glue client GlueRegistrar uses; *glue.Client implements it.
type GlueAPI interface {
	GetTable(ctx context.Context, in *glue.GetTableInput, optFns ...func(*glue.Options)) (*glue.GetTableOutput, error)
	BatchCreatePartition(ctx context.Context, in *glue.BatchCreatePartitionInput, optFns ...func(*glue.Options)) (*glue.BatchCreatePartitionOutput, error)
}

// GlueRegistrar adds partitions with Glue BatchCreatePartition, each with the table's storage descriptor and its
// own location. Synchronous and free of Athena charges; AWS's default here.
type GlueRegistrar struct {
	API                        GlueAPI
	CatalogID, Database, Table string

	mu sync.Mutex
	sd *gluetypes.StorageDescriptor
}

// Register adds the partitions, 100 per call (Glue's limit); AlreadyExistsException entries are success.
func (g *GlueRegistrar) Register(ctx context.Context, parts []Partition) (map[Partition]error, error) {
	sd, err := g.storageDescriptor(ctx)
	if err != nil {
		return nil, err
	}
	failed := map[Partition]error{}
	for start := 0; start < len(parts); start += 100 {
		chunk := parts[start:min(start+100, len(parts))]
		in := &glue.BatchCreatePartitionInput{DatabaseName: aws.String(g.Database), TableName: aws.String(g.Table)}
		if g.CatalogID != "" {
			in.CatalogId = aws.String(g.CatalogID)
		}
		byDate := map[string]Partition{}
		for _, part := range chunk {
			psd := *sd
			psd.Location = aws.String(part.Location)
			in.PartitionInputList = append(in.PartitionInputList, gluetypes.PartitionInput{Values: []string{part.Date}, StorageDescriptor: &psd})
			byDate[part.Date] = part
		}
		out, err := g.API.BatchCreatePartition(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("glue BatchCreatePartition: %w", err)
		}
		for _, e := range out.Errors {
			if len(e.PartitionValues) == 0 {
				continue
			}
			code, msg := "", ""
			if e.ErrorDetail != nil {
				code, msg = aws.ToString(e.ErrorDetail.ErrorCode), aws.ToString(e.ErrorDetail.ErrorMessage)
			}
			if code == "AlreadyExistsException" {
				continue
			}
			if part, ok := byDate[e.PartitionValues[0]]; ok {
				failed[part] = fmt.Errorf("glue: %s: %s", code, msg)
			}
		}
	}
	return failed, nil
}

func (g *GlueRegistrar) storageDescriptor(ctx context.Context) (*gluetypes.StorageDescriptor, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.sd != nil {
		return g.sd, nil
	}
	in := &glue.GetTableInput{DatabaseName: aws.String(g.Database), Name: aws.String(g.Table)}
	if g.CatalogID != "" {
		in.CatalogId = aws.String(g.CatalogID)
	}
	out, err := g.API.GetTable(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("glue GetTable %s.%s: %w", g.Database, g.Table, err)
	}
	if out.Table == nil || out.Table.StorageDescriptor == nil {
		return nil, fmt.Errorf("glue table %s.%s has no storage descriptor", g.Database, g.Table)
	}
	g.sd = out.Table.StorageDescriptor
	return g.sd, nil
}

// AthenaAPI is the part of the Athena client AthenaRegistrar uses; *athena.Client implements it.
type AthenaAPI interface {
	StartQueryExecution(ctx context.Context, in *athena.StartQueryExecutionInput, optFns ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athena.GetQueryExecutionInput, optFns ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
}

var identifier = regexp.MustCompile(`^[a-z0-9_]{1,255}$`)

// AthenaRegistrar adds partitions with one Athena DDL statement, ALTER TABLE … ADD IF NOT EXISTS PARTITION …, and
// waits for it. OutputLocation is needed only without an enforced workgroup location.
type AthenaRegistrar struct {
	API                        AthenaAPI
	Database, Table, WorkGroup string
	OutputLocation             string
	PollInterval, Timeout      time.Duration // default 500 ms, 60 s
}

// Query is the DDL statement for parts; the values come from validated dates and locations only.
func (a *AthenaRegistrar) Query(parts []Partition) (string, error) {
	if !identifier.MatchString(a.Database) || !identifier.MatchString(a.Table) {
		return "", fmt.Errorf("database %q or table %q is not a lower-case Athena identifier", a.Database, a.Table)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ALTER TABLE `%s`.`%s` ADD IF NOT EXISTS", a.Database, a.Table)
	for _, p := range parts {
		if _, err := time.Parse("2006-01-02", p.Date); err != nil || strings.ContainsAny(p.Location, "'\\") {
			return "", fmt.Errorf("partition %+v cannot be put in a statement", p)
		}
		fmt.Fprintf(&b, " PARTITION (dt = '%s') LOCATION '%s'", p.Date, p.Location)
	}
	return b.String(), nil
}

// Register runs the statement; a failure fails every partition of it.
func (a *AthenaRegistrar) Register(ctx context.Context, parts []Partition) (map[Partition]error, error) {
	q, err := a.Query(parts)
	if err != nil {
		return nil, err
	}
	in := &athena.StartQueryExecutionInput{
		QueryString:           aws.String(q),
		QueryExecutionContext: &athenatypes.QueryExecutionContext{Database: aws.String(a.Database)},
	}
	if a.WorkGroup != "" {
		in.WorkGroup = aws.String(a.WorkGroup)
	}
	if a.OutputLocation != "" {
		in.ResultConfiguration = &athenatypes.ResultConfiguration{OutputLocation: aws.String(a.OutputLocation)}
	}
	out, err := a.API.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("athena StartQueryExecution: %w", err)
	}
	poll, timeout := a.PollInterval, a.Timeout
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		qe, err := a.API.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: out.QueryExecutionId})
		if err != nil {
			return nil, fmt.Errorf("athena GetQueryExecution %s: %w", aws.ToString(out.QueryExecutionId), err)
		}
		if s := qe.QueryExecution.Status; s != nil {
			switch s.State {
			case athenatypes.QueryExecutionStateSucceeded:
				return nil, nil
			case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
				return nil, fmt.Errorf("athena query %s %s: %s", aws.ToString(out.QueryExecutionId), s.State, aws.ToString(s.StateChangeReason))
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("athena query %s did not finish: %w", aws.ToString(out.QueryExecutionId), ctx.Err())
		case <-time.After(poll):
		}
	}
}
