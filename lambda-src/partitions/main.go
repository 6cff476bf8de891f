// Command partitions is the ingestion architecture's partition registrar (runtime provided.al2023; build the binary
// as "bootstrap", e.g. with -tags lambda.norpc). An SQS event source mapping (FunctionResponseTypes =
// ["ReportBatchItemFailures"]) feeds it the ingestion bucket's object-created notifications; it only wires
// lambda-src/internal/ingest.Partitions to Glue or Athena.
//
// Environment:
//   - BUCKET, DATA_PREFIX (required): the ingestion bucket and the table's prefix (e.g. "data/").
//   - GLUE_DATABASE, GLUE_TABLE (required), GLUE_CATALOG_ID (optional): the table.
//   - PARTITION_REGISTRATION (optional): "glue" (default, Glue BatchCreatePartition) or "athena" (an
//     ALTER TABLE … ADD IF NOT EXISTS PARTITION statement in ATHENA_WORKGROUP, results under
//     ATHENA_OUTPUT_LOCATION unless the workgroup enforces its own).
//   - AWS_REGION and the standard AWS SDK variables (including AWS_ENDPOINT_URL) are honoured.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	"github.com/refarch/terraform-provider-refarch/lambda-src/internal/ingest"
)

var (
	_ ingest.GlueAPI   = (*glue.Client)(nil)
	_ ingest.AthenaAPI = (*athena.Client)(nil)
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	p, err := setup(context.Background(), logger, os.Getenv)
	if err != nil {
		logger.Error("refusing to start: " + err.Error())
		os.Exit(1)
	}
	lambda.Start(p.Handle)
}

func setup(ctx context.Context, logger *slog.Logger, getenv func(string) string) (*ingest.Partitions, error) {
	var missing []string
	for _, k := range []string{"BUCKET", "DATA_PREFIX", "GLUE_DATABASE", "GLUE_TABLE"} {
		if getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing environment: %s", strings.Join(missing, ", "))
	}
	if !strings.HasSuffix(getenv("DATA_PREFIX"), "/") {
		return nil, errors.New("DATA_PREFIX must end in '/'")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	p := &ingest.Partitions{Bucket: getenv("BUCKET"), DataPrefix: getenv("DATA_PREFIX"), Logger: logger}
	switch mode := getenv("PARTITION_REGISTRATION"); mode {
	case "", "glue":
		p.Registrar = &ingest.GlueRegistrar{API: glue.NewFromConfig(cfg), CatalogID: getenv("GLUE_CATALOG_ID"), Database: getenv("GLUE_DATABASE"), Table: getenv("GLUE_TABLE")}
	case "athena":
		a := &ingest.AthenaRegistrar{API: athena.NewFromConfig(cfg), Database: getenv("GLUE_DATABASE"), Table: getenv("GLUE_TABLE"), WorkGroup: getenv("ATHENA_WORKGROUP"), OutputLocation: getenv("ATHENA_OUTPUT_LOCATION")}
		if _, err := a.Query(nil); err != nil {
			return nil, fmt.Errorf("GLUE_DATABASE/GLUE_TABLE: %w", err)
		}
		p.Registrar = a
	default:
		return nil, fmt.Errorf("PARTITION_REGISTRATION %q must be \"glue\" or \"athena\"", mode)
	}
	logger.Info("partitions configured", "bucket", p.Bucket, "data_prefix", p.DataPrefix, "registration", getenv("PARTITION_REGISTRATION"))
	return p, nil
}
