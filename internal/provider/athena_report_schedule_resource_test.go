package provider

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const time5s = 5 * time.Second

func TestAthenaReportSchedule_ValidateScheduleExpression(t *testing.T) {
	good := []string{
		"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(6 hours)", "rate(1 day)", "rate(30 days)",
		"cron(0 6 * * ? *)", "cron(15 10 ? * MON-FRI *)", "cron(0/15 * * * ? *)", "cron(0 8 1 * ? *)",
		"cron(0 18 ? * 6L 2026-2030)", "cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 12 15W JAN,JUL ? *)",
		"cron(0,30 1-5 ? * SUN,SAT *)",
		"at(2026-12-31T23:00:00)",
	}
	for _, e := range good {
		if err := validateScheduleExpression(e); err != nil {
			t.Errorf("%s: %v", e, err)
		}
	}
	bad := map[string]string{
		"":                              "must be a rate(...), cron(...) or at(...)",
		"every day":                     "must be a rate(...), cron(...) or at(...)",
		"rate(0 minutes)":               "positive whole number",
		"rate(1 minutes)":               "singular unit",
		"rate(5 minute)":                "plural unit",
		"rate(5 weeks)":                 "not a rate expression",
		"rate(-1 days)":                 "not a rate expression",
		"cron(0 6 * * *)":               "has 5 fields",
		"cron(0 6 * * * *)":             "exactly one of day-of-month",
		"cron(0 6 ? * ? *)":             "exactly one of day-of-month",
		"cron(60 6 * * ? *)":            "minutes field",
		"cron(0 24 * * ? *)":            "hours field",
		"cron(0 6 32 * ? *)":            "day-of-month field",
		"cron(0 6 ? 13 MON *)":          "month field",
		"cron(0 6 ? * MOO *)":           "day-of-week field",
		"cron(0 6 ? * 8 *)":             "day-of-week field",
		"cron(0/0 6 * * ? *)":           "increment",
		"cron(0 6 * * ? 1969)":          "year field",
		"at(2026-12-31 23:00:00)":       "one-time expression",
		"at(2026-02-30T10:00:00)":       "not a valid date",
		"at(2026-12-31T23:00:00Z)":      "one-time expression",
		"cron(0 6 * * ? *) extra words": "not a cron expression",
	}
	for e, want := range bad {
		err := validateScheduleExpression(e)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", e, err, want)
		}
	}
}

func TestAthenaReportSchedule_ValidateTimezone(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"} {
		if err := validateTimezone(tz); err != nil {
			t.Errorf("%s: %v", tz, err)
		}
	}
	for _, tz := range []string{"", "Local", "Europe/Pariss", "CEST+2", "../etc/passwd"} {
		if err := validateTimezone(tz); err == nil {
			t.Errorf("%q: accepted", tz)
		}
	}
}

func TestAthenaReportSchedule_ValidateS3Prefix(t *testing.T) {
	for _, u := range []string{"s3://reports/", "s3://my-reports.example/daily/", "s3://abc/a/b/c/", "s3://a1b/x_y-z.1/"} {
		if err := validateS3Prefix(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	bad := map[string]string{
		"reports/daily/":                        "of the form s3://bucket/prefix/",
		"s3://reports":                          "of the form s3://bucket/prefix/",
		"https://reports/daily/":                "of the form s3://bucket/prefix/",
		"s3://reports/daily":                    "must end with a slash",
		"s3://Reports/daily/":                   "3-63 characters",
		"s3://ab/":                              "3-63 characters",
		"s3://-reports/":                        "3-63 characters",
		"s3://reports_x/":                       "3-63 characters",
		"s3://re..ports/":                       "two adjacent dots",
		"s3://192.168.1.1/":                     "IP address",
		"s3://xn--reports/":                     "xn--",
		"s3://reports-s3alias/":                 "-s3alias",
		"s3://reports/a//b/":                    "empty path segment",
		"s3:///daily/":                          "3-63 characters",
		"s3://" + strings.Repeat("a", 64) + "/": "3-63 characters",
	}
	for u, want := range bad {
		err := validateS3Prefix(u)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", u, err, want)
		}
	}
}

// The validators put the attribute path into the diagnostic.
func TestAthenaReportSchedule_ReportValidatorsNameTheAttribute(t *testing.T) {
	for _, c := range []struct {
		v    validator.String
		attr string
		val  string
	}{
		{newScheduleExpressionValidator(), "schedule_expression", "cron(0 6 * * *)"},
		{newTimezoneValidator(), "schedule_timezone", "Mars/Olympus"},
		{newS3URIValidator(), "report_s3_uri", "s3://reports/daily"},
	} {
		resp := &validator.StringResponse{}
		c.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(c.attr), ConfigValue: types.StringValue(c.val)}, resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%s=%q accepted", c.attr, c.val)
		}
		d := resp.Diagnostics.Errors()[0]
		if !strings.Contains(d.Detail(), c.attr) || !strings.Contains(d.Detail(), c.val) {
			t.Errorf("%s: detail %q does not name the attribute and value", c.attr, d.Detail())
		}
		resp = &validator.StringResponse{}
		c.v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(c.attr), ConfigValue: types.StringUnknown()}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s: unknown value refused", c.attr)
		}
	}
}

