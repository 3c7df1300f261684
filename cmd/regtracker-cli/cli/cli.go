// Package cli is regtracker's command line: it parses commands and flags, runs them on
// the core packages and prints tables or JSON. main only wires it to the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/regtracker/regtracker/core/store"
	"github.com/regtracker/regtracker/core/store/backend"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the command ran and failed; the reason is on stderr
	ExitUsage = 2 // the command line was wrong
)

// env is what a command runs with.
type env struct {
	stdout, stderr io.Writer
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) error
}

// examples are one command line each command's help shows.
var examples = map[string]string{
	"import":      "regtracker-cli import --job 7.0/vpn/14 build-14/surefire-reports/",
	"jobs":        "regtracker-cli jobs --module 7.0/vpn",
	"regressions": "regtracker-cli regressions 7.0/vpn/14 --base 7.0/vpn/12",
	"trend":       "regtracker-cli trend 7.0/vpn --json",
	"history":     "regtracker-cli history 7.0/vpn com.acme.vpn.TunnelTest::rekeys",
	"flaky":       "regtracker-cli flaky 7.0/vpn --last 30",
	"groups":      "regtracker-cli groups 7.0/vpn/14",
	"changes":     "regtracker-cli changes 7.0/vpn/14",
	"slower":      "regtracker-cli slower 7.0/vpn/14 --factor 3 --min-increase 1s",
	"known":       `regtracker-cli known add 7.0/vpn com.acme.vpn.TunnelTest::rekeys --reason "JIRA-7: lab gateway" --expires 2027-01-31`,
	"report":      "regtracker-cli report 7.0/vpn/14 --format html -o vpn-14.html",
	"gate":        "regtracker-cli gate 7.0/vpn/14 --max-regressions 0 --min-pass-rate 99%",
	"jenkins":     "regtracker-cli jenkins --url https://ci.example.com --jenkins-job vpn/nightly --into 7.0/vpn --last 5",
	"follow":      "regtracker-cli follow --every 10m",
	"copy":        "regtracker-cli copy --from ~/.local/share/regtracker/regtracker.db --to postgres://ci@db.example.com/regtracker",
	"demo":        "regtracker-cli demo --db /tmp/demo.db",
	"diagnose":    "regtracker-cli diagnose --markdown diagnose.md",
}

// printHelp writes a command's help: its operands and flags (fs, nil for none), and an
// example.
func printHelp(w io.Writer, name string, fs *flag.FlagSet) {
	base, _, _ := strings.Cut(name, " ")
	for _, c := range commands {
		if c.name != base {
			continue
		}
		fmt.Fprintf(w, "usage: regtracker-cli %s %s\n\n%s.\n", c.name, c.args, strings.ToUpper(c.summary[:1])+c.summary[1:])
		if fs != nil {
			fmt.Fprintf(w, "\nflags of %s:\n", name)
			fs.SetOutput(w)
			fs.PrintDefaults()
		}
		if ex := examples[c.name]; ex != "" {
			fmt.Fprintf(w, "\nexample:\n  %s\n", ex)
		}
	}
}

var commands []command

func init() {
	commands = []command{
		{"import", "--job RELEASE/MODULE[/NUMBER] [--replace] [--revision SHA [--repo DIR]] [--json] PATH...", "import JUnit reports into one job", runImport},
		{"jobs", "[--module RELEASE/MODULE] [--json]", "list the imported jobs", runJobs},
		{"regressions", "RELEASE/MODULE/NUMBER [--base RELEASE/MODULE/NUMBER] [--json]", "what regressed, was fixed or still fails against the job before (or --base)", runRegressions},
		{"trend", "RELEASE/MODULE [--json]", "counts, pass rate, regressions and fixed per job of a module", runTrend},
		{"history", "RELEASE/MODULE CLASSNAME::NAME [--json]", "one test's runs across a module's jobs, and since when it fails", runHistory},
		{"flaky", "RELEASE/MODULE [--last N] [--json]", "tests that flip between passing and failing, most flaky first", runFlaky},
		{"groups", "RELEASE/MODULE/NUMBER [--json]", "a job's failures grouped by message signature", runGroups},
		{"changes", "RELEASE/MODULE/NUMBER [--json]", "the commits that entered with a job", runChanges},
		{"slower", "RELEASE/MODULE/NUMBER [--factor F] [--min-increase DURATION] [--json]",
			"tests that passed but took much longer than their last passing runs", runSlower},
		{"known", "add RELEASE/MODULE (CLASSNAME::NAME | --signature SIGNATURE) --reason TEXT [--link URL] [--expires YYYY-MM-DD] [--json] | list [RELEASE/MODULE] [--json] | remove ID",
			"known issues: failures listed apart and left out of regression counts", runKnown},
		{"report", "RELEASE/MODULE/NUMBER --format md|html|csv [--base RELEASE/MODULE/NUMBER] [-o FILE]",
			"a job's comparison, groups and known issues as Markdown, one HTML file or CSV", runReport},
		{"gate", "RELEASE/MODULE/NUMBER [--base RELEASE/MODULE/NUMBER] [--max-regressions N] [--min-pass-rate P]",
			"exit 1 with the reason when a job falls short (a CI step)", runGate},
		{"jenkins", "--url URL --jenkins-job FOLDER/JOB --into RELEASE/MODULE [--build N | --last K | --latest] [--artifacts GLOB] [--user USER] [--ca-file PEM] [--insecure] [--replace] [--json]",
			"import Jenkins builds (token from $REGTRACKER_JENKINS_TOKEN); the job is remembered and followed", runJenkins},
		{"follow", "[--every DURATION] [--once] [--json]",
			"fetch the new builds of the followed Jenkins jobs: one round, or every interval until Ctrl-C", runFollow},
		{"copy", "--from DB --to DB [--json]", "copy the jobs, known issues and source clones one store has and another lacks", runCopy},
		{"demo", "[--json]", "fill the database with a realistic demo history", runDemo},
		{"diagnose", "[--json] [--markdown FILE]", "report on the app, memory, the database's health, the cache, failed imports and the log", runDiagnose},
	}
}

