// Package mail sends MyBlog's welcome e-mail (architecture 172): a DynamoDB
// Streams event from the users table → one SES SendEmail per INSERT.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	netmail "net/mail"
	"strings"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/smithy-go"

	"github.com/refarch/terraform-provider-refarch/internal/logtext"
)

// SESAPI is the part of the SES v1 client the handler uses; *ses.Client
// implements it.
type SESAPI interface {
	SendEmail(ctx context.Context, in *ses.SendEmailInput, optFns ...func(*ses.Options)) (*ses.SendEmailOutput, error)
}

// DefaultSiteName is what the mail calls the site unless configured.
const DefaultSiteName = "MyBlog"

// MaxNameRunes bounds the name put into a mail; longer names are cut.
const MaxNameRunes = 100

// MaxAddressBytes is the longest recipient address accepted: RFC 5321's 256-octet
// path limit less the angle brackets.
const MaxAddressBytes = 254

// Bounds of what a log line quotes from a record or from an error, which may
// echo the record.
const (
	maxLoggedAddressBytes = 64
	maxLoggedErrorBytes   = 300
)

// Templates: the subject and text body use text/template (plain text, no
// escaping needed), the HTML body html/template, which escapes the name.
const (
	subjectTemplate = `Welcome to {{.Site}}`
	textTemplate    = `Hello {{if .Name}}{{.Name}}{{else}}there{{end}},

welcome to {{.Site}}! Thanks for subscribing — you will hear from us when a new post is out.

The {{.Site}} team
`
	htmlTemplate = `<!DOCTYPE html>
<html><body>
<p>Hello {{if .Name}}{{.Name}}{{else}}there{{end}},</p>
<p>welcome to <strong>{{.Site}}</strong>! Thanks for subscribing — you will hear from us when a new post is out.</p>
<p>The {{.Site}} team</p>
</body></html>
`
)

var (
	subjectTmpl = texttemplate.Must(texttemplate.New("subject").Option("missingkey=error").Parse(subjectTemplate))
	textTmpl    = texttemplate.Must(texttemplate.New("text").Option("missingkey=error").Parse(textTemplate))
	htmlTmpl    = htmltemplate.Must(htmltemplate.New("html").Option("missingkey=error").Parse(htmlTemplate))
)

// Message is one rendered welcome mail.
type Message struct {
	To, Subject, Text, HTML string
}

type templateData struct{ Site, Name string }

// Render renders the welcome mail for a recipient address and an optional
// display name.
func Render(site, to, name string) (Message, error) {
	d := templateData{Site: site, Name: CleanName(name)}
	var subj, text, html bytes.Buffer
	if err := subjectTmpl.Execute(&subj, d); err != nil {
		return Message{}, err
	}
	if err := textTmpl.Execute(&text, d); err != nil {
		return Message{}, err
	}
	if err := htmlTmpl.Execute(&html, d); err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: strings.TrimSpace(subj.String()), Text: text.String(), HTML: html.String()}, nil
}

// CleanName trims a user-supplied name, drops control characters (no line
// breaks in a greeting) and cuts it to MaxNameRunes.
func CleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxNameRunes {
		name = strings.TrimSpace(string([]rune(name)[:MaxNameRunes]))
	}
	return name
}

// ParseAddress validates a recipient: one bare address (no display name, no
// list, no line break) of at most MaxAddressBytes, with an ASCII local part
// and domain as SES v1 requires. Its errors quote at most the first 64 bytes
// of s.
func ParseAddress(s string) (string, error) {
	trimmed := strings.TrimSpace(s)
	switch {
	case trimmed == "":
		return "", errors.New("empty email")
	case len(trimmed) > MaxAddressBytes:
		return "", fmt.Errorf("email %s is longer than %d bytes", logtext.Quote(trimmed, maxLoggedAddressBytes), MaxAddressBytes)
	case strings.ContainsAny(s, "\r\n"):
		return "", fmt.Errorf("email %s contains a line break", logtext.Quote(s, maxLoggedAddressBytes))
	}
	q := logtext.Quote(trimmed, maxLoggedAddressBytes)
	a, err := netmail.ParseAddress(trimmed)
	if err != nil {
		return "", fmt.Errorf("invalid email %s: %v", q, err)
	}
	if a.Name != "" || a.Address != trimmed {
		return "", fmt.Errorf("email %s must be a bare address, not %s", q, logtext.Quote(a.Address, maxLoggedAddressBytes))
	}
	for _, r := range a.Address {
		if r > unicode.MaxASCII {
			return "", fmt.Errorf("email %s is not ASCII (SES needs a punycode domain and an ASCII local part)", q)
		}
	}
	if at := strings.LastIndexByte(a.Address, '@'); !strings.Contains(a.Address[at+1:], ".") {
		return "", fmt.Errorf("email %s has no dotted domain", q)
	}
	return a.Address, nil
}