func testReportSpec() reportSpec {
	return reportSpec{
		Name: "daily-sales", Group: "default", WorkGroup: "analytics", Database: "sales", Catalog: "AwsDataCatalog",
		Query: "SELECT region, sum(amount) FROM orders GROUP BY 1", ScheduleExpression: "cron(0 6 * * ? *)",
		ScheduleTimezone: "Europe/Paris", State: "ENABLED", RetryMaxAttempts: 3, RetryMaxEventAgeSec: 86400,
		ReportS3URI: "s3://reports-bucket/daily/", SourceS3URIs: []string{"s3://datalake/orders/", "s3://datalake/customers/"},
	}
}

func TestAthenaReportSchedule_ReportCreateScheduleInput(t *testing.T) {
	s := testReportSpec()
	s.DeadLetterARN = "arn:aws:sqs:eu-west-1:123456789012:dlq"
	in, err := s.createScheduleInput("arn:aws:iam::123456789012:role/r")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.Name) != "daily-sales" || aws.ToString(in.GroupName) != "default" ||
		aws.ToString(in.ScheduleExpression) != "cron(0 6 * * ? *)" || aws.ToString(in.ScheduleExpressionTimezone) != "Europe/Paris" ||
		in.State != schedtypes.ScheduleStateEnabled || in.FlexibleTimeWindow.Mode != schedtypes.FlexibleTimeWindowModeOff ||
		in.FlexibleTimeWindow.MaximumWindowInMinutes != nil {
		t.Errorf("unexpected CreateSchedule input %+v", in)
	}
	tg := in.Target
	if aws.ToString(tg.Arn) != "arn:aws:scheduler:::aws-sdk:athena:startQueryExecution" || aws.ToString(tg.RoleArn) != "arn:aws:iam::123456789012:role/r" ||
		aws.ToInt32(tg.RetryPolicy.MaximumRetryAttempts) != 3 || aws.ToInt32(tg.RetryPolicy.MaximumEventAgeInSeconds) != 86400 ||
		aws.ToString(tg.DeadLetterConfig.Arn) != s.DeadLetterARN {
		t.Errorf("unexpected target %+v", tg)
	}
	want := `{"QueryString":"SELECT region, sum(amount) FROM orders GROUP BY 1","QueryExecutionContext":{"Database":"sales","Catalog":"AwsDataCatalog"},"WorkGroup":"analytics","ResultConfiguration":{"OutputLocation":"s3://reports-bucket/daily/"}}`
	if got := aws.ToString(tg.Input); got != want {
		t.Errorf("target Input\n got %s\nwant %s", got, want)
	}

	// Flexible window, no time zone, no dead letter queue.
	s = testReportSpec()
	s.FlexibleWindowMinutes, s.ScheduleTimezone = 15, ""
	in, _ = s.createScheduleInput("r")
	if in.FlexibleTimeWindow.Mode != schedtypes.FlexibleTimeWindowModeFlexible || aws.ToInt32(in.FlexibleTimeWindow.MaximumWindowInMinutes) != 15 ||
		in.ScheduleExpressionTimezone != nil || in.Target.DeadLetterConfig != nil {
		t.Errorf("unexpected CreateSchedule input %+v", in)
	}
	// The SQL is JSON-escaped, not pasted.
	s.Query = `SELECT "a" FROM t WHERE x = '\n'` + "\n"
	js, _ := s.targetInput()
	var back startQueryInput
	if err := json.Unmarshal([]byte(js), &back); err != nil || back.QueryString != s.Query {
		t.Errorf("round trip of %q: %q, %v", s.Query, back.QueryString, err)
	}
	// UpdateSchedule carries the full definition.
	u, _ := testReportSpec().updateScheduleInput("r")
	c, _ := testReportSpec().createScheduleInput("r")
	if aws.ToString(u.ScheduleExpression) != aws.ToString(c.ScheduleExpression) || aws.ToString(u.Target.Input) != aws.ToString(c.Target.Input) ||
		u.FlexibleTimeWindow != c.FlexibleTimeWindow && u.FlexibleTimeWindow.Mode != c.FlexibleTimeWindow.Mode || u.State != c.State ||
		aws.ToString(u.ScheduleExpressionTimezone) != "Europe/Paris" || u.Target.RetryPolicy == nil {
		t.Errorf("update input %+v differs from create input %+v", u, c)
	}
}

