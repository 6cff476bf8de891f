package consumer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/events"
)

// Sink stores an event. Storing the same event twice must be harmless (idempotent): the event sources deliver at
// least once.
type Sink interface {
	Put(ctx context.Context, e Event, source string) error
}

// Handler processes batches from SQS and Kinesis event source mappings with ReportBatchItemFailures.
type Handler struct {
	Sink Sink
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Handle is the Lambda entry point for both kinds of event source: it dispatches on the records' eventSource.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("event is not an SQS or Kinesis batch: %w", err)
	}
	if len(probe.Records) == 0 {
		return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}, nil
	}
	switch src := probe.Records[0].EventSource; src {
	case "aws:sqs":
		var e events.SQSEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("SQS batch: %w", err)
		}
		return h.HandleSQS(ctx, e), nil
	case "aws:kinesis":
		var e events.KinesisEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("kinesis batch: %w", err)
		}
		return h.HandleKinesis(ctx, e), nil
	default:
		return nil, fmt.Errorf("unsupported event source %q", src)
	}
}

// HandleSQS processes every message and reports the ones that failed (poison, or the sink failed) so that only they
// return to the queue.
func (h *Handler) HandleSQS(ctx context.Context, batch events.SQSEvent) events.SQSEventResponse {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, m := range batch.Records {
		if err := h.process(ctx, []byte(m.Body), m.MessageId, m.EventSourceARN); err != nil {
			h.logger().WarnContext(ctx, "message failed; it returns to the queue (and goes to the DLQ after maxReceiveCount)",
				"message_id", m.MessageId, "receive_count", m.Attributes["ApproximateReceiveCount"],
				"poison", errors.Is(err, ErrPoison), "reason", err.Error(), "source", m.EventSourceARN)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp
}

// HandleKinesis processes records in order and stops at the first failure, reporting its sequence number: Lambda
// then retries from there (records before it are checkpointed), splits the batch on repeated errors and finally hands
// the failing record to the on-failure destination.
func (h *Handler) HandleKinesis(ctx context.Context, batch events.KinesisEvent) events.KinesisEventResponse {
	resp := events.KinesisEventResponse{BatchItemFailures: []events.KinesisBatchItemFailure{}}
	for _, r := range batch.Records {
		seq := r.Kinesis.SequenceNumber
		if err := h.process(ctx, r.Kinesis.Data, seq, r.EventSourceArn); err != nil {
			h.logger().WarnContext(ctx, "stream record failed; the batch is retried from it",
				"sequence_number", seq, "poison", errors.Is(err, ErrPoison), "reason", err.Error(), "source", r.EventSourceArn)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.KinesisBatchItemFailure{ItemIdentifier: seq})
			break
		}
	}
	return resp
}

func (h *Handler) process(ctx context.Context, body []byte, fallbackID, source string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			h.logger().ErrorContext(ctx, "panic while processing a message", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	e, err := Parse(body, fallbackID)
	if err != nil {
		return err
	}
	if h.Sink == nil {
		return errors.New("no sink configured")
	}
	if err := h.Sink.Put(ctx, e, source); err != nil {
		return fmt.Errorf("storing event %s: %w", e.EventID, err)
	}
	h.logger().InfoContext(ctx, "order event processed", "event_id", e.EventID, "type", e.Type, "order_id", e.OrderID)
	return nil
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}
