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
// list), with an ASCII local part and domain as SES v1 requires.
func ParseAddress(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errors.New("empty email")
	}
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("invalid email %q: %v", s, err)
	}
	if a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "", fmt.Errorf("email %q must be a bare address, not %q", s, a.Address)
	}
	for _, r := range a.Address {
		if r > unicode.MaxASCII {
			return "", fmt.Errorf("email %q is not ASCII (SES needs a punycode domain and an ASCII local part)", s)
		}
	}
	if at := strings.LastIndexByte(a.Address, '@'); !strings.Contains(a.Address[at+1:], ".") {
		return "", fmt.Errorf("email %q has no dotted domain", s)
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
// retry could not fix them).
//
// When SES fails, the handler stops and reports that record as the batch
// item failure: for stream sources Lambda resumes from the lowest reported
// sequence number, so every later record of the batch is delivered again
// anyway — sending them now would mail those subscribers twice. Retries and
// the on-failure destination are the event source mapping's settings
// (MaximumRetryAttempts, DestinationConfig.OnFailure).
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	site := h.Site
	if site == "" {
		site = DefaultSiteName
	}
	for i, rec := range ev.Records {
		seq := rec.Change.SequenceNumber
		log := h.logger().With("record", i, "event_id", rec.EventID, "event_name", rec.EventName, "sequence_number", seq)
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
			log.Debug("not an INSERT, ignored")
			continue
		}
		to, name, err := subscriber(rec.Change.NewImage)
		if err != nil {
			log.Warn("no welcome mail: " + err.Error())
			continue
		}
		msg, err := Render(site, to, name)
		if err == nil {
			err = h.send(ctx, msg)
		}
		if err != nil {
			log.Error("welcome mail failed; reporting the record for retry", "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			return resp, nil
		}
		log.Info("welcome mail sent")
	}
	return resp, nil
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
