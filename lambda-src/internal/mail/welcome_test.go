package mail

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/smithy-go"
)

// fakeSES records SendEmail calls; failFor makes sends to that address fail.
type fakeSES struct {
	mu      sync.Mutex
	sent    []*ses.SendEmailInput
	failFor map[string]error
}

func (f *fakeSES) SendEmail(_ context.Context, in *ses.SendEmailInput, _ ...func(*ses.Options)) (*ses.SendEmailOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.failFor[in.Destination.ToAddresses[0]]; err != nil {
		return nil, err
	}
	f.sent = append(f.sent, in)
	return &ses.SendEmailOutput{MessageId: aws.String("m-1")}, nil
}

func str(s string) events.DynamoDBAttributeValue { return events.NewStringAttribute(s) }

func rec(name events.DynamoDBOperationType, seq string, img map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{
		EventID:   "e-" + seq,
		EventName: string(name),
		Change: events.DynamoDBStreamRecord{
			SequenceNumber: seq,
			Keys:           map[string]events.DynamoDBAttributeValue{"id": str("u" + seq)},
			NewImage:       img,
		},
	}
}

func user(email, name string) map[string]events.DynamoDBAttributeValue {
	m := map[string]events.DynamoDBAttributeValue{"email": str(email)}
	if name != "" {
		m["name"] = str(name)
	}
	return m
}

const (
	insert = events.DynamoDBOperationTypeInsert
	modify = events.DynamoDBOperationTypeModify
	remove = events.DynamoDBOperationTypeRemove
)

// sesErr wraps an API error as the SDK returns it from SendEmail.
func sesErr(err error) error {
	return &smithy.OperationError{ServiceID: "SES", OperationName: "SendEmail", Err: err}
}

// maxLogLine bounds every log line the handler writes, whatever the record holds.
const maxLogLine = 1024