func TestAthenaReportSchedule_ManagedRoleName(t *testing.T) {
	for _, c := range []struct{ group, name, want string }{
		{"default", "daily", "refarch-athena-report-daily"},
		{"", "daily", "refarch-athena-report-daily"},
		{"finance", "daily", "refarch-athena-report-finance-daily"},
	} {
		if got := managedRoleName(reportSpec{Group: c.group, Name: c.name}); got != c.want {
			t.Errorf("%s/%s: %s, want %s", c.group, c.name, got, c.want)
		}
	}
	a := managedRoleName(reportSpec{Group: "default", Name: strings.Repeat("a", 60)})
	b := managedRoleName(reportSpec{Group: "default", Name: strings.Repeat("a", 59) + "b"})
	if len(a) != 64 || len(b) != 64 || a == b {
		t.Errorf("long names: %s, %s", a, b)
	}
}

func TestAthenaReportSchedule_ReportRolePolicies(t *testing.T) {
	s := testReportSpec()
	acct := awsAccount{Partition: "aws", Account: "123456789012"}
	trust, err := trustPolicy(s, acct, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	wantTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":["sts:AssumeRole"],"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/daily-sales"},"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	if trust != wantTrust {
		t.Errorf("trust policy\n got %s\nwant %s", trust, wantTrust)
	}
	// Without a known account there is no policy: never a trust policy
	// without conditions, never "*" as the account of an ARN.
	for _, a := range []awsAccount{{Partition: "aws"}, {Account: "123456789012"}, {Partition: "aws", Account: "*"}, {}} {
		if p, err := trustPolicy(s, a, "eu-west-1"); err == nil {
			t.Errorf("trust policy for %+v: %s", a, p)
		}
		if p, err := permissionsPolicy(s, a, "eu-west-1"); err == nil {
			t.Errorf("permissions policy for %+v: %s", a, p)
		}
	}
	// The partition is the caller's.
	cn := awsAccount{Partition: "aws-cn", Account: "123456789012"}
	trust, _ = trustPolicy(s, cn, "cn-north-1")
	perms, _ := permissionsPolicy(s, cn, "cn-north-1")
	if !strings.Contains(trust, `"arn:aws-cn:scheduler:cn-north-1:123456789012:schedule/default/daily-sales"`) ||
		!strings.Contains(perms, `"arn:aws-cn:athena:cn-north-1:123456789012:workgroup/analytics"`) || strings.Contains(perms, "arn:aws:") {
		t.Errorf("aws-cn policies:\n%s\n%s", trust, perms)
	}

	perms, err = permissionsPolicy(s, acct, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDocument
	if err := json.Unmarshal([]byte(perms), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][2][]string{}
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement %s: effect %s", st.Sid, st.Effect)
		}
		got[st.Sid] = [2][]string{st.Action, st.Resource}
	}
	want := map[string][2][]string{
		"StartQuery": {{"athena:GetQueryExecution", "athena:StartQueryExecution"}, {"arn:aws:athena:eu-west-1:123456789012:workgroup/analytics"}},
		"ReadCatalog": {{"glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"}, {
			"arn:aws:glue:eu-west-1:123456789012:catalog", "arn:aws:glue:eu-west-1:123456789012:database/sales",
			"arn:aws:glue:eu-west-1:123456789012:table/sales/*"}},
		"Buckets": {{"s3:GetBucketLocation", "s3:ListBucket"}, {"arn:aws:s3:::datalake", "arn:aws:s3:::reports-bucket"}},
		// Multipart uploads of the results: listed on the report bucket
		// only, parts listed and uploads aborted under the report prefix
		// only.
		"ReportUploads": {{"s3:ListBucketMultipartUploads"}, {"arn:aws:s3:::reports-bucket"}},
		"WriteReport": {{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
			{"arn:aws:s3:::reports-bucket/daily/*"}},
		"ReadSource": {{"s3:GetObject"}, {"arn:aws:s3:::datalake/customers/*", "arn:aws:s3:::datalake/orders/*"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("permissions policy (-want +got):\n%s", d)
	}
	if strings.Contains(perms, `"*"`) || strings.Contains(perms, `:*"`) {
		t.Errorf("wildcard action or resource in %s", perms)
	}

	// A federated catalog adds athena:GetDataCatalog; no source: no ReadSource.
	s.Catalog, s.SourceS3URIs = "lambda_catalog", nil
	perms, _ = permissionsPolicy(s, acct, "eu-west-1")
	if !strings.Contains(perms, `"athena:GetDataCatalog"`) || !strings.Contains(perms, "datacatalog/lambda_catalog") || strings.Contains(perms, "ReadSource") {
		t.Errorf("federated catalog policy: %s", perms)
	}

	// A dead-letter queue: the scheduler sends to it with the role, so the role may send to that queue only.
	if strings.Contains(perms, "sqs:") {
		t.Errorf("no dead-letter queue, yet an SQS grant: %s", perms)
	}
	s.DeadLetterARN = "arn:aws:sqs:eu-west-1:123456789012:reports-dlq"
	perms, _ = permissionsPolicy(s, acct, "eu-west-1")
	if !strings.Contains(perms, `{"Sid":"DeadLetter","Effect":"Allow","Action":["sqs:SendMessage"],"Resource":["arn:aws:sqs:eu-west-1:123456789012:reports-dlq"]}`) {
		t.Errorf("dead-letter queue policy: %s", perms)
	}
}

func TestAthenaReportSchedule_ReportManagerLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFakeReportAWS()
	m := f.manager()
	s := testReportSpec()
	s.RunOnCreate = true
	st, err := m.create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	role := "refarch-athena-report-daily-sales"
	if st.ManagedRoleName != role || st.RoleARN != "arn:aws:iam::123456789012:role/"+role || st.NamedQueryID == "" ||
		st.ScheduleARN != "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/daily-sales" || st.InitialQueryExecutionID == "" {
		t.Fatalf("state %+v", st)
	}
	wantCalls := []string{"CreateRole " + role, "PutRolePolicy " + role + " athena-report", "CreateNamedQuery nq-1 daily-sales", "CreateSchedule default/daily-sales", "StartQueryExecution"}
	if d := cmp.Diff(wantCalls, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	sq := f.started[0]
	if aws.ToString(sq.QueryString) != s.Query || aws.ToString(sq.WorkGroup) != "analytics" || aws.ToString(sq.QueryExecutionContext.Database) != "sales" ||
		aws.ToString(sq.QueryExecutionContext.Catalog) != "AwsDataCatalog" || aws.ToString(sq.ResultConfiguration.OutputLocation) != s.ReportS3URI {
		t.Errorf("StartQueryExecution %+v", sq)
	}
	if tr := f.roles[role].trust; !strings.Contains(tr, `"aws:SourceAccount":"123456789012"`) {
		t.Errorf("trust %s", tr)
	}

	// Read gives back what was created.
	o, err := m.read(ctx, "default", "daily-sales", st)
	if err != nil || !o.NamedQueryFound || !o.RoleFound {
		t.Fatalf("read: %+v, %v", o, err)
	}
	want := s
	want.RoleARN, want.SourceS3URIs, want.RunOnCreate = st.RoleARN, nil, false
	if d := cmp.Diff(want, o.Spec); d != "" {
		t.Errorf("read spec (-want +got):\n%s", d)
	}

	// A schedule-only change keeps the named query; a query change
	// replaces it (new one first, old one deleted after the schedule
	// update).
	f.calls = nil
	s2 := s
	s2.ScheduleExpression, s2.State = "rate(1 hour)", "DISABLED"
	st2, err := m.update(ctx, s, s2, st, false)
	if err != nil || st2.NamedQueryID != st.NamedQueryID {
		t.Fatalf("update: %+v, %v", st2, err)
	}
	s3 := s2
	s3.Query = "SELECT 1"
	f.calls = nil
	st3, err := m.update(ctx, s2, s3, st2, false)
	if err != nil || st3.NamedQueryID == st2.NamedQueryID {
		t.Fatalf("update: %+v, %v", st3, err)
	}
	wantCalls = []string{"UpdateAssumeRolePolicy " + role, "PutRolePolicy " + role + " athena-report", "CreateNamedQuery nq-3 daily-sales",
		"UpdateSchedule default/daily-sales", "DeleteNamedQuery " + st2.NamedQueryID}
	if d := cmp.Diff(wantCalls, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{st3.NamedQueryID}, f.queryIDs()); d != "" {
		t.Errorf("named queries: %s", d)
	}
	last := f.updateInputs[len(f.updateInputs)-1]
	if aws.ToString(last.ScheduleExpressionTimezone) != "Europe/Paris" || last.State != "DISABLED" || !strings.Contains(aws.ToString(last.Target.Input), `"SELECT 1"`) {
		t.Errorf("UpdateSchedule lacks parts of the definition: %+v", last)
	}

	// Delete in order, twice (the second time everything is gone).
	f.calls = nil
	if err := m.delete(ctx, "default", "daily-sales", st3); err != nil {
		t.Fatal(err)
	}
	wantCalls = []string{"DeleteSchedule default/daily-sales", "DeleteNamedQuery " + st3.NamedQueryID, "DeleteRolePolicy " + role + " athena-report", "DeleteRole " + role}
	if d := cmp.Diff(wantCalls, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if err := m.delete(ctx, "default", "daily-sales", st3); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if a, b, c := f.counts(); a+b+c != 0 {
		t.Errorf("left behind: %d schedules, %d named queries, %d roles", a, b, c)
	}
	if _, err := m.read(ctx, "default", "daily-sales", st3); !errors.Is(err, errReportNotFound) {
		t.Errorf("read after delete: %v", err)
	}
}

func TestAthenaReportSchedule_ReportManagerOwnRoleAndErrors(t *testing.T) {
	ctx := context.Background()
	f := newFakeReportAWS()
	m := f.manager()
	s := testReportSpec()
	s.RoleARN = "arn:aws:iam::123456789012:role/my-own"
	st, err := m.create(ctx, s)
	if err != nil || st.ManagedRoleName != "" || st.RoleARN != s.RoleARN || len(f.roles) != 0 {
		t.Fatalf("create with own role: %+v, %v", st, err)
	}
	if st.InitialQueryExecutionID != "" || len(f.started) != 0 {
		t.Errorf("run_on_create false ran the query")
	}
	if err := m.delete(ctx, s.Group, s.Name, st); err != nil {
		t.Fatal(err)
	}

	// The role is not assumable yet: CreateSchedule is retried.
	f.fail["CreateSchedule"] = validationErr("The execution role you provide must allow AWS EventBridge Scheduler to assume the role.")
	s.RoleARN = ""
	if _, err := m.create(ctx, s); err != nil {
		t.Fatalf("create with a propagating role: %v", err)
	}
	// Other errors are not retried, and what was made is reported.
	f2 := newFakeReportAWS()
	f2.fail["CreateSchedule"] = &schedtypes.ServiceQuotaExceededException{Message: aws.String("quota")}
	st, err = f2.manager().create(ctx, s)
	if err == nil || st.NamedQueryID == "" || st.ManagedRoleName == "" || st.ScheduleARN != "" {
		t.Errorf("partial create: %+v, %v", st, err)
	}
}

// STS cannot tell the account: creating or updating the managed role is
// an error that says what to do, before any IAM, Athena or Scheduler
// call; a role of the user's own needs no STS.
func TestAthenaReportSchedule_ReportAccountUnknownIsAnError(t *testing.T) {
	ctx := context.Background()
	s := testReportSpec()
	for name, setup := range map[string]func(*fakeReportAWS){
		"GetCallerIdentity fails": func(f *fakeReportAWS) { f.noAccount = true },
		"no account id": func(f *fakeReportAWS) {
			f.identity = &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:iam::123456789012:user/test")}
		},
		"unparsable caller ARN": func(f *fakeReportAWS) {
			f.identity = &sts.GetCallerIdentityOutput{Account: aws.String(fakeReportAccount), Arn: aws.String("user/test")}
		},
		"account id not 12 digits": func(f *fakeReportAWS) {
			f.identity = &sts.GetCallerIdentityOutput{Account: aws.String("*"), Arn: aws.String("arn:aws:iam::*:user/test")}
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeReportAWS()
			setup(f)
			st, err := f.manager().create(ctx, s)
			if err == nil {
				t.Fatalf("create succeeded: %+v, trust policies %v", st, f.roles)
			}
			for _, want := range []string{"sts:GetCallerIdentity", "role_arn", "aws:SourceAccount"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not mention %s: %v", want, err)
				}
			}
			if len(f.calls) != 0 || st != (reportState{}) {
				t.Errorf("create went on after the STS failure: calls %v, state %+v", f.calls, st)
			}

			// The same on update, which also puts the role's policies.
			f2 := newFakeReportAWS()
			m := f2.manager()
			st, err = m.create(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			setup(f2)
			f2.calls = nil
			s2 := s
			s2.Query = "SELECT 2"
			if _, err := m.update(ctx, s, s2, st, false); err == nil || !strings.Contains(err.Error(), "sts:GetCallerIdentity") {
				t.Errorf("update: %v", err)
			}
			if len(f2.calls) != 0 {
				t.Errorf("update went on after the STS failure: %v", f2.calls)
			}
		})
	}
	// The user's own role: STS is not needed.
	f := newFakeReportAWS()
	f.noAccount = true
	own := s
	own.RoleARN = "arn:aws:iam::123456789012:role/my-own"
	if _, err := f.manager().create(ctx, own); err != nil {
		t.Errorf("create with role_arn and no STS: %v", err)
	}
}

func TestAthenaReportSchedule_ReportAccountPartition(t *testing.T) {
	for arn, want := range map[string]awsAccount{
		"arn:aws:iam::123456789012:user/test":                      {"aws", "123456789012"},
		"arn:aws-cn:sts::123456789012:assumed-role/deploy/session": {"aws-cn", "123456789012"},
		"arn:aws-us-gov:iam::123456789012:root":                    {"aws-us-gov", "123456789012"},
	} {
		f := newFakeReportAWS()
		f.identity = &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String(arn)}
		got, err := f.manager().account(context.Background())
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", arn, got, err, want)
		}
	}
}

// Athena's multipart uploads of large results need the upload actions:
// the bucket-level one on the report bucket only, the object-level ones on
// the report prefix only (never on a source bucket or prefix).
func TestAthenaReportSchedule_ReportRoleMultipartUploads(t *testing.T) {
	s := testReportSpec()
	perms, err := permissionsPolicy(s, awsAccount{Partition: "aws", Account: "123456789012"}, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDocument
	if err := json.Unmarshal([]byte(perms), &doc); err != nil {
		t.Fatal(err)
	}
	granted := map[string][]string{} // action: resources
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			granted[a] = append(granted[a], st.Resource...)
		}
	}
	want := map[string][]string{
		"s3:ListBucketMultipartUploads": {"arn:aws:s3:::reports-bucket"},
		"s3:ListMultipartUploadParts":   {"arn:aws:s3:::reports-bucket/daily/*"},
		"s3:AbortMultipartUpload":       {"arn:aws:s3:::reports-bucket/daily/*"},
		"s3:PutObject":                  {"arn:aws:s3:::reports-bucket/daily/*"},
	}
	for a, res := range want {
		if d := cmp.Diff(res, granted[a]); d != "" {
			t.Errorf("%s (-want +got):\n%s", a, d)
		}
	}
}

