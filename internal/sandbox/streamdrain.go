package sandbox

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// A test that proves a stream record caused nothing (no second welcome mail, say) must know when the poller has
// dealt with it: WaitStreamDrained is that signal, so such a test never has to sleep and hope.

type streamKey struct{ function, source string }

// streamProgress is how far a stream poller got: per shard, the sequence number of the last record it handled —
// delivered, or given up on after its retries; either way every invocation for it has returned.
type streamProgress struct {
	mu      sync.Mutex
	shards  map[string]string // shard ID → last handled sequence number, "" before the first
	changed chan struct{}     // closed and replaced whenever shards changes
	stopped <-chan struct{}   // the poller's context: closed once it stops
}

// trackStream registers the progress of a stream poller for src that reads the given shards until ctx ends.
func (s *Sandbox) trackStream(ctx context.Context, src EventSource, shards []string) *streamProgress {
	p := &streamProgress{shards: map[string]string{}, changed: make(chan struct{}), stopped: ctx.Done()}
	for _, sh := range shards {
		p.shards[sh] = ""
	}
	key := streamKey{src.FunctionName, src.EventSourceARN}
	s.mu.Lock()
	if s.streams == nil {
		s.streams = map[streamKey]*streamProgress{}
	}
	s.streams[key] = p
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		if s.streams[key] == p {
			delete(s.streams, key)
		}
		s.mu.Unlock()
	}()
	return p
}

func (p *streamProgress) handled(shard string, r st.Record) {
	if r.Dynamodb == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shards[shard] = aws.ToString(r.Dynamodb.SequenceNumber)
	close(p.changed)
	p.changed = make(chan struct{})
}

// WaitStreamDrained returns once the poller DriveEventSource started for functionName and the DynamoDB stream
// streamARN has handled every record the stream holds when it is called — delivered to the function, or given up on
// after the retries — so that the function's invocations for them have all returned. It reads each shard to its end
// with an iterator of its own (kumo's GetRecords returns records until a shard's end, so an empty page is the end)
// and waits for the poller to pass the last sequence number. It fails when no poller drives the stream, a shard is
// not polled, the poller stops, or ctx ends first: give ctx a deadline.
func (s *Sandbox) WaitStreamDrained(ctx context.Context, functionName, streamARN string) error {
	s.mu.Lock()
	p := s.streams[streamKey{functionName, streamARN}]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("sandbox: no poller drives %s for %s (DriveEventSource starts one)", streamARN, functionName)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	ends, err := streamEnds(ctx, dynamodbstreams.NewFromConfig(cfg), streamARN)
	if err != nil {
		return err
	}
	for {
		p.mu.Lock()
		var behind []string
		for shard, last := range ends {
			got, ok := p.shards[shard]
			if !ok {
				p.mu.Unlock()
				return fmt.Errorf("sandbox: shard %s of %s is not polled (it appeared after the poller started)", shard, streamARN)
			}
			if compareSequence(got, last) < 0 {
				behind = append(behind, fmt.Sprintf("%s at %q of %q", shard, got, last))
			}
		}
		changed := p.changed
		p.mu.Unlock()
		if len(behind) == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-p.stopped:
			return fmt.Errorf("sandbox: the poller of %s stopped before it handled its records (%s)", streamARN, strings.Join(behind, ", "))
		case <-ctx.Done():
			return fmt.Errorf("sandbox: %s not drained: %s: %w", streamARN, strings.Join(behind, ", "), ctx.Err())
		}
	}
}

// streamEnds reads every shard of the stream from TRIM_HORIZON to its end and returns, per shard holding records,
// the last record's sequence number.
func streamEnds(ctx context.Context, c *dynamodbstreams.Client, streamARN string) (map[string]string, error) {
	desc, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &streamARN})
	if err != nil {
		return nil, fmt.Errorf("sandbox: describe %s: %w", streamARN, err)
	}
	ends := map[string]string{}
	for _, sh := range desc.StreamDescription.Shards {
		shard := aws.ToString(sh.ShardId)
		it, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: &streamARN, ShardId: &shard, ShardIteratorType: st.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			return nil, fmt.Errorf("sandbox: iterator for shard %s: %w", shard, err)
		}
		for iter := it.ShardIterator; iter != nil; {
			out, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
			if err != nil {
				return nil, fmt.Errorf("sandbox: records of shard %s: %w", shard, err)
			}
			if len(out.Records) == 0 {
				break
			}
			if r := out.Records[len(out.Records)-1]; r.Dynamodb != nil {
				ends[shard] = aws.ToString(r.Dynamodb.SequenceNumber)
			}
			iter = out.NextShardIterator
		}
	}
	return ends, nil
}

// compareSequence orders two stream sequence numbers: decimal strings of any width, "" (nothing yet) first.
func compareSequence(a, b string) int {
	x, okx := new(big.Int).SetString(a, 10)
	y, oky := new(big.Int).SetString(b, 10)
	switch {
	case okx && oky:
		return x.Cmp(y)
	case len(a) != len(b): // not decimal (never from kumo or AWS): the longer is later, as for numbers
		return cmp.Compare(len(a), len(b))
	default:
		return strings.Compare(a, b)
	}
}
