package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/regtracker/regtracker/core"
	"github.com/regtracker/regtracker/core/fetch"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/format"
	"github.com/regtracker/regtracker/core/importer"
	"github.com/regtracker/regtracker/core/jenkins"
)

type skippedJSON struct {
	Number int64  `json:"number"`
	Reason string `json:"reason"`
}

type failedJSON struct {
	Number int64  `json:"number"`
	Error  string `json:"error"`
}

type fetchJSON struct {
	Imported []jobJSON     `json:"imported"`
	Skipped  []skippedJSON `json:"skipped"`
	Failed   []failedJSON  `json:"failed"`
}

func runJenkins(ctx context.Context, e *env, args []string) error {
	f := newFlags("jenkins", e)
	server := f.String("url", "", "Jenkins base URL, with its path prefix if any")
	job := f.String("jenkins-job", "", "the Jenkins job, FOLDER/.../JOB")
	into := f.String("into", "", "the module the builds become jobs of, RELEASE/MODULE")
	build := f.Int64("build", 0, "import this build number")
	last := f.Int("last", 0, "import the last K builds")
	latest := f.Bool("latest", false, "import the last completed build (the default)")
	glob := f.String("artifacts", fetch.DefaultGlob, "which archived files are reports (Ant-style glob)")
	user := f.String("user", "", "Jenkins user name; the API token is read from $"+jenkins.TokenEnv)
	caFile := f.String("ca-file", "", "PEM file of extra certificate authorities to trust")
	insecure := f.Bool("insecure", false, "do not verify the server's TLS certificate")
	replace := f.Bool("replace", false, "import builds that are imported already again")
	cacheDir := f.String("cache-dir", "", "artifact cache (default: the user's cache directory)")
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(ops) > 0:
		return usagef("unexpected operand %q", ops[0])
	case *server == "" || *job == "" || *into == "":
		return usagef("--url, --jenkins-job and --into are required")
	case (*build > 0 && (*last > 0 || *latest)) || (*last > 0 && *latest):
		return usagef("--build, --last and --latest exclude each other")
	case *build < 0 || *last < 0:
		return usagef("--build and --last must be positive")
	}
	module, err := core.ParseModuleRef(*into)
	if err != nil {
		return usageError{err.Error()}
	}
	if _, err := jenkins.JobPath(*job); err != nil {
		return usageError{err.Error()}
	}
	client, err := jenkins.New(jenkins.Config{URL: *server, User: *user, Token: os.Getenv(jenkins.TokenEnv), CAFile: *caFile, Insecure: *insecure})
	if err != nil {
		return usageError{err.Error()}
	}
	cache, err := jenkinsCache(*cacheDir)
	if err != nil {
		return err
	}
	st, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()

	progress := newProgressLine(e.stderr, f.json)
	res, err := fetch.Fetch(ctx, client, cache, st, fetch.Options{
		JenkinsJob: *job, Into: module, Build: *build, Last: *last, Glob: *glob, Replace: *replace,
		Progress: func(_ int64, p importer.Progress) { progress.update(p) },
	})
	progress.clear()
	if err != nil {
		return err
	}
	if f.json {
		if err := writeJSON(e, toFetchJSON(res)); err != nil {
			return err
		}
	} else {
		printFetch(e.stdout, "", res)
		if len(res.Imported)+len(res.Skipped)+len(res.Failed) == 0 {
			fmt.Fprintln(e.stdout, "no build to import")
		}
	}
	if err := rememberJenkinsJob(follow.Job{Server: *server, User: *user, Job: *job, Into: module.String(), Glob: *glob,
		CAFile: *caFile, Insecure: *insecure, Follow: true}, os.Getenv(jenkins.TokenEnv)); err != nil {
		fmt.Fprintf(e.stderr, "regtracker-cli jenkins: the job is imported but not remembered: %v\n", err)
	}
	if len(res.Failed) > 0 {
		return reportedError{failedLines(res)}
	}
	return nil
}

func toFetchJSON(res fetch.Result) fetchJSON {
	out := fetchJSON{Imported: []jobJSON{}, Skipped: []skippedJSON{}, Failed: []failedJSON{}}
	for _, j := range res.Imported {
		out.Imported = append(out.Imported, toJSON(j))
	}
	for _, s := range res.Skipped {
		out.Skipped = append(out.Skipped, skippedJSON{s.Number, s.Reason})
	}
	for _, fl := range res.Failed {
		out.Failed = append(out.Failed, failedJSON{fl.Number, fl.Err.Error()})
	}
	return out
}

// printFetch writes a line per imported and skipped build, each after indent.
func printFetch(w io.Writer, indent string, res fetch.Result) {
	for _, j := range res.Imported {
		fmt.Fprintf(w, "%simported build %d as %s: %s tests (%s failed, %s errors) in %s\n", indent, j.Number, j.JobRef,
			format.Count(j.Tests), format.Count(j.Failed), format.Count(j.Errors), format.Duration(j.Stats.Total))
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "%sskipped build %d: %s\n", indent, s.Number, s.Reason)
	}
}

func failedLines(res fetch.Result) string {
	var lines []string
	for _, fl := range res.Failed {
		lines = append(lines, fmt.Sprintf("build %d failed: %v", fl.Number, fl.Err))
	}
	return strings.Join(lines, "\n")
}

// jenkinsCache is the artifact cache in dir, or in the user's cache directory.
func jenkinsCache(dir string) (*jenkins.Cache, error) {
	if dir == "" {
		d, err := jenkins.DefaultCacheDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return &jenkins.Cache{Dir: dir, Limit: jenkins.DefaultCacheLimit}, nil
}
