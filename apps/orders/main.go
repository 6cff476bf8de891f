// Command orders is the orders service of the Microservices architecture (architecture 173): a JSON API over
// PostgreSQL on RDS (service C, EC2 Auto Scaling) or DynamoDB (service A, ECS Fargate).
//
// Environment: PORT (default 8080); EVENTS_TOPIC_ARN (optional: publish order.created events to that SNS topic) and
// SERVICE_NAME (the events' source); for PostgreSQL DB_HOST, DB_PORT, DB_NAME, DB_SECRET_ARN, DB_SSLMODE (see
// orders.PostgresConfig); for DynamoDB TABLE_NAME. AWS settings (region, endpoint, credentials) come from the SDK's
// usual environment and the instance or task role.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/refarch/terraform-provider-refarch/apps/orders/internal/orders"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(log); err != nil {
		log.Error("orders stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	var store orders.Store
	switch {
	case os.Getenv("DB_HOST") != "":
		pcfg, err := orders.PostgresConfig(os.Getenv, secretsmanager.NewFromConfig(cfg))
		if err != nil {
			return err
		}
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return err
		}
		defer pool.Close()
		pg := orders.PostgresStore{Pool: pool}
		if err := migrate(ctx, pg, log); err != nil {
			return err
		}
		store = pg
	case os.Getenv("TABLE_NAME") != "":
		store = orders.DynamoDBStore{API: dynamodb.NewFromConfig(cfg), Table: os.Getenv("TABLE_NAME")}
	default:
		return errors.New("set DB_HOST (PostgreSQL) or TABLE_NAME (DynamoDB)")
	}

	handler := &orders.Handler{Store: store, Log: log, Source: os.Getenv("SERVICE_NAME")}
	if topic := os.Getenv("EVENTS_TOPIC_ARN"); topic != "" {
		handler.Events = orders.SNSPublisher{API: sns.NewFromConfig(cfg), TopicARN: topic}
	}

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       75 * time.Second, // above the ALB's 60 s idle timeout
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("orders listening", "addr", srv.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// migrate creates the schema, retrying while the database is still coming up (a new instance, a failover).
func migrate(ctx context.Context, pg orders.PostgresStore, log *slog.Logger) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := pg.Migrate(ctx)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		log.Warn("database not ready, retrying", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(3 * time.Second):
		}
	}
}
