// Package pgtest gives tests PostgreSQL databases: on the server named by
// $REGTRACKER_TEST_POSTGRES, or on a throwaway cluster that the test binary starts in a
// temporary directory from Debian's postgresql binaries (/usr/lib/postgresql/N/bin), as
// an unprivileged user when the tests run as root, listening only on a socket in that
// directory, and stops and removes when the tests end. Tests skip, saying why, where
// neither is at hand.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Env names a server for the tests instead of a throwaway cluster: the URL of a
// database whose user may create databases.
const Env = "REGTRACKER_TEST_POSTGRES"

// Require, when set, makes a missing server fail the tests instead of skipping them
// (make test sets it: there, the server is installed by make deps-test).
const Require = "REGTRACKER_REQUIRE_POSTGRES"

// Admin is the superuser of a throwaway cluster; it logs in without a password over the
// cluster's socket. Every other role logs in with its password.
const Admin = "regtracker"

var (
	once    sync.Once
	cluster *Cluster
	failure string // why there is no server, when there is none
	serial  atomic.Int64
)

// Main runs the tests of m and stops the throwaway cluster if one was started. A test
// package that uses URL calls it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the throwaway cluster, if one was started; for a TestMain that does more
// than Main.
func Stop() {
	if cluster != nil {
		cluster.Stop()
	}
}

// URL returns the URL of a new, empty database for t, dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := server(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), serial.Add(1))
	exec := func(q string) error {
		db, err := open(admin)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec(q)
		return err
	}
	if err := exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() { exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return WithDatabase(admin, name)
}

// Exec runs statements on the server's administrative database, as its superuser (to
// create roles, for instance).
func Exec(t testing.TB, statements ...string) {
	t.Helper()
	db, err := open(server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range statements {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// WithDatabase is raw with its database replaced by name.
func WithDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// WithUser is raw with its user replaced by user.
func WithUser(raw, user string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.User = url.User(user)
	return u.String()
}

func open(raw string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*cfg), nil
}

// server returns the administrative URL of the server, starting the cluster the first
// time; it skips t when there is none.
func server(t testing.TB) string {
	if u := os.Getenv(Env); u != "" {
		return u
	}
	once.Do(func() {
		bin, err := binDir()
		if err != nil {
			failure = err.Error()
			return
		}
		if cluster, err = Start(bin); err != nil {
			failure = "starting a throwaway PostgreSQL cluster: " + err.Error()
		}
	})
	if cluster == nil && os.Getenv(Require) != "" {
		t.Fatalf("no PostgreSQL for this test, and %s is set: %s", Require, failure)
	}
	if cluster == nil {
		t.Skipf("no PostgreSQL for this test: %s (set %s to a server's URL, or install Debian's postgresql package: make deps)", failure, Env)
	}
	return cluster.URL
}

// binDir finds the newest /usr/lib/postgresql/N/bin holding initdb and postgres, or
// their directory on PATH.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL's initdb is not installed")
}

func version(binDir string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(binDir)), &v)
	return v
}

// Cluster is a running throwaway PostgreSQL cluster.
type Cluster struct {
	Dir string // data directory and socket directory below it
	URL string // of its postgres database, as Admin
	cmd *exec.Cmd
}

// Start initializes a cluster in a new temporary directory with the binaries in bin and
// starts its server, which listens only on a socket in that directory.
func Start(bin string) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "regtracker-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	fail := func(err error) (*Cluster, error) {
		c.Stop()
		return nil, err
	}
	owner, err := unprivileged(dir)
	if err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", Admin, "-E", "UTF8",
		"--locale", "C", "--auth-local", "trust", "--auth-host", "reject", "--no-sync")
	initdb.SysProcAttr = owner
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %v: %s", err, lastLines(out)))
	}
	// The superuser logs in over the socket without a password; every other role with
	// its password, so that tests can check where passwords come from.
	hba := "local all " + Admin + " trust\nlocal all all scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(data, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fail(err)
	}
	if err := chownTree(filepath.Join(data, "pg_hba.conf"), owner); err != nil {
		return fail(err)
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return fail(err)
	}
	defer log.Close()
	chownTree(log.Name(), owner)
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", "5432",
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = withParentDeath(owner)
	if err := c.cmd.Start(); err != nil {
		return fail(err)
	}
	c.URL = fmt.Sprintf("postgres://%s@/postgres?host=%s&port=5432", Admin, url.QueryEscape(dir))
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := open(c.URL)
		if err == nil {
			err = db.PingContext(context.Background())
			db.Close()
		}
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(log.Name())
			return fail(fmt.Errorf("the server did not answer in 30 s: %v: %s", err, lastLines(out)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop shuts the server down and removes the cluster.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(os.Interrupt) // fast shutdown
		done := make(chan struct{})
		go func() { c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(c.Dir)
}

func lastLines(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}