// Only Scheduler's "cannot assume the role yet" ValidationException is
// retried while IAM propagates a new role; any other ValidationException
// is final at once.
func TestAthenaReportSchedule_ReportRetryOnlyWhileRolePropagates(t *testing.T) {
	ctx := context.Background()
	m := newFakeReportAWS().manager()
	propagating := validationErr("The execution role you provide must allow AWS EventBridge Scheduler to assume the role.")

	calls := 0
	err := m.retryWhileRolePropagates(ctx, "test", func(context.Context) error {
		calls++
		if calls <= 3 {
			return propagating
		}
		return nil
	})
	if err != nil || calls != 4 {
		t.Errorf("propagation: %d calls, %v; want 4 calls and success", calls, err)
	}

	for _, other := range []error{
		validationErr("Invalid Target Input: the JSON is not a StartQueryExecution request."),
		validationErr("Schedule expression is invalid."),
		&schedtypes.ServiceQuotaExceededException{Message: aws.String("quota")},
	} {
		calls = 0
		err = m.retryWhileRolePropagates(ctx, "test", func(context.Context) error {
			calls++
			if calls == 1 {
				return other
			}
			return nil
		})
		if calls != 1 || !errors.Is(err, other) {
			t.Errorf("%v: %d calls, %v; want one call and the error", other, calls, err)
		}
	}

	// The wait is bounded by the context: a role that never becomes
	// assumable ends with the last error.
	done, cancel := context.WithCancel(ctx)
	cancel()
	err = m.retryWhileRolePropagates(done, "creating schedule default/x", func(context.Context) error { return propagating })
	if !errors.Is(err, propagating) || !strings.Contains(err.Error(), "gave up") {
		t.Errorf("after the deadline: %v", err)
	}

	// Through create and update: another ValidationException fails at the
	// first CreateSchedule/UpdateSchedule.
	f := newFakeReportAWS()
	s := testReportSpec()
	f.fail["CreateSchedule"] = validationErr("Invalid Target Input.")
	st, err := f.manager().create(ctx, s)
	if err == nil || !strings.Contains(err.Error(), "Invalid Target Input") || st.ScheduleARN != "" || len(f.createInputs) != 0 {
		t.Errorf("create: %+v, %v, %d CreateSchedule calls stored", st, err, len(f.createInputs))
	}
	f = newFakeReportAWS()
	m = f.manager()
	st, err = m.create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	f.fail["UpdateSchedule"] = validationErr("Invalid Target Input.")
	s2 := s
	s2.State = "DISABLED"
	if _, err := m.update(ctx, s, s2, st, false); err == nil || len(f.updateInputs) != 0 {
		t.Errorf("update: %v, %d UpdateSchedule calls stored", err, len(f.updateInputs))
	}
}

