package consumer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type fakeSink struct {
	mu     sync.Mutex
	events map[string]Event
	fail   map[string]error // by order id
	puts   int
}

func newFakeSink() *fakeSink { return &fakeSink{events: map[string]Event{}, fail: map[string]error{}} }

func (s *fakeSink) Put(_ context.Context, e Event, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	if err := s.fail[e.OrderID]; err != nil {
		return err
	}
	s.events[e.EventID] = e
	return nil
}

func order(id, orderID string) string {
	return `{"event_id":"` + id + `","type":"order.created","order_id":"` + orderID + `","amount_cents":1299}`
}

func envelope(messageID, message string) string {
	b, _ := json.Marshal(map[string]any{
		"Type": "Notification", "MessageId": messageID, "TopicArn": "arn:aws:sns:us-east-1:123456789012:orders",
		"Message": message, "Timestamp": "2026-11-26T12:00:00.000Z",
		"MessageAttributes": map[string]any{"type": map[string]string{"Type": "String", "Value": "order.created"}},
	})
	return string(b)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		fallback string
		wantID   string
		poison   string
	}{
		{"raw event", order("e1", "o1"), "m1", "e1", ""},
		{"sns envelope", envelope("sns-1", order("e2", "o2")), "m1", "e2", ""},
		{"envelope supplies the id", envelope("sns-3", `{"type":"order.paid","order_id":"o3"}`), "m1", "sns-3", ""},
		{"raw without id uses the message id", `{"type":"order.paid","order_id":"o3"}`, "m-9", "m-9", ""},
		{"with occurred_at", `{"event_id":"e","type":"order.created","order_id":"o","occurred_at":"2026-11-26T12:00:00Z"}`, "", "e", ""},
		{"not json", "hello", "m", "", "not an order event"},
		{"envelope with junk", envelope("s", "hello"), "m", "", "not an order event"},
		{"unknown field", `{"type":"order.created","order_id":"o","admin":true}`, "m", "", "unknown field"},
		{"no order id", `{"type":"order.created"}`, "m", "", "order_id"},
		{"bad type", `{"type":"DROP TABLE","order_id":"o"}`, "m", "", "type"},
		{"negative amount", `{"type":"order.created","order_id":"o","amount_cents":-5}`, "m", "", "negative"},
		{"bad time", `{"type":"order.created","order_id":"o","occurred_at":"yesterday"}`, "m", "", "RFC 3339"},
		{"bad id", `{"event_id":"a b","type":"order.created","order_id":"o"}`, "m", "", "event_id"},
		{"two values", order("e", "o") + order("f", "o"), "m", "", "more than one"},
		{"huge", `{"type":"order.created","order_id":"` + strings.Repeat("o", MaxMessageBytes) + `"}`, "m", "", "exceeds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse([]byte(tc.body), tc.fallback)
			if tc.poison != "" {
				if !errors.Is(err, ErrPoison) || !strings.Contains(err.Error(), tc.poison) {
					t.Fatalf("Parse = %+v, %v; want poison containing %q", e, err, tc.poison)
				}
				return
			}
			if err != nil || e.EventID != tc.wantID {
				t.Fatalf("Parse = %+v, %v; want id %s", e, err, tc.wantID)
			}
		})
	}
}

func sqsBatch(bodies ...string) []byte {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: "m" + string(rune('0'+i)), Body: b, EventSource: "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders", Attributes: map[string]string{"ApproximateReceiveCount": "1"},
		})
	}
	raw, _ := json.Marshal(ev)
	return raw
}

func sqsResponse(t *testing.T, out any) events.SQSEventResponse {
	t.Helper()
	r, ok := out.(events.SQSEventResponse)
	if !ok {
		t.Fatalf("response %T, want events.SQSEventResponse", out)
	}
	return r
}

