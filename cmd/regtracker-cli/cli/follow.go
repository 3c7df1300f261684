package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/regtracker/regtracker/core/credentials"
	"github.com/regtracker/regtracker/core/follow"
	"github.com/regtracker/regtracker/core/jenkins"
)

// useKeyring lets tokens go to the system's secret store; the tests keep them in a file
// of their own config directory.
var useKeyring = true

// remembered opens the list of remembered Jenkins jobs and the tokens' store, both in
// the config directory the desktop app uses.
func remembered() (*follow.List, *credentials.Store, error) {
	dir, err := credentials.DefaultDir()
	if err != nil {
		return nil, nil, err
	}
	creds := credentials.Open(dir)
	creds.UseKeyring = useKeyring
	return follow.Open(dir), creds, nil
}

// rememberJenkinsJob keeps j among the remembered jobs (the app lists them too) and the
// token, if any, in the secret store, for follow.
func rememberJenkinsJob(j follow.Job, token string) error {
	list, creds, err := remembered()
	if err != nil {
		return err
	}
	if token != "" && j.User != "" {
		if err := creds.Set(j.Server, j.User, token); err != nil {
			return err
		}
	}
	return list.Remember(j)
}

type followJSON struct {
	Server     string `json:"server"`
	JenkinsJob string `json:"jenkins_job"`
	Into       string `json:"into"`
	fetchJSON
	Error *string `json:"error"`
	OK    bool    `json:"ok"`
}

func toFollowJSON(o follow.Outcome) followJSON {
	out := followJSON{Server: o.Job.Server, JenkinsJob: o.Job.Job, Into: o.Job.Into, fetchJSON: toFetchJSON(o.Result), OK: o.OK()}
	if o.Err != nil {
		msg := o.Err.Error()
		out.Error = &msg
	}
	return out
}

func runFollow(ctx context.Context, e *env, args []string) error {
	f := newFlags("follow", e)
	every := f.Duration("every", 0, "fetch each followed job this often (default: its own interval, 10m unless set in the app)")
	once := f.Bool("once", false, "one round over every followed job, then exit: 0 when each was reached and its builds imported, 1 otherwise")
	cacheDir := f.String("cache-dir", "", "artifact cache (default: the user's cache directory)")
	ops, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(ops) > 0:
		return usagef("unexpected operand %q", ops[0])
	case *every < 0 || (*every > 0 && *every < time.Second):
		return usagef("--every must be at least 1s")
	}
	list, creds, err := remembered()
	if err != nil {
		return err
	}
	jobs, err := list.Jobs()
	if err != nil {
		return err
	}
	followed := 0
	for _, j := range jobs {
		if j.Follow {
			followed++
		}
	}
	if followed == 0 {
		return fmt.Errorf("no Jenkins job is followed (%s): `regtracker-cli jenkins` or the app's Jenkins wizard remembers one", list.Path())
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
	envToken := os.Getenv(jenkins.TokenEnv)
	deps := follow.Deps{Store: st, Cache: cache,
		Wait: func(j follow.Job, builds []int64) error { return list.SetWaiting(j.Server, j.Job, builds) },
		Token: func(server, user string) (string, error) {
			t, err := creds.Get(server, user)
			if errors.Is(err, fs.ErrNotExist) && envToken != "" {
				return envToken, nil
			}
			return t, err
		}}
	report := func(o follow.Outcome) {
		if f.json {
			writeJSON(e, toFollowJSON(o))
			return
		}
		fmt.Fprintf(e.stdout, "%s into %s:\n", o.Job.Name(), o.Job.Into)
		printFetch(e.stdout, "  ", o.Result)
		switch {
		case o.Err != nil:
			fmt.Fprintf(e.stdout, "  not reached: %v\n", o.Err)
		case len(o.Result.Failed) > 0:
			fmt.Fprintf(e.stdout, "  %s\n", failedLines(o.Result))
		case len(o.Result.Imported)+len(o.Result.Skipped) == 0:
			fmt.Fprintln(e.stdout, "  no new build")
		}
	}

	if *once {
		outcomes := follow.Round(ctx, deps, jobs)
		failed := 0
		if f.json {
			all := struct {
				Jobs []followJSON `json:"jobs"`
				OK   bool         `json:"ok"`
			}{Jobs: []followJSON{}}
			for _, o := range outcomes {
				all.Jobs = append(all.Jobs, toFollowJSON(o))
				if !o.OK() {
					failed++
				}
			}
			all.OK = failed == 0
			if err := writeJSON(e, all); err != nil {
				return err
			}
		} else {
			for _, o := range outcomes {
				report(o)
				if !o.OK() {
					failed++
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cancelled; nothing of the build being imported was kept")
		}
		if failed > 0 {
			return reportedError{fmt.Sprintf("%d of %d followed jobs failed", failed, len(outcomes))}
		}
		return nil
	}

	fmt.Fprintf(e.stderr, "following %d Jenkins job(s); Ctrl-C stops\n", followed)
	var mu sync.Mutex // fetches of several jobs end at once
	fl := &follow.Follower{Deps: deps, Jobs: list.Jobs, Every: *every, Done: func(o follow.Outcome, s follow.Status) {
		mu.Lock()
		defer mu.Unlock()
		report(o)
		if !o.OK() && !f.json {
			fmt.Fprintf(e.stdout, "  %d failure(s) in a row since %s; next try at %s\n", s.Failures,
				s.FailingSince.Format(time.TimeOnly), s.Next.Format(time.TimeOnly))
		}
	}}
	fl.Run(ctx)
	fmt.Fprintln(e.stderr, "stopped; nothing half-imported was kept")
	return nil
}
