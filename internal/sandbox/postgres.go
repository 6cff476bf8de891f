package sandbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres is returned (wrapped) by StartPostgres when the PostgreSQL server binaries are not installed.
var ErrNoPostgres = errors.New("sandbox: PostgreSQL server binaries (initdb, postgres) not found")

// PostgresOptions tune StartPostgres. The zero value is ready to use.
type PostgresOptions struct {
	// BinDir holds initdb and postgres; default $REFARCH_PG_BIN, else the directory of `initdb` on PATH, else the
	// newest /usr/lib/postgresql/<major>/bin (Debian's postgresql package).
	BinDir string
	// TLS serves TLS with a fresh self-signed certificate, as RDS does (clients use sslmode=require).
	TLS bool
	// LogDir receives postgres.log; default the server's own temporary directory.
	LogDir string
	// ReadyTimeout bounds the wait for the first successful connection; default 60s.
	ReadyTimeout time.Duration
}

// Postgres is a throw-away PostgreSQL server on a free loopback TCP port (no Unix socket), for tests: its data
// directory is temporary and removed by Stop, and the server dies with the process that started it.
type Postgres struct {
	// Host and Port are where the server listens (127.0.0.1 and a free port).
	Host string
	Port int
	// Superuser and Password are the bootstrap superuser's credentials (scram-sha-256 over TCP).
	Superuser string
	Password  string
	// LogPath is the server's log file.
	LogPath string

	dir      string
	cmd      *exec.Cmd
	exited   chan struct{}
	exitErr  error
	stopOnce sync.Once
}

// Addr is host:port, the form kumo's KUMO_RDS_BACKEND takes.
func (p *Postgres) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// ConnString is a libpq URL for the superuser and the given database.
func (p *Postgres) ConnString(database string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=%s", p.Superuser, p.Password, p.Addr(), database, p.sslMode())
}

func (p *Postgres) sslMode() string {
	if _, err := os.Stat(filepath.Join(p.dir, "data", "server.crt")); err == nil {
		return "require"
	}
	return "disable"
}

// StartPostgres initialises a new cluster in a temporary directory and runs it until Stop. When the process runs as
// root (which PostgreSQL refuses), the server runs as the `postgres` user, else `nobody`.
func StartPostgres(ctx context.Context, opts PostgresOptions) (*Postgres, error) {
	bin, err := postgresBinDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 60 * time.Second
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "refarch-postgres-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: postgres directory: %w", err)
	}
	p := &Postgres{Host: "127.0.0.1", Superuser: "postgres", Password: pgRandomHex(16), dir: dir, exited: make(chan struct{})}
	fail := func(err error) (*Postgres, error) {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "pwfile"), []byte(p.Password+"\n"), 0o600); err != nil {
		return fail(err)
	}
	if err := chownTree(dir, cred); err != nil {
		return fail(err)
	}

	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", p.Superuser,
		"--pwfile="+filepath.Join(dir, "pwfile"), "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions")
	initdb.SysProcAttr = serverAttrs(cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("sandbox: initdb: %v: %s", err, strings.TrimSpace(string(out))))
	}
	args := []string{"-D", data, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"}
	if opts.TLS {
		if err := writeSelfSignedCert(data, cred); err != nil {
			return fail(err)
		}
		args = append(args, "-c", "ssl=on")
	}

	logDir := opts.LogDir
	if logDir == "" {
		logDir = dir
	} else if err := os.MkdirAll(logDir, 0o755); err != nil {
		return fail(err)
	}
	p.LogPath = filepath.Join(logDir, "postgres.log")

	// A free port can be taken between our probe and the server's bind; try a few.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if p.Port, err = freePort(); err != nil {
			return fail(err)
		}
		if lastErr = p.launch(ctx, bin, append(args, "-c", "port="+strconv.Itoa(p.Port)), cred, opts.ReadyTimeout); lastErr == nil {
			return p, nil
		}
	}
	return fail(lastErr)
}