func TestHandle(t *testing.T) {
	sesDown := errors.New("Throttling: rate exceeded")
	// 254 bytes: RFC 5321's limit; one more is refused.
	longest := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"
	huge := strings.Repeat("a", 100_000) + "@example.com"
	three := func(middle string) []events.DynamoDBEventRecord {
		return []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com", "")), rec(insert, "2", user(middle, "")), rec(insert, "3", user("c@example.com", ""))}
	}
	tests := []struct {
		name      string
		records   []events.DynamoDBEventRecord
		failFor   map[string]error
		wantTo    []string
		wantFail  []string
		wantLog   string
		checkMail func(t *testing.T, in *ses.SendEmailInput)
	}{
		{name: "one mail per insert",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com", "Ann")), rec(insert, "2", user("b@example.com", ""))},
			wantTo:  []string{"a@example.com", "b@example.com"}},
		{name: "modify and remove send nothing",
			records: []events.DynamoDBEventRecord{rec(modify, "1", user("a@example.com", "Ann")), rec(remove, "2", nil)}},
		{name: "missing email skipped",
			records: []events.DynamoDBEventRecord{rec(insert, "1", map[string]events.DynamoDBAttributeValue{"name": str("x")}), rec(insert, "2", user("b@example.com", ""))},
			wantTo:  []string{"b@example.com"}, wantLog: `no \"email\" attribute`},
		{name: "no new image skipped",
			records: []events.DynamoDBEventRecord{rec(insert, "1", nil)}, wantLog: "no NewImage"},
		{name: "email not a string skipped",
			records: []events.DynamoDBEventRecord{rec(insert, "1", map[string]events.DynamoDBAttributeValue{"email": events.NewNumberAttribute("42")})},
			wantLog: "not a string"},
		{name: "invalid email skipped",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("not-an-address", "")), rec(insert, "2", user("c@example.com", ""))},
			wantTo:  []string{"c@example.com"}, wantLog: "invalid email"},
		{name: "display name form refused",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("Eve <eve@example.com>, x@example.com", ""))}, wantLog: "email"},
		{name: "bare address required",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("Eve <eve@example.com>", ""))}, wantLog: "must be a bare address"},
		{name: "address list refused",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com, b@example.com", ""))}, wantLog: "invalid email"},
		{name: "header injection refused",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com\r\nBcc: x@example.com", ""))}, wantLog: "line break"},
		{name: "trailing line break refused, not trimmed away",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com\r\n", "")), rec(insert, "2", user("b@example.com\n", ""))},
			wantLog: "line break"},
		{name: "254-byte address accepted",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user(longest, ""))}, wantTo: []string{longest}},
		{name: "255-byte address refused",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("x"+longest, ""))}, wantLog: "longer than 254 bytes"},
		{name: "huge address refused with a bounded log line",
			records: three(huge), wantTo: []string{"a@example.com", "c@example.com"}, wantLog: `(100012 bytes) is longer than 254 bytes`},
		{name: "huge display-name list refused with a bounded log line",
			records: three(strings.Repeat("Eve <e@example.com>, ", 12) + strings.Repeat("x", 100_000)),
			wantTo:  []string{"a@example.com", "c@example.com"}, wantLog: "longer than 254 bytes"},
		{name: "non-ascii refused",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("jörg@example.com", ""))}, wantLog: "not ASCII"},
		{name: "SES error reports that record and stops",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("a@example.com", "")), rec(insert, "2", user("down@example.com", "")), rec(insert, "3", user("c@example.com", ""))},
			failFor: map[string]error{"down@example.com": sesDown},
			wantTo:  []string{"a@example.com"}, wantFail: []string{"2"}, wantLog: "rate exceeded"},
		{name: "throttling reports that record and stops",
			records: three("slow@example.com"),
			failFor: map[string]error{"slow@example.com": sesErr(&smithy.GenericAPIError{Code: "Throttling", Message: "Maximum sending rate exceeded."})},
			wantTo:  []string{"a@example.com"}, wantFail: []string{"2"}, wantLog: "reporting the record for retry"},
		{name: "paused account is retried",
			records: three("p@example.com"),
			failFor: map[string]error{"p@example.com": sesErr(&types.AccountSendingPausedException{Message: aws.String("paused")})},
			wantTo:  []string{"a@example.com"}, wantFail: []string{"2"}, wantLog: "reporting the record for retry"},
		{name: "MessageRejected is dropped, not retried",
			records: three("rejected@example.com"),
			failFor: map[string]error{"rejected@example.com": sesErr(&types.MessageRejected{Message: aws.String("Email address is not verified.")})},
			wantTo:  []string{"a@example.com", "c@example.com"}, wantLog: "permanently rejected"},
		{name: "MailFromDomainNotVerified is dropped, not retried",
			records: three("m@example.com"),
			failFor: map[string]error{"m@example.com": sesErr(&types.MailFromDomainNotVerifiedException{Message: aws.String("not verified")})},
			wantTo:  []string{"a@example.com", "c@example.com"}, wantLog: "permanently rejected"},
		{name: "InvalidParameterValue is dropped, not retried",
			records: three("i@example.com"),
			failFor: map[string]error{"i@example.com": sesErr(&smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "Local address contains control or whitespace"})},
			wantTo:  []string{"a@example.com", "c@example.com"}, wantLog: "permanently rejected"},
		{name: "a huge SES error message is logged bounded",
			records: three("r@example.com"),
			failFor: map[string]error{"r@example.com": sesErr(&types.MessageRejected{Message: aws.String(strings.Repeat("r@example.com ", 10_000))})},
			wantTo:  []string{"a@example.com", "c@example.com"}, wantLog: "permanently rejected"},
		{name: "name is HTML-escaped in the HTML body",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("h@example.com", `<script>alert("x")</script> & Bob`))},
			wantTo:  []string{"h@example.com"},
			checkMail: func(t *testing.T, in *ses.SendEmailInput) {
				html := aws.ToString(in.Message.Body.Html.Data)
				if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Bob") {
					t.Errorf("HTML body not escaped:\n%s", html)
				}
				if text := aws.ToString(in.Message.Body.Text.Data); !strings.Contains(text, `Hello <script>alert("x")</script> & Bob,`) {
					t.Errorf("text body:\n%s", text)
				}
			}},
		{name: "mail content",
			records: []events.DynamoDBEventRecord{rec(insert, "1", user("  a@example.com", "  Ann\r\nBcc: x  "))},
			wantTo:  []string{"a@example.com"}, wantLog: "", checkMail: func(t *testing.T, in *ses.SendEmailInput) {
				if got := aws.ToString(in.Source); got != "MyBlog <hello@example.com>" {
					t.Errorf("source %q", got)
				}
				if got := aws.ToString(in.Message.Subject.Data); got != "Welcome to MyBlog" {
					t.Errorf("subject %q", got)
				}
				if text := aws.ToString(in.Message.Body.Text.Data); !strings.HasPrefix(text, "Hello AnnBcc: x,\n") {
					t.Errorf("text body %q", text)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeSES{failFor: tc.failFor}
			var logs bytes.Buffer
			h, err := NewHandler(fs, "MyBlog <hello@example.com>")
			if err != nil {
				t.Fatal(err)
			}
			h.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			resp, err := h.Handle(context.Background(), events.DynamoDBEvent{Records: tc.records})
			if err != nil {
				t.Fatalf("Handle returned error %v (must report batch item failures instead)", err)
			}
			var to []string
			for _, in := range fs.sent {
				if len(in.Destination.ToAddresses) != 1 || len(in.Destination.CcAddresses)+len(in.Destination.BccAddresses) != 0 {
					t.Errorf("destination %+v, want exactly one To", in.Destination)
				}
				to = append(to, in.Destination.ToAddresses...)
				if tc.checkMail != nil {
					tc.checkMail(t, in)
				}
			}
			if strings.Join(to, " ") != strings.Join(tc.wantTo, " ") {
				t.Errorf("sent to %v, want %v", to, tc.wantTo)
			}
			var fails []string
			for _, f := range resp.BatchItemFailures {
				fails = append(fails, f.ItemIdentifier)
			}
			if strings.Join(fails, " ") != strings.Join(tc.wantFail, " ") {
				t.Errorf("batch item failures %v, want %v", fails, tc.wantFail)
			}
			if tc.wantLog != "" && !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("logs lack %q:\n%.4000s", tc.wantLog, logs.String())
			}
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				if len(line) > maxLogLine {
					t.Errorf("log line of %d bytes, want at most %d: %.300s…", len(line), maxLogLine, line)
				}
			}
		})
	}
}