// Handler handles DynamoDB Streams events from the users table. The event
// source mapping must have FunctionResponseTypes = ["ReportBatchItemFailures"].
type Handler struct {
	SES SESAPI
	// Sender is the verified SES identity mails come from (SENDER_ADDRESS).
	Sender string
	// Site names the blog in the mail; defaults to DefaultSiteName.
	Site string
	// ConfigurationSet, if set, is passed to SES (bounce/complaint tracking).
	ConfigurationSet string
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// NewHandler validates the sender address.
func NewHandler(client SESAPI, sender string) (*Handler, error) {
	if sender == "" {
		return nil, errors.New("missing required environment variable SENDER_ADDRESS")
	}
	if _, err := netmail.ParseAddress(sender); err != nil {
		return nil, fmt.Errorf("SENDER_ADDRESS=%q is not an email address: %v", sender, err)
	}
	return &Handler{SES: client, Sender: sender}, nil
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// Handle sends one welcome mail per INSERT record whose NewImage has a valid
// "email" (S) attribute; "name" (S) is optional. MODIFY and REMOVE records
// are ignored; INSERTs without a usable email are logged and skipped (a
// retry could not fix them). Log lines quote at most a bounded prefix of
// what the record holds, never the record.
//
// When SES rejects a mail for good (IsPermanent: the message, the address
// or the sender's MAIL FROM domain is refused), retrying the same record
// gets the same answer until the stream gives up, and holds back every
// later subscriber meanwhile: the record is logged at error level ("welcome
// mail permanently rejected") and dropped. Any other failure (throttling,
// a network error, SES unavailable) stops the batch and reports that record
// as the batch item failure: for stream sources Lambda resumes from the
// lowest reported sequence number, so every later record of the batch is
// delivered again anyway — sending them now would mail those subscribers
// twice. Retries and the on-failure destination are the event source
// mapping's settings (MaximumRetryAttempts, DestinationConfig.OnFailure).
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	site := h.Site
	if site == "" {
		site = DefaultSiteName
	}
	for i, rec := range ev.Records {
		seq := rec.Change.SequenceNumber
		log := h.logger().With("record", i, "event_id", logtext.Clip(rec.EventID, 128),
			"event_name", logtext.Clip(rec.EventName, 32), "sequence_number", logtext.Clip(seq, 128))
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
			log.Debug("not an INSERT, ignored")
			continue
		}
		to, name, err := subscriber(rec.Change.NewImage)
		if err != nil {
			log.Warn("no welcome mail: " + logtext.Clip(err.Error(), maxLoggedErrorBytes))
			continue
		}
		msg, err := Render(site, to, name)
		if err == nil {
			err = h.send(ctx, msg)
		}
		switch {
		case err == nil:
			log.Info("welcome mail sent")
		case IsPermanent(err):
			log.Error("welcome mail permanently rejected; record dropped, not retried",
				"error", logtext.Clip(err.Error(), maxLoggedErrorBytes))
		default:
			log.Error("welcome mail failed; reporting the record for retry", "error", logtext.Clip(err.Error(), maxLoggedErrorBytes))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			return resp, nil
		}
	}
	return resp, nil
}

// IsPermanent reports whether err from SendEmail is a rejection that a retry
// of the same mail cannot fix: MessageRejected (e.g. a recipient or sender
// SES refuses), MailFromDomainNotVerified, or an InvalidParameterValue (SES
// v1 has no typed error for it; it is an API error with that code).
// Throttling, account or configuration-set pauses and transport errors are
// not permanent.
func IsPermanent(err error) bool {
	var rejected *types.MessageRejected
	var mailFrom *types.MailFromDomainNotVerifiedException
	if errors.As(err, &rejected) || errors.As(err, &mailFrom) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "InvalidParameterValue"
}

func (h *Handler) send(ctx context.Context, m Message) error {
	in := &ses.SendEmailInput{
		Source:      aws.String(h.Sender),
		Destination: &types.Destination{ToAddresses: []string{m.To}},
		Message: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
			},
		},
	}
	if h.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(h.ConfigurationSet)
	}
	_, err := h.SES.SendEmail(ctx, in)
	if err != nil {
		return fmt.Errorf("SES SendEmail: %w", err)
	}
	return nil
}

// subscriber reads email and name from a stream record's NewImage.
func subscriber(img map[string]events.DynamoDBAttributeValue) (email, name string, err error) {
	if img == nil {
		return "", "", errors.New("record has no NewImage (stream view type must include NEW_IMAGE)")
	}
	av, ok := img["email"]
	if !ok || av.IsNull() {
		return "", "", errors.New(`NewImage has no "email" attribute`)
	}
	if av.DataType() != events.DataTypeString {
		return "", "", errors.New(`"email" attribute is not a string (S)`)
	}
	email, err = ParseAddress(av.String())
	if err != nil {
		return "", "", err
	}
	if n, ok := img["name"]; ok && n.DataType() == events.DataTypeString {
		name = n.String()
	}
	return email, name, nil
}