const testReportKMSKey = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// report_kms_key_arn: the runs ask for SSE_KMS with the key (the schedule's
// Input in the Athena API's field names, and run_on_create), the managed
// role may use that key only, and read gives it back; without it there is
// neither an EncryptionConfiguration nor a KMS grant.
func TestAthenaReportSchedule_ReportKMSKey(t *testing.T) {
	acct := awsAccount{Partition: "aws", Account: "123456789012"}
	s := testReportSpec()
	if in, _ := s.targetInput(); strings.Contains(in, "Encryption") {
		t.Errorf("no key, yet %s", in)
	}
	if in := s.startQueryExecutionInput(); in.ResultConfiguration.EncryptionConfiguration != nil {
		t.Errorf("no key, yet %+v", in.ResultConfiguration.EncryptionConfiguration)
	}
	if perms, _ := permissionsPolicy(s, acct, "eu-west-1"); strings.Contains(perms, "kms:") {
		t.Errorf("no key, yet a KMS grant: %s", perms)
	}

	s.ReportKMSKeyARN = testReportKMSKey
	in, err := s.targetInput()
	if err != nil {
		t.Fatal(err)
	}
	want := `"ResultConfiguration":{"OutputLocation":"s3://reports-bucket/daily/","EncryptionConfiguration":{"EncryptionOption":"SSE_KMS","KmsKey":"` + testReportKMSKey + `"}}`
	if !strings.Contains(in, want) {
		t.Errorf("target Input\n got %s\nwant it to contain %s", in, want)
	}
	sq := s.startQueryExecutionInput()
	if e := sq.ResultConfiguration.EncryptionConfiguration; e == nil || e.EncryptionOption != "SSE_KMS" || aws.ToString(e.KmsKey) != testReportKMSKey {
		t.Errorf("StartQueryExecution encryption %+v", e)
	}
	perms, err := permissionsPolicy(s, acct, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDocument
	if err := json.Unmarshal([]byte(perms), &doc); err != nil {
		t.Fatal(err)
	}
	var kms []policyStatement
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "kms:") {
				kms = append(kms, st)
				break
			}
		}
	}
	wantKMS := []policyStatement{{Sid: "ReportKey", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{testReportKMSKey}}}
	if d := cmp.Diff(wantKMS, kms); d != "" {
		t.Errorf("KMS statements (-want +got):\n%s", d)
	}

	// Through the manager: created, read back, removed.
	ctx := context.Background()
	f := newFakeReportAWS()
	m := f.manager()
	s.RunOnCreate = true
	st, err := m.create(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if e := f.started[0].ResultConfiguration.EncryptionConfiguration; e == nil || aws.ToString(e.KmsKey) != testReportKMSKey {
		t.Errorf("run_on_create encryption %+v", e)
	}
	if p := f.roles[st.ManagedRoleName].policies[reportRolePolicyName]; !strings.Contains(p, `"Resource":["`+testReportKMSKey+`"]`) {
		t.Errorf("role policy %s", p)
	}
	o, err := m.read(ctx, s.Group, s.Name, st)
	if err != nil || o.Spec.ReportKMSKeyARN != testReportKMSKey {
		t.Errorf("read: %q, %v", o.Spec.ReportKMSKeyARN, err)
	}
	s2 := s
	s2.ReportKMSKeyARN = ""
	if _, err := m.update(ctx, s, s2, st, false); err != nil {
		t.Fatal(err)
	}
	if in := aws.ToString(f.updateInputs[0].Target.Input); strings.Contains(in, "Encryption") {
		t.Errorf("key removed, yet %s", in)
	}
	if p := f.roles[st.ManagedRoleName].policies[reportRolePolicyName]; strings.Contains(p, "kms:") {
		t.Errorf("key removed, yet %s", p)
	}
	if o, _ := m.read(ctx, s.Group, s.Name, st); o.Spec.ReportKMSKeyARN != "" {
		t.Errorf("read after removal: %q", o.Spec.ReportKMSKeyARN)
	}
}

