package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore keeps orders in a PostgreSQL table `orders` (created by Migrate).
type PostgresStore struct{ Pool *pgxpool.Pool }

// Migrate creates the table if it does not exist.
func (s PostgresStore) Migrate(ctx context.Context) error {
	_, err := s.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS orders (
		id         text PRIMARY KEY,
		customer   text NOT NULL,
		item       text NOT NULL,
		quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
		created_at timestamptz NOT NULL
	)`)
	return err
}

// Put inserts an order.
func (s PostgresStore) Put(ctx context.Context, o Order) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO orders (id, customer, item, quantity, created_at) VALUES ($1, $2, $3, $4, $5)`,
		o.ID, o.Customer, o.Item, o.Quantity, o.CreatedAt)
	return err
}

// Get reads an order.
func (s PostgresStore) Get(ctx context.Context, id string) (Order, error) {
	var o Order
	err := s.Pool.QueryRow(ctx, `SELECT id, customer, item, quantity, created_at FROM orders WHERE id = $1`, id).
		Scan(&o.ID, &o.Customer, &o.Item, &o.Quantity, &o.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return o, err
}

// Ping checks a connection.
func (s PostgresStore) Ping(ctx context.Context) error { return s.Pool.Ping(ctx) }

// SecretGetter is the one Secrets Manager call the service makes.
type SecretGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// PostgresConfig is the pool configuration from the environment the deployment gives the service:
//
//	DB_HOST, DB_PORT (default 5432), DB_NAME    the RDS instance's endpoint and database
//	DB_SECRET_ARN                              the secret RDS manages for the master user: {"username", "password"}
//	DB_SSLMODE                                 libpq sslmode, default "require" (RDS enforces TLS)
//
// The credentials are read from Secrets Manager when a connection is opened and cached for secretTTL, so a rotated
// password is picked up within a minute, without a restart.
func PostgresConfig(getenv func(string) string, sm SecretGetter) (*pgxpool.Config, error) {
	host, name, arn := getenv("DB_HOST"), getenv("DB_NAME"), getenv("DB_SECRET_ARN")
	var missing []string
	for k, v := range map[string]string{"DB_HOST": host, "DB_NAME": name, "DB_SECRET_ARN": arn} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("set %v", missing)
	}
	port := getenv("DB_PORT")
	if port == "" {
		port = "5432"
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return nil, fmt.Errorf("DB_PORT %q is not a port number", port)
	}
	sslmode := getenv("DB_SSLMODE")
	if sslmode == "" {
		sslmode = "require"
	}
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(host, port), Path: "/" + name, RawQuery: url.Values{
		"sslmode":          {sslmode},
		"application_name": {"orders"},
		"connect_timeout":  {"5"},
	}.Encode()}
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		return nil, fmt.Errorf("database settings: %w", err)
	}
	creds := &secretCredentials{sm: sm, arn: arn}
	cfg.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
		user, password, err := creds.get(ctx)
		if err != nil {
			return err
		}
		cc.User, cc.Password = user, password
		return nil
	}
	cfg.MaxConns = 10
	cfg.MaxConnIdleTime = 5 * time.Minute
	return cfg, nil
}

const secretTTL = time.Minute

type secretCredentials struct {
	sm  SecretGetter
	arn string

	mu       sync.Mutex
	user     string
	password string
	fetched  time.Time
}

// get returns the credentials, read from the secret at most once per secretTTL.
func (c *secretCredentials) get(ctx context.Context) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.password != "" && time.Since(c.fetched) < secretTTL {
		return c.user, c.password, nil
	}
	out, err := c.sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.arn)})
	if err != nil {
		return "", "", fmt.Errorf("read database secret: %w", err)
	}
	var v struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if out.SecretString == nil || json.Unmarshal([]byte(*out.SecretString), &v) != nil || v.Username == "" || v.Password == "" {
		return "", "", errors.New("database secret is not JSON with username and password")
	}
	c.user, c.password, c.fetched = v.Username, v.Password, time.Now()
	return c.user, c.password, nil
}
