// Package consumer is the logic of the microservices' asynchronous consumer: it takes order events from an SQS queue
// (SNS-enveloped or raw) or a Kinesis stream, validates them and stores each once. Poison messages — ones that can
// never be processed — are reported as batch item failures, so the event source retries only them and the queue's
// redrive policy moves them to the dead-letter queue while the rest of the batch flows on.
package consumer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Event is an order event as the services publish it.
type Event struct {
	// EventID identifies the event; when absent, the SNS message id (or the SQS message id / Kinesis sequence
	// number) stands in, so retries and duplicates are still recognised.
	EventID     string `json:"event_id"`
	Type        string `json:"type"`
	OrderID     string `json:"order_id"`
	AmountCents *int64 `json:"amount_cents,omitempty"`
	OccurredAt  string `json:"occurred_at,omitempty"`
}

// MaxMessageBytes bounds a message body (SQS's own limit is 256 KiB).
const MaxMessageBytes = 256 * 1024

var (
	typePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)
)

// ErrPoison marks a message that can never be processed (malformed or invalid); retrying it cannot help.
var ErrPoison = errors.New("poison message")

func poison(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrPoison, fmt.Sprintf(format, a...))
}

// snsEnvelope is what SNS delivers to a queue without raw message delivery.
type snsEnvelope struct {
	Type      string `json:"Type"`
	MessageID string `json:"MessageId"`
	TopicArn  string `json:"TopicArn"`
	Message   string `json:"Message"`
}

// Parse reads an event from a message body: an SNS notification envelope (the event is its Message) or the event
// itself (raw delivery, Kinesis). fallbackID is used when neither the event nor the envelope has an id.
func Parse(body []byte, fallbackID string) (Event, error) {
	if len(body) > MaxMessageBytes {
		return Event{}, poison("body of %d bytes exceeds %d", len(body), MaxMessageBytes)
	}
	var env snsEnvelope
	if json.Unmarshal(body, &env) == nil && env.Type == "Notification" && env.TopicArn != "" {
		body = []byte(env.Message)
		if env.MessageID != "" {
			fallbackID = env.MessageID
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var e Event
	if err := dec.Decode(&e); err != nil {
		return Event{}, poison("not an order event JSON object: %s", short(err.Error()))
	}
	if dec.More() {
		return Event{}, poison("more than one JSON value")
	}
	if e.EventID == "" {
		e.EventID = fallbackID
	}
	switch {
	case !idPattern.MatchString(e.EventID):
		return Event{}, poison("event_id must be 1-128 letters, digits or _.:-")
	case !typePattern.MatchString(e.Type) || len(e.Type) > 64:
		return Event{}, poison("type %q is not a dotted lowercase event type such as order.created", short(e.Type))
	case !idPattern.MatchString(e.OrderID):
		return Event{}, poison("order_id must be 1-128 letters, digits or _.:-")
	case e.AmountCents != nil && *e.AmountCents < 0:
		return Event{}, poison("amount_cents must not be negative")
	}
	if e.OccurredAt != "" {
		if _, err := time.Parse(time.RFC3339Nano, e.OccurredAt); err != nil {
			return Event{}, poison("occurred_at must be RFC 3339")
		}
	}
	return e, nil
}

func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