func TestSQSBatchReportsOnlyPoisonMessages(t *testing.T) {
	sink := newFakeSink()
	logs := &bytes.Buffer{}
	h := &Handler{Sink: sink, Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	out, err := h.Handle(context.Background(), sqsBatch(
		envelope("s0", order("e0", "o0")),
		"poison!",
		order("e2", "o2"),
		envelope("s3", `{"type":"order.created"}`),
		order("e4", "o4"),
	))
	if err != nil {
		t.Fatal(err)
	}
	resp := sqsResponse(t, out)
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if strings.Join(failed, ",") != "m1,m3" {
		t.Fatalf("batch item failures %v, want [m1 m3]", failed)
	}
	if len(sink.events) != 3 {
		t.Fatalf("stored %d events, want the 3 good ones", len(sink.events))
	}
	if !strings.Contains(logs.String(), `"poison":true`) {
		t.Fatalf("the poison messages' reason is not logged: %s", logs)
	}
	// The response is what Lambda expects: {"batchItemFailures":[{"itemIdentifier":"m1"},…]}.
	b, _ := json.Marshal(resp)
	if !strings.Contains(string(b), `"batchItemFailures":[{"itemIdentifier":"m1"}`) {
		t.Fatalf("response JSON %s", b)
	}
}

func TestSQSSinkFailureIsRetried(t *testing.T) {
	sink := newFakeSink()
	sink.fail["o1"] = errors.New("ProvisionedThroughputExceeded")
	h := &Handler{Sink: sink, Logger: slog.New(slog.DiscardHandler)}
	out, _ := h.Handle(context.Background(), sqsBatch(order("e0", "o0"), order("e1", "o1")))
	resp := sqsResponse(t, out)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
}

func TestAllGoodBatchReportsNoFailures(t *testing.T) {
	h := &Handler{Sink: newFakeSink(), Logger: slog.New(slog.DiscardHandler)}
	out, _ := h.Handle(context.Background(), sqsBatch(order("e0", "o0")))
	if b, _ := json.Marshal(out); string(b) != `{"batchItemFailures":[]}` {
		t.Fatalf("response %s", b)
	}
}

func TestKinesisStopsAtTheFirstFailure(t *testing.T) {
	sink := newFakeSink()
	h := &Handler{Sink: sink, Logger: slog.New(slog.DiscardHandler)}
	var ev events.KinesisEvent
	for i, body := range []string{order("e0", "o0"), "poison", order("e2", "o2")} {
		var r events.KinesisEventRecord
		r.EventSource = "aws:kinesis"
		r.EventSourceArn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
		r.Kinesis.SequenceNumber = "4959" + string(rune('0'+i))
		r.Kinesis.Data = []byte(body)
		ev.Records = append(ev.Records, r)
	}
	raw, _ := json.Marshal(ev)
	out, err := h.Handle(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	resp, ok := out.(events.KinesisEventResponse)
	if !ok {
		t.Fatalf("response %T", out)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "49591" {
		t.Fatalf("failures %+v, want the poison record's sequence number", resp.BatchItemFailures)
	}
	if len(sink.events) != 1 {
		t.Fatalf("stored %d events; records after the failure must wait for the retry", len(sink.events))
	}
}

func TestHandleRejectsOtherEvents(t *testing.T) {
	h := &Handler{Sink: newFakeSink(), Logger: slog.New(slog.DiscardHandler)}
	for _, raw := range []string{`nope`, `{"Records":[{"eventSource":"aws:s3"}]}`} {
		if _, err := h.Handle(context.Background(), json.RawMessage(raw)); err == nil {
			t.Errorf("Handle(%s) succeeded", raw)
		}
	}
	if out, err := h.Handle(context.Background(), json.RawMessage(`{"Records":[]}`)); err != nil || out == nil {
		t.Errorf("empty batch: %v %v", out, err)
	}
}

type panicSink struct{}

func (panicSink) Put(context.Context, Event, string) error { panic("boom") }

func TestPanicFailsOnlyThatMessage(t *testing.T) {
	h := &Handler{Sink: panicSink{}, Logger: slog.New(slog.DiscardHandler)}
	out, err := h.Handle(context.Background(), sqsBatch(order("e0", "o0")))
	if err != nil || len(sqsResponse(t, out).BatchItemFailures) != 1 {
		t.Fatalf("%v %v", out, err)
	}
}

type fakeDynamo struct {
	items map[string]map[string]types.AttributeValue
	err   error
}

func (f *fakeDynamo) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	av, ok := in.Item["event_id"].(*types.AttributeValueMemberS)
	if !ok {
		return nil, errors.New("event_id is not a string")
	}
	id := av.Value
	if _, ok := f.items[id]; ok && in.ConditionExpression != nil {
		return nil, &types.ConditionalCheckFailedException{Message: new(string)}
	}
	f.items[id] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func TestDynamoSinkIsIdempotent(t *testing.T) {
	db := &fakeDynamo{items: map[string]map[string]types.AttributeValue{}}
	s := &DynamoSink{API: db, Table: "events", Now: func() time.Time { return time.Unix(0, 0) }}
	amount := int64(5)
	e := Event{EventID: "e1", Type: "order.created", OrderID: "o1", AmountCents: &amount}
	for i := 0; i < 2; i++ {
		if err := s.Put(context.Background(), e, "arn:src"); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	item := db.items["e1"]
	orderID, _ := item["order_id"].(*types.AttributeValueMemberS)
	cents, _ := item["amount_cents"].(*types.AttributeValueMemberN)
	if orderID == nil || orderID.Value != "o1" || cents == nil || cents.Value != "5" {
		t.Fatalf("item %+v", item)
	}
	db.err = errors.New("throttled")
	if err := s.Put(context.Background(), Event{EventID: "e2", Type: "order.created", OrderID: "o"}, ""); err == nil {
		t.Fatal("a failed put must be an error (the message is retried)")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(order("e", "o")), "m")
	f.Add([]byte(envelope("s", order("e", "o"))), "m")
	f.Add([]byte(`{"Type":"Notification","TopicArn":"x","Message":"{}"}`), "")
	f.Fuzz(func(t *testing.T, body []byte, fallback string) {
		e, err := Parse(body, fallback)
		if err != nil && !errors.Is(err, ErrPoison) {
			t.Fatalf("non-poison error %v", err)
		}
		if err == nil && (e.EventID == "" || e.OrderID == "" || e.Type == "") {
			t.Fatalf("accepted an incomplete event %+v", e)
		}
	})
}
