package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func s3Body(bucket string, keys ...string) string {
	var recs []string
	for _, k := range keys {
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":%q},"object":{"key":%q,"size":10}}}`, bucket, k))
	}
	return `{"Records":[` + strings.Join(recs, ",") + `]}`
}

func sqsBatch(bodies ...string) events.SQSEvent {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: fmt.Sprintf("m%d", i), Body: b})
	}
	return ev
}

type fakeRegistrar struct {
	calls  [][]Partition
	failOn map[string]error // by date
	err    error
}

func (f *fakeRegistrar) Register(_ context.Context, parts []Partition) (map[Partition]error, error) {
	f.calls = append(f.calls, parts)
	if f.err != nil {
		return nil, f.err
	}
	failed := map[Partition]error{}
	for _, p := range parts {
		if err := f.failOn[p.Date]; err != nil {
			failed[p] = err
		}
	}
	return failed, nil
}

func failures(r events.SQSEventResponse) []string {
	var ids []string
	for _, f := range r.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestPartitionsHandle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		bodies    []string
		reg       *fakeRegistrar
		wantCalls [][]Partition
		wantFail  []string
	}{
		{
			name: "new objects register their dates once",
			bodies: []string{
				s3Body("lake", "data/dt=2026-11-26/lake-1-2026-11-26-10-00-00-abc.gz", "data/dt=2026-11-25/x.gz"),
				s3Body("lake", "data/dt=2026-11-26/lake-1-2026-11-26-10-05-00-def.gz"),
			},
			reg: &fakeRegistrar{},
			wantCalls: [][]Partition{{
				{Date: "2026-11-25", Location: "s3://lake/data/dt=2026-11-25/"},
				{Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"},
			}},
		},
		{
			name:   "errors, raw backups and S3's test event need nothing",
			bodies: []string{s3Body("lake", "errors/processing-failed/dt=2026-11-26/x.gz", "raw/dt=2026-11-26/y.gz"), `{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"lake"}`},
			reg:    &fakeRegistrar{},
		},
		{
			name:      "poison: not JSON, not an S3 event, another bucket, no dt, bad date",
			bodies:    []string{`not json`, `{"hello":"world"}`, s3Body("other", "data/dt=2026-11-26/x.gz"), s3Body("lake", "data/2026/11/26/x.gz"), s3Body("lake", "data/dt=2026-13-45/x.gz"), s3Body("lake", "data/dt=2026-11-24/ok.gz")},
			reg:       &fakeRegistrar{},
			wantCalls: [][]Partition{{{Date: "2026-11-24", Location: "s3://lake/data/dt=2026-11-24/"}}},
			wantFail:  []string{"m0", "m1", "m2", "m3", "m4"},
		},
		{
			name:      "a partition that fails fails its messages only",
			bodies:    []string{s3Body("lake", "data/dt=2026-11-26/a.gz"), s3Body("lake", "data/dt=2026-11-25/b.gz"), s3Body("lake", "data/dt=2026-11-25/c.gz")},
			reg:       &fakeRegistrar{failOn: map[string]error{"2026-11-25": errors.New("EntityNotFoundException")}},
			wantCalls: [][]Partition{{{Date: "2026-11-25", Location: "s3://lake/data/dt=2026-11-25/"}, {Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"}}},
			wantFail:  []string{"m1", "m2"},
		},
		{
			name:      "a registrar outage fails every message with a partition",
			bodies:    []string{s3Body("lake", "data/dt=2026-11-26/a.gz"), s3Body("lake", "errors/x")},
			reg:       &fakeRegistrar{err: errors.New("ThrottlingException")},
			wantCalls: [][]Partition{{{Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"}}},
			wantFail:  []string{"m0"},
		},
		{
			name:      "event names with the s3: prefix (kumo) count; removals do not",
			bodies:    []string{strings.Replace(s3Body("lake", "data/dt=2026-11-26/a.gz"), `"ObjectCreated:Put"`, `"s3:ObjectCreated:Put"`, 1), strings.Replace(s3Body("lake", "data/dt=2026-11-27/a.gz"), `"ObjectCreated:Put"`, `"ObjectRemoved:Delete"`, 1)},
			reg:       &fakeRegistrar{},
			wantCalls: [][]Partition{{{Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"}}},
		},
		{
			name:      "URL-encoded keys",
			bodies:    []string{s3Body("lake", "data/dt%3D2026-11-26/a+b.gz")},
			reg:       &fakeRegistrar{},
			wantCalls: [][]Partition{{{Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Partitions{Registrar: tc.reg, Bucket: "lake", DataPrefix: "data/", Logger: slog.New(slog.DiscardHandler)}
			resp, err := p.Handle(context.Background(), sqsBatch(tc.bodies...))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.reg.calls, tc.wantCalls) {
				t.Errorf("Register calls %v, want %v", tc.reg.calls, tc.wantCalls)
			}
			if got := failures(resp); !reflect.DeepEqual(got, tc.wantFail) {
				t.Errorf("batch item failures %v, want %v", got, tc.wantFail)
			}
		})
	}
}

func TestPartitionsRemembersRegisteredOnes(t *testing.T) {
	reg := &fakeRegistrar{}
	p := &Partitions{Registrar: reg, Bucket: "lake", DataPrefix: "data/", Logger: slog.New(slog.DiscardHandler)}
	for range 3 {
		if _, err := p.Handle(context.Background(), sqsBatch(s3Body("lake", "data/dt=2026-11-26/a.gz"))); err != nil {
			t.Fatal(err)
		}
	}
	if len(reg.calls) != 1 {
		t.Fatalf("%d Register calls for one partition, want 1", len(reg.calls))
	}
}

type fakeGlue struct {
	table   *gluetypes.Table
	inputs  []*glue.BatchCreatePartitionInput
	exists  map[string]bool
	getErrs int
}

func (f *fakeGlue) GetTable(_ context.Context, in *glue.GetTableInput, _ ...func(*glue.Options)) (*glue.GetTableOutput, error) {
	f.getErrs++
	return &glue.GetTableOutput{Table: f.table}, nil
}

func (f *fakeGlue) BatchCreatePartition(_ context.Context, in *glue.BatchCreatePartitionInput, _ ...func(*glue.Options)) (*glue.BatchCreatePartitionOutput, error) {
	f.inputs = append(f.inputs, in)
	out := &glue.BatchCreatePartitionOutput{}
	for _, p := range in.PartitionInputList {
		switch {
		case f.exists[p.Values[0]]:
			out.Errors = append(out.Errors, gluetypes.PartitionError{PartitionValues: p.Values, ErrorDetail: &gluetypes.ErrorDetail{ErrorCode: aws.String("AlreadyExistsException")}})
		case p.Values[0] == "2026-01-01":
			out.Errors = append(out.Errors, gluetypes.PartitionError{PartitionValues: p.Values, ErrorDetail: &gluetypes.ErrorDetail{ErrorCode: aws.String("InternalServiceException"), ErrorMessage: aws.String("boom")}})
		}
	}
	return out, nil
}

func TestGlueRegistrar(t *testing.T) {
	g := &fakeGlue{
		table: &gluetypes.Table{StorageDescriptor: &gluetypes.StorageDescriptor{
			Location:    aws.String("s3://lake/data/"),
			InputFormat: aws.String("org.apache.hadoop.mapred.TextInputFormat"),
			SerdeInfo:   &gluetypes.SerDeInfo{SerializationLibrary: aws.String("org.openx.data.jsonserde.JsonSerDe")},
		}},
		exists: map[string]bool{"2026-11-25": true},
	}
	r := &GlueRegistrar{API: g, CatalogID: "123456789012", Database: "iot", Table: "readings"}
	var parts []Partition
	for i := range 150 {
		d := fmt.Sprintf("2026-%02d-%02d", i/28+1, i%28+1)
		parts = append(parts, Partition{Date: d, Location: "s3://lake/data/dt=" + d + "/"})
	}
	parts = append(parts, Partition{Date: "2026-11-25", Location: "s3://lake/data/dt=2026-11-25/"})
	failed, err := r.Register(context.Background(), parts)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.inputs) != 2 || len(g.inputs[0].PartitionInputList) != 100 || len(g.inputs[1].PartitionInputList) != 51 {
		t.Fatalf("%d calls, want 2 of at most 100 partitions", len(g.inputs))
	}
	first := g.inputs[0]
	if aws.ToString(first.CatalogId) != "123456789012" || aws.ToString(first.DatabaseName) != "iot" || aws.ToString(first.TableName) != "readings" {
		t.Fatalf("input %+v", first)
	}
	sd := first.PartitionInputList[0].StorageDescriptor
	if aws.ToString(sd.Location) != "s3://lake/data/dt=2026-01-01/" || aws.ToString(sd.SerdeInfo.SerializationLibrary) != "org.openx.data.jsonserde.JsonSerDe" {
		t.Fatalf("partition storage descriptor %+v", sd)
	}
	if aws.ToString(g.table.StorageDescriptor.Location) != "s3://lake/data/" {
		t.Fatal("the table's cached storage descriptor was modified")
	}
	if len(failed) != 1 || failed[parts[0]] == nil || !strings.Contains(failed[parts[0]].Error(), "boom") {
		t.Fatalf("failed %v, want 2026-01-01 only (2026-11-25 exists already, which is fine)", failed)
	}
	if _, err := r.Register(context.Background(), parts[:1]); err != nil || g.getErrs != 1 {
		t.Fatalf("GetTable called %d times, want the descriptor cached (%v)", g.getErrs, err)
	}
}

type fakeAthena struct {
	in     *athena.StartQueryExecutionInput
	states []athenatypes.QueryExecutionState
}

func (f *fakeAthena) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	f.in = in
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String("q-1")}, nil
}

func (f *fakeAthena) GetQueryExecution(_ context.Context, in *athena.GetQueryExecutionInput, _ ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error) {
	s := f.states[0]
	if len(f.states) > 1 {
		f.states = f.states[1:]
	}
	return &athena.GetQueryExecutionOutput{QueryExecution: &athenatypes.QueryExecution{Status: &athenatypes.QueryExecutionStatus{State: s, StateChangeReason: aws.String("why")}}}, nil
}

func TestAthenaRegistrar(t *testing.T) {
	parts := []Partition{{Date: "2026-11-25", Location: "s3://lake/data/dt=2026-11-25/"}, {Date: "2026-11-26", Location: "s3://lake/data/dt=2026-11-26/"}}
	f := &fakeAthena{states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateQueued, athenatypes.QueryExecutionStateRunning, athenatypes.QueryExecutionStateSucceeded}}
	a := &AthenaRegistrar{API: f, Database: "iot", Table: "readings", WorkGroup: "lake", OutputLocation: "s3://reports/athena-results/", PollInterval: 1}
	if _, err := a.Register(context.Background(), parts); err != nil {
		t.Fatal(err)
	}
	want := "ALTER TABLE `iot`.`readings` ADD IF NOT EXISTS PARTITION (dt = '2026-11-25') LOCATION 's3://lake/data/dt=2026-11-25/' PARTITION (dt = '2026-11-26') LOCATION 's3://lake/data/dt=2026-11-26/'"
	if aws.ToString(f.in.QueryString) != want || aws.ToString(f.in.WorkGroup) != "lake" || aws.ToString(f.in.ResultConfiguration.OutputLocation) != "s3://reports/athena-results/" || aws.ToString(f.in.QueryExecutionContext.Database) != "iot" {
		t.Fatalf("StartQueryExecution %q in %+v", aws.ToString(f.in.QueryString), f.in)
	}
	f.states = []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateFailed}
	if _, err := a.Register(context.Background(), parts); err == nil || !strings.Contains(err.Error(), "why") {
		t.Fatalf("failed query: %v", err)
	}
	if _, err := a.Register(context.Background(), []Partition{{Date: "2026-11-26", Location: "s3://lake/x'; DROP"}}); err == nil {
		t.Fatal("a quote in a location must be refused")
	}
}

// FuzzPartitions: whatever an SQS message body holds, the handler answers (never panics), reports it either as
// handled or as a batch item failure, and registers only well-formed dates under the data prefix of its bucket —
// which the Athena statement then quotes safely.
func FuzzPartitions(f *testing.F) {
	for _, b := range []string{
		s3Body("lake", "data/dt=2026-11-26/x.gz"),
		s3Body("other", "data/dt=2026-11-26/x.gz"),
		s3Body("lake", "data/dt=2026-13-45/x.gz"),
		s3Body("lake", "data/dt=2026-11-26'; DROP TABLE t; --/x.gz"),
		`{"Records":[{"s3":{"bucket":{"name":"lake"},"object":{"key":"data%2Fdt%3D2026-11-26%2Fx.gz"}}}]}`,
		`{"Event":"s3:TestEvent"}`, "", "null", "[]", "{",
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		reg := &fakeRegistrar{}
		p := &Partitions{Registrar: reg, Bucket: "lake", DataPrefix: "data/", Logger: slog.New(slog.DiscardHandler)}
		resp, err := p.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: body}}})
		if err != nil {
			t.Fatalf("Handle returned an error for one message (must be a batch item failure): %v", err)
		}
		if len(resp.BatchItemFailures) > 1 {
			t.Fatalf("%d failures for one message", len(resp.BatchItemFailures))
		}
		a := &AthenaRegistrar{Database: "lake_db", Table: "readings"}
		for _, call := range reg.calls {
			for _, part := range call {
				if _, err := time.Parse("2006-01-02", part.Date); err != nil {
					t.Fatalf("registered a malformed date %q from %q", part.Date, body)
				}
				if !strings.HasPrefix(part.Location, "s3://lake/data/dt=") {
					t.Fatalf("registered %q outside the data prefix", part.Location)
				}
			}
			if _, err := a.Query(call); err != nil {
				t.Fatalf("registered partitions no statement can hold: %v", err)
			}
		}
	})
}
