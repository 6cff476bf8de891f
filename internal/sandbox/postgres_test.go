package sandbox

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestStartPostgres starts a real server (TLS on, as RDS), creates a login role the way RDS creates the master user,
// connects as it over TLS, and checks that Stop ends the server.
func TestStartPostgres(t *testing.T) {
	ctx := context.Background()
	pg, err := StartPostgres(ctx, PostgresOptions{TLS: true, LogDir: t.TempDir()})
	if errors.Is(err, ErrNoPostgres) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)

	if err := pg.CreateLoginRole(ctx, "app", "it's-a-secret", "orders"); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, "postgres://app:it's-a-secret@"+pg.Addr()+"/orders?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	var user string
	var ssl bool
	if err := conn.QueryRow(ctx, "SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&user, &ssl); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if user != "app" || !ssl {
		t.Fatalf("connected as %q with ssl=%v, want app over TLS", user, ssl)
	}
	if _, err := pgx.Connect(ctx, "postgres://app:wrong@"+pg.Addr()+"/orders?sslmode=require"); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if err := pg.Err(); err != nil {
		t.Fatal(err)
	}

	pg.Stop()
	if _, err := pgx.Connect(ctx, pg.ConnString("postgres")); err == nil {
		t.Fatal("server still answers after Stop")
	}
}