func TestAthenaReportSchedule_KMSKeyARNPattern(t *testing.T) {
	for _, a := range []string{
		testReportKMSKey,
		"arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
		"arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	} {
		if !kmsKeyARNRE.MatchString(a) {
			t.Errorf("%s refused", a)
		}
	}
	for _, a := range []string{
		"", "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/reports",
		"arn:aws:kms:eu-west-1:123456789012:alias/reports",
		"arn:aws:kms:eu-west-1:123456789012:key/*",
		"arn:aws:kms:eu-west-1:*:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws:s3:::reports-bucket",
	} {
		if kmsKeyARNRE.MatchString(a) {
			t.Errorf("%q accepted", a)
		}
	}
}

func TestAthenaReportSchedule_StartQueryTargetPartition(t *testing.T) {
	for role, want := range map[string]string{
		"arn:aws:iam::111122223333:role/r":        reportStartQueryTarget,
		"arn:aws-cn:iam::111122223333:role/r":     "arn:aws-cn:scheduler:::aws-sdk:athena:startQueryExecution",
		"arn:aws-us-gov:iam::111122223333:role/r": "arn:aws-us-gov:scheduler:::aws-sdk:athena:startQueryExecution",
	} {
		s := testReportSpec()
		in, err := s.createScheduleInput(role)
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(in.Target.Arn); got != want {
			t.Errorf("role %s: target %s, want %s", role, got, want)
		}
	}
}
