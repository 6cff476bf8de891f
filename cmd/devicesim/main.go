// Command devicesim publishes simulated device records for the ingestion architecture (176).
//
//	devicesim -target iot -iot-endpoint $(tofu output -raw iot_data_endpoint) -topic-prefix $(tofu output -raw iot_topic_prefix) -count 1000 -rate 50
//	devicesim -target firehose -stream $(tofu output -raw delivery_stream_name) -count 1000 -bad-ratio 0.05
//	devicesim -target stdout -count 10
//
// -target iot publishes to AWS IoT Core's MQTT broker (HTTPS publish with your AWS credentials); -target firehose
// calls PutRecordBatch on a Direct PUT delivery stream — offline, point -endpoint at the sandbox's stand-in Firehose.
// Devices are dev-0001…dev-NNNN (-devices); a -bad-ratio share of the records is bad, cycling through malformed
// JSON, a wrong type, a record above 128 KiB and an unknown device id. It prints what it sent as JSON.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/firehose"

	"github.com/refarch/terraform-provider-refarch/cmd/devicesim/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "devicesim:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("devicesim", flag.ContinueOnError)
	target := fs.String("target", "stdout", "where records go: iot, firehose or stdout")
	count := fs.Int("count", 100, "number of records")
	rate := fs.Float64("rate", 0, "records per second (0: as fast as possible)")
	badRatio := fs.Float64("bad-ratio", 0, "share of bad records, 0-1")
	devices := fs.Int("devices", 2, "number of devices, dev-0001…")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed of the values")
	stream := fs.String("stream", "", "delivery stream name (-target firehose)")
	endpoint := fs.String("endpoint", "", "Firehose endpoint URL override (the sandbox's stand-in), default AWS's")
	iotEndpoint := fs.String("iot-endpoint", "", "IoT data endpoint, iot:Data-ATS (-target iot)")
	topicPrefix := fs.String("topic-prefix", "", "MQTT topic root; records go to <prefix>/<device>/telemetry (-target iot)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 0 || *rate < 0 || *badRatio < 0 || *badRatio > 1 || *devices < 1 || *devices > 9999 {
		return errors.New("-count and -rate must be >= 0, -bad-ratio 0-1, -devices 1-9999")
	}
	g := &sim.Generator{BadRatio: *badRatio, Seed: *seed}
	for i := 1; i <= *devices; i++ {
		g.Devices = append(g.Devices, fmt.Sprintf("dev-%04d", i))
	}

	var sink sim.Sink
	switch *target {
	case "stdout":
		sink = sim.WriterSink{W: os.Stdout}
	case "firehose", "iot":
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return fmt.Errorf("AWS configuration: %w", err)
		}
		if *target == "firehose" {
			if *stream == "" {
				return errors.New("-target firehose needs -stream")
			}
			sink = sim.FirehoseSink{Stream: *stream, API: firehose.NewFromConfig(cfg, func(o *firehose.Options) {
				if *endpoint != "" {
					o.BaseEndpoint = aws.String(*endpoint)
				}
			})}
		} else {
			if *iotEndpoint == "" || *topicPrefix == "" {
				return errors.New("-target iot needs -iot-endpoint and -topic-prefix")
			}
			sink = sim.IoTSink{Endpoint: *iotEndpoint, TopicPrefix: *topicPrefix, Region: cfg.Region, Credentials: cfg.Credentials}
		}
	default:
		return fmt.Errorf("-target %q: want iot, firehose or stdout", *target)
	}
	st, err := sim.Run(ctx, g, sink, *count, *rate)
	if *target != "stdout" {
		out, _ := json.Marshal(map[string]any{"sent": st.Sent, "by_kind": st.ByKind})
		fmt.Println(string(out))
	}
	return err
}