func (p *Postgres) launch(ctx context.Context, bin string, args []string, cred *syscall.Credential, timeout time.Duration) error {
	logFile, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = serverAttrs(cred)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("sandbox: start postgres: %w", err)
	}
	p.cmd, p.exited, p.exitErr = cmd, make(chan struct{}), nil
	exited := p.exited
	go func() {
		p.exitErr = cmd.Wait()
		logFile.Close()
		close(exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.Connect(ctx, p.ConnString("postgres"))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("sandbox: postgres exited before it was ready (%v); see %s", p.exitErr, p.LogPath)
		case <-ctx.Done():
			terminate(cmd, exited)
			return fmt.Errorf("sandbox: postgres did not accept connections on %s in time (%v); see %s", p.Addr(), err, p.LogPath)
		case <-tick.C:
		}
	}
}

// Stop shuts the server down (fast shutdown, then SIGKILL after a grace period) and removes its data.
func (p *Postgres) Stop() {
	p.stopOnce.Do(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			// SIGINT is PostgreSQL's "fast" shutdown; terminate sends SIGTERM ("smart", waits for clients) to the
			// group, so interrupt first.
			_ = p.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
				terminate(p.cmd, p.exited)
			}
		}
		_ = os.RemoveAll(p.dir)
	})
}

// Err is nil while the server runs (or after Stop) and says where the log is once it has died on its own.
func (p *Postgres) Err() error {
	select {
	case <-p.exited:
		return fmt.Errorf("sandbox: postgres exited unexpectedly (%v); see %s", p.exitErr, p.LogPath)
	default:
		return nil
	}
}

// CreateLoginRole creates a role that may log in with the password and a database it owns — what RDS does for the
// master user and the initial database when it creates an instance.
func (p *Postgres) CreateLoginRole(ctx context.Context, role, password, database string) error {
	conn, err := pgx.Connect(ctx, p.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("sandbox: postgres: %w", err)
	}
	defer conn.Close(ctx)
	// Utility statements take no bind parameters: the role is quoted as an identifier, the password as a literal.
	ident := pgx.Identifier{role}.Sanitize()
	literal := "'" + strings.ReplaceAll(password, "'", "''") + "'"
	for _, stmt := range []string{
		"CREATE ROLE " + ident + " LOGIN PASSWORD " + literal,
		"CREATE DATABASE " + pgx.Identifier{database}.Sanitize() + " OWNER " + ident,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("sandbox: postgres: %s: %w", strings.SplitN(stmt, " PASSWORD", 2)[0], err)
		}
	}
	return nil
}

func postgresBinDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("REFARCH_PG_BIN")
	}
	if dir == "" {
		if p, err := exec.LookPath("initdb"); err == nil {
			if resolved, err := filepath.EvalSymlinks(p); err == nil {
				p = resolved
			}
			dir = filepath.Dir(p)
		}
	}
	if dir == "" {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		best := -1
		for _, m := range matches {
			if major, err := strconv.Atoi(filepath.Base(filepath.Dir(m))); err == nil && major > best {
				best, dir = major, m
			}
		}
	}
	for _, tool := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, tool)); dir == "" || err != nil {
			return "", fmt.Errorf("%w (looked in %q; install Debian's postgresql package or set REFARCH_PG_BIN)", ErrNoPostgres, dir)
		}
	}
	return dir, nil
}

// serverCredential is nil when the process may run PostgreSQL itself, else the user to run it as.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("sandbox: running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as")
}

func serverAttrs(cred *syscall.Credential) *syscall.SysProcAttr {
	attrs := childAttrs()
	attrs.Credential = cred
	return attrs
}

func chownTree(dir string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return filepath.Walk(dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(cred.Uid), int(cred.Gid))
	})
}

// writeSelfSignedCert puts server.crt and server.key (ECDSA P-256, valid a day, for 127.0.0.1) into the data
// directory, where ssl=on finds them by default.
func writeSelfSignedCert(data string, cred *syscall.Credential) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "refarch sandbox postgres"},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"server.crt": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		"server.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
	for name, body := range files {
		path := filepath.Join(data, name)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			return err
		}
		if cred != nil {
			if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}
	return nil
}

func pgRandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
