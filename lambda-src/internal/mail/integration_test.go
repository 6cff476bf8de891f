package mail

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/refarch/terraform-provider-refarch/internal/sandbox/sandboxtest"
)

// TestIntegrationWelcomeMailSandbox sends a welcome mail through the real SES
// client against the local sandbox (kumo) and reads it back from kumo's
// mailbox endpoint. Skips unless the sandbox is available (TF_ACC).
func TestIntegrationWelcomeMailSandbox(t *testing.T) {
	sb := sandboxtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg, err := sb.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := ses.NewFromConfig(cfg)

	const sender = "welcome@myblog.example.com"
	const subscriber = "new.reader@example.com"
	if _, err := client.VerifyEmailIdentity(ctx, &ses.VerifyEmailIdentityInput{EmailAddress: aws.String(sender)}); err != nil {
		t.Fatalf("VerifyEmailIdentity: %v", err)
	}

	h, err := NewHandler(client, sender)
	if err != nil {
		t.Fatal(err)
	}
	h.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		rec(insert, "100", user(subscriber, `Ann <"O'Hara">`)),
		rec(modify, "101", user(subscriber, "Ann")),
		rec(insert, "102", user("broken", "")),
	}}
	resp, err := h.Handle(ctx, ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Handle = %+v, %v; want no failures", resp, err)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sb.Endpoint+"/_aws/ses?email="+url.QueryEscape(sender), nil)
	res, err := sb.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailbox: HTTP %d", res.StatusCode)
	}
	var box []struct {
		Source      string   `json:"source"`
		Destination []string `json:"destination"`
		Subject     string   `json:"subject"`
		Body        string   `json:"body"`
		HTMLBody    string   `json:"htmlBody"`
	}
	if err := json.NewDecoder(res.Body).Decode(&box); err != nil {
		t.Fatalf("mailbox JSON: %v", err)
	}
	if len(box) != 1 {
		t.Fatalf("mailbox of %s has %d messages, want exactly 1: %+v", sender, len(box), box)
	}
	m := box[0]
	if m.Source != sender || len(m.Destination) != 1 || m.Destination[0] != subscriber || m.Subject != "Welcome to MyBlog" {
		t.Errorf("message = %+v", m)
	}
	if !strings.Contains(m.Body, `Hello Ann <"O'Hara">,`) || !strings.Contains(m.HTMLBody, "Hello Ann &lt;&#34;O&#39;Hara&#34;&gt;,") {
		t.Errorf("bodies:\ntext: %s\nhtml: %s", m.Body, m.HTMLBody)
	}
}