func TestNewHandler(t *testing.T) {
	if _, err := NewHandler(&fakeSES{}, ""); err == nil || !strings.Contains(err.Error(), "SENDER_ADDRESS") {
		t.Errorf("empty sender: %v", err)
	}
	if _, err := NewHandler(&fakeSES{}, "nope"); err == nil || !strings.Contains(err.Error(), "SENDER_ADDRESS") {
		t.Errorf("bad sender: %v", err)
	}
	if _, err := NewHandler(&fakeSES{}, "hello@example.com"); err != nil {
		t.Errorf("good sender: %v", err)
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"  Ann  ":                "Ann",
		"A\nB\tC\x00":            "ABC",
		strings.Repeat("é", 150): strings.Repeat("é", MaxNameRunes),
		"bad \xff utf8":          "bad  utf8",
		"":                       "",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("a@example.com", "Ann")
	f.Add("x", "<b>&</b>")
	f.Add("a@b.c", "\xff\x00\n")
	f.Fuzz(func(t *testing.T, email, name string) {
		if addr, err := ParseAddress(email); err == nil {
			if strings.ContainsAny(addr, "\r\n,<> ") || len(addr) > MaxAddressBytes {
				t.Fatalf("ParseAddress(%q) accepted %q", email, addr)
			}
		} else if len(err.Error()) > 512 {
			t.Fatalf("ParseAddress(%.40q…) error of %d bytes", email, len(err.Error()))
		}
		m, err := Render("MyBlog", email, name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.HTML, "<script") && !strings.Contains(htmlTemplate, "<script") {
			t.Fatalf("unescaped markup in HTML body for name %q", name)
		}
	})
}