// reportedError fails a command (exit 1) after its output was written.
type reportedError struct{ msg string }

func (e reportedError) Error() string { return e.msg }

// usageError is a wrong command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// SignalContext returns a context cancelled by the first Ctrl-C (SIGINT) or SIGTERM,
// so the running command rolls back what it was writing; a second signal kills the
// process as usual.
func SignalContext() context.Context {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx
}

// Run runs the command line args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "--help"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return ExitOK
		case errors.Is(err, flag.ErrHelp):
			return ExitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "regtracker-cli %s: %v\nusage: regtracker-cli %s %s\n", c.name, err, c.name, c.args)
			return ExitUsage
		default:
			fmt.Fprintf(stderr, "regtracker-cli %s: %v\n", c.name, err)
			return ExitError
		}
	}
	fmt.Fprintf(stderr, "regtracker-cli: unknown command %q\n", args[0])
	printUsage(stderr)
	return ExitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "regtracker-cli: track test regressions across builds (the headless twin of regtracker)")
	fmt.Fprintln(w, "\nusage: regtracker-cli COMMAND [--db DB] [flags] [operands]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n               %s\n", c.name, c.summary, c.args)
	}
	def, err := store.DefaultPath()
	if err != nil {
		def = "(unknown: " + err.Error() + ")"
	}
	fmt.Fprintln(w, "\n'regtracker-cli COMMAND --help' (or 'help COMMAND') shows a command's flags and an example.")
	fmt.Fprintf(w, "\nWithout --db, the database is %s,\nthe one the desktop app opens ($REGTRACKER_DB overrides it).\n", def)
	fmt.Fprintln(w, "DB is a file or a team's server, postgres://user@host[:port]/db; the server's password\ncomes from PGPASSWORD or ~/.pgpass, never from the command line.")
}

// flags is a command's flag set with the options every command has.
type flags struct {
	*flag.FlagSet
	name string
	e    *env
	db   string
	json bool
}

func newFlags(name string, e *env) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name, e: e}
	f.SetOutput(io.Discard) // -h prints the command's help (see parse); a mistake, one usage line (see Run)
	f.Usage = func() {}
	f.StringVar(&f.db, "db", "", "database file or postgres://user@host/db server (default: the app's database); a server's password comes from PGPASSWORD or ~/.pgpass")
	f.BoolVar(&f.json, "json", false, "print JSON instead of text")
	return f
}

// parse parses flags placed before, between or after the operands and returns the
// operands. Everything after "--" is an operand.
func (f *flags) parse(args []string) ([]string, error) {
	var operands []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(f.e.stdout, f.name, f.FlagSet)
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := f.Args()
		if len(rest) == 0 {
			return operands, nil
		}
		// flag stops at "--" after consuming it, and at the first operand otherwise.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(operands, rest...), nil
		}
		operands = append(operands, rest[0])
		args = rest[1:]
	}
}

// dbPath is the database the flags name, or the default one.
func (f *flags) dbPath() (string, error) {
	if f.db != "" {
		return f.db, nil
	}
	return store.DefaultPath()
}

// open opens the database the flags name.
func (f *flags) open(ctx context.Context) (store.Store, error) {
	path, err := f.dbPath()
	if err != nil {
		return nil, err
	}
	return backend.Open(ctx, path)
}

// openExisting opens the database the flags name for a command that reads it: a file
// that is not there is an error, not a new empty database.
func (f *flags) openExisting(ctx context.Context) (store.Store, error) {
	path, err := f.dbPath()
	if err != nil {
		return nil, err
	}
	if !backend.IsServer(path) {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: import a report first, or check --db", path)
		}
	}
	return backend.Open(ctx, path)
}

// isTerminal reports whether w is a terminal, where progress can redraw one line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// table writes rows under header; align has one letter per column, 'r' for the
// right-aligned columns (numbers), anything else for left.
func table(w io.Writer, header []string, rows [][]string, align string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range append([][]string{header}, rows...) {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(align) && align[i] == 'r' {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
